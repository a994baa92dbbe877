"""The checklists in force: the shipped definitions merged with the published versions.

Each process keeps the merged catalogue and asks the database one small question per
request (the newest publication's id; for a signed-in request the session lookup reads it
in the same statement, see note_published); only when that changed does it read the
stored versions again. So a version published on one instance is in use on every instance and
worker from their next request or pass, without a restart.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask, current_app, g, has_request_context
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from forms import Catalogue, Form
from service import form_store
from service.db import get_db

log = logging.getLogger(__name__)

CACHE = "checklistor.catalogue_cache"
MARKER = "published_marker"
_lock = threading.Lock()


def shipped(app: Flask) -> Catalogue:
    """The definitions shipped with the service (validated at start-up)."""
    result: Catalogue = app.extensions["checklistor.forms"]
    return result


def merge(base: Catalogue, published: list[Form]) -> Catalogue:
    """`base` plus `published`; a published version wins over a shipped one of that number."""
    taken = {(f.id, f.version) for f in published}
    forms: list[Form] = []
    for form in base.current():
        for version in base.versions(form.id):
            if (version.id, version.version) in taken:
                log.warning(
                    "published %s version %s hides the shipped one", form.id, version.version
                )
            else:
                forms.append(version)
    return Catalogue([*forms, *published])


def catalogue_for(app: Flask, db: Session, marker: int | None = None) -> Catalogue:
    """The catalogue for `app`, refreshed if something was published since it was built.

    `marker` is the newest publication's id if the caller has just read it."""
    try:
        if marker is None:
            marker = form_store.latest_id(db)
    except SQLAlchemyError:
        # The database is away: keep serving what we had rather than fail every page.
        db.rollback()
        log.warning("published checklist versions cannot be checked", exc_info=True)
        fallback = app.extensions.get(CACHE)
        return fallback[1] if fallback else shipped(app)
    cached = app.extensions.get(CACHE)
    if cached is not None and cached[0] == marker:
        catalogue: Catalogue = cached[1]
        return catalogue
    with _lock:
        cached = app.extensions.get(CACHE)
        if cached is None or cached[0] != marker:
            published = form_store.published_forms(db) if marker else []
            cached = (marker, merge(shipped(app), published))
            app.extensions[CACHE] = cached
        catalogue = cached[1]
        return catalogue


def current_catalogue() -> Catalogue:
    """The catalogue in force, asked of the database at most once per request."""
    if has_request_context() and "catalogue" in g:
        memo: Catalogue = g.catalogue
        return memo
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    catalogue = catalogue_for(app, get_db(), g.get(MARKER) if has_request_context() else None)
    if has_request_context():
        g.catalogue = catalogue
    return catalogue


def note_published(marker: int | None) -> None:
    """The newest publication's id as this request has already read it (None: not read)."""
    if marker is not None:
        setattr(g, MARKER, marker)
