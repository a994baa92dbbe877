"""Access without accounts: secret sign-in links per organisation and for the region's admins.

A link's token is derived from the app's SECRET_KEY, the subject and a generation number,
so the operator can print the current link again at any time; only its SHA-256 is stored.
Rotating bumps the generation: the old link and every session opened with it stop working.
Sessions live in the database (service/sessions.py), so signing out ends them everywhere.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as WerkzeugResponse

from service import sessions
from service.catalogue import note_published
from service.db import get_db
from service.errors import fail
from service.models import AccessLink
from service.organisations import Directory, Organisation
from service.runtime import current_runtime, current_settings

bp = Blueprint("access", __name__)

F = TypeVar("F", bound=Callable[..., Any])


def _token(secret: str, subject: str, generation: int) -> str:
    digest = hmac.new(secret.encode(), f"{subject}:{generation}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_link(db: Session, secret: str, subject: str, *, rotate: bool = False) -> str:
    """The current sign-in token of `subject`, created (or replaced, if rotate) as needed."""
    row = db.get(AccessLink, subject)
    if row is None:
        try:
            first = _token(secret, subject, 1)
            db.add(AccessLink(subject=subject, generation=1, token_hash=_hash(first)))
            db.commit()
            return first
        except IntegrityError:  # another process made it at the same moment: use theirs
            db.rollback()
            row = db.get(AccessLink, subject)
            if row is None:
                raise
    if rotate:
        row.generation += 1
        sessions.end_all(db, subject)
    token = _token(secret, subject, row.generation)
    # Re-keying after a SECRET_KEY change keeps printed links working.
    if row.token_hash != _hash(token):
        row.token_hash = _hash(token)
    db.commit()
    return token


def subject_for_token(db: Session, token: str) -> AccessLink | None:
    if not token or len(token) > 100:
        return None
    return db.scalars(select(AccessLink).where(AccessLink.token_hash == _hash(token))).first()


def directory() -> Directory:
    return current_runtime().organisations


def _limits() -> tuple[dt.timedelta, dt.timedelta]:
    """(idle time, longest life) of a session, from the configuration."""
    idle = dt.timedelta(minutes=current_settings().session_idle_minutes)
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"]
    if not isinstance(lifetime, dt.timedelta):  # seconds, as Flask also accepts
        lifetime = dt.timedelta(seconds=int(lifetime))
    return idle, lifetime


def load_identity() -> None:
    """Before each request: who is signed in, by the server-side session the cookie names."""
    g.org = None
    g.is_admin = False
    token = session.get("sid")
    if not token or request.endpoint == "static":
        return
    subject, published = sessions.lookup(get_db(), token, *_limits())
    note_published(published)  # the catalogue need not ask again this request
    if subject is None:  # signed out, rotated, idle too long, or a cookie from elsewhere
        session.clear()
        return
    if subject == AccessLink.ADMIN:
        g.is_admin = True
    else:
        g.org = directory().get(subject)
        if g.org is None:  # organisation removed from the config file
            session.clear()


def org_required(view: F) -> F:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.org is None:
            if g.is_admin:
                fail(
                    403,
                    "Den här sidan är till för organisationerna. Som administratör "
                    "använder du översikten.",
                )
            return signin_needed()
        return view(*args, **kwargs)

    return cast(F, wrapped)


def admin_required(view: F) -> F:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not g.is_admin:
            if g.org is not None:
                fail(404)
            return signin_needed()
        return view(*args, **kwargs)

    return cast(F, wrapped)


def signin_needed() -> tuple[str, int]:
    """The 401 page; after a post it holds what was sent, to send again once signed in."""
    return render_template("access/signin_needed.html", posted=request.method == "POST"), 401


def current_org() -> Organisation:
    org: Organisation = g.org
    return org


@bp.route("/in/<token>")
def sign_in(token: str) -> WerkzeugResponse | tuple[str, int]:
    row = subject_for_token(get_db(), token)
    if row is None:
        return render_template("access/link_invalid.html"), 404
    if row.subject != AccessLink.ADMIN and directory().get(row.subject) is None:
        return render_template("access/link_invalid.html"), 404
    session.clear()
    session.permanent = True
    session["sid"] = sessions.open_session(get_db(), row, _limits()[1])
    # Signed in from now on, this request included (its log line names the organisation).
    g.is_admin = row.subject == AccessLink.ADMIN
    g.org = None if g.is_admin else directory().get(row.subject)
    if row.subject == AccessLink.ADMIN:
        return redirect(url_for("admin.overview"))
    return redirect(url_for("home.index"))


@bp.post("/logga-ut")
def sign_out() -> WerkzeugResponse:
    sessions.end(get_db(), session.get("sid"))
    session.clear()
    flash(
        "Du är utloggad. Använd din organisations inloggningslänk för att komma tillbaka.", "info"
    )
    return redirect(url_for("public.start"))


def link_url(token: str) -> str:
    base = current_settings().public_url.rstrip("/")
    return f"{base}/in/{token}"
