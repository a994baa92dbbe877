"""Blueprints, security headers and template helpers."""

from __future__ import annotations

from flask import Flask
from flask import Response as FlaskResponse

from service import access
from service.sync.status import sync_state
from service.views import (
    about,
    admin,
    author,
    autosave,
    consultations,
    consultee,
    downloads,
    fill,
    form_admin,
    home,
    pdf,
    plans,
    public,
    review,
)
from service.views.formatting import register_filters

# No inline script or style anywhere: the policy can stay strict.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def _security_headers(response: FlaskResponse) -> FlaskResponse:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Sign-in links carry a secret in the path: never leak it in a Referer header.
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if response.mimetype == "text/html" or headers.get("Content-Disposition", "").startswith(
        "attachment"
    ):
        # Pages and downloads hold answers: never kept by a browser or a shared cache.
        # (send_file sets its own caching header for files, so this one replaces it.)
        headers["Cache-Control"] = "no-store, private"
    return response


# Imported for their routes on the fill blueprint.
_FILL_ROUTES = (autosave, review)
# Imported for its routes on the consultations blueprint.
_CONSULTEE_ROUTES = consultee


def init_app(app: Flask) -> None:
    for module in (
        public,
        about,
        access,
        home,
        fill,
        admin,
        downloads,
        form_admin,
        plans,
        pdf,
        consultations,
    ):
        app.register_blueprint(module.bp)
    # The checklist form checks its CSRF token itself, to keep what was typed on a stale page.
    # The autosave endpoints check it too, to answer in JSON rather than with a page.
    for view in (fill.new, fill.edit, autosave.autosave_new, autosave.autosave_response):
        app.extensions["csrf"].exempt(view)
    app.after_request(_security_headers)
    register_filters(app)
    app.add_template_global(sync_state)  # admin/_sync_state.html
    author.init_app(app)
