"""Who stands behind the service: the accessibility statement, personal data, logo, favicon."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, render_template
from werkzeug.wrappers import Response as WerkzeugResponse

from service.catalogue import current_catalogue
from service.errors import fail
from service.identity import current_identity
from service.personal_data import personal_fields

bp = Blueprint("about", __name__)


@bp.route("/tillganglighet")
def accessibility() -> str:
    return render_template("about/accessibility.html")


@bp.route("/personuppgifter")
def personal_data() -> str:
    # The fields of the checklists that hold personal data, by their labels.
    fields = sorted(
        {spec.label for form in current_catalogue().current() for spec in personal_fields(form)}
    )
    return render_template("about/personal_data.html", personal_fields=fields)


@bp.route("/logotyp")
def logo() -> WerkzeugResponse:
    identity = current_identity()
    if identity.logo is None:
        fail(404)
    try:
        logo = identity.logo.read_bytes()
    except OSError:  # moved away since start-up: the header falls back to nothing broken
        fail(404)
    response = current_app.response_class(logo, mimetype=identity.logo_type)
    response.cache_control.max_age = 3600
    return response


@bp.route("/favicon.ico")
def favicon() -> WerkzeugResponse:
    """Browsers ask for /favicon.ico on their own; the page names the SVG one as well."""
    icon = (Path(str(current_app.static_folder)) / "favicon.ico").read_bytes()
    response = current_app.response_class(icon, mimetype="image/vnd.microsoft.icon")
    response.cache_control.max_age = 86400
    return response
