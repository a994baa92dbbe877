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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import g, has_request_context
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from forms import Catalogue, Form
from service import form_store
from service.db import get_db

if TYPE_CHECKING:
    from service.runtime import Runtime

log = logging.getLogger(__name__)

# Where a request keeps the newest publication's id its session lookup read.
MARKER = "published_marker"


@dataclass
class PublishedCache:
    """The merged catalogue of one process and the newest publication it was built from."""

    entry: tuple[int, Catalogue] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


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


def catalogue_for(runtime: Runtime, db: Session, marker: int | None = None) -> Catalogue:
    """The catalogue in force, refreshed if something was published since it was built.

    `marker` is the newest publication's id if the caller has just read it."""
    cache = runtime.published
    try:
        if marker is None:
            marker = form_store.latest_id(db)
    except SQLAlchemyError:
        # The database is away: keep serving what we had rather than fail every page.
        db.rollback()
        log.warning("published checklist versions cannot be checked", exc_info=True)
        fallback = cache.entry
        return fallback[1] if fallback else runtime.forms
    cached = cache.entry
    if cached is not None and cached[0] == marker:
        catalogue: Catalogue = cached[1]
        return catalogue
    with cache.lock:
        cached = cache.entry
        if cached is None or cached[0] != marker:
            published = form_store.published_forms(db) if marker else []
            cached = (marker, merge(runtime.forms, published))
            cache.entry = cached
        catalogue = cached[1]
        return catalogue


def current_catalogue() -> Catalogue:
    """The catalogue in force, asked of the database at most once per request."""
    if has_request_context() and "catalogue" in g:
        memo: Catalogue = g.catalogue
        return memo
    from service.runtime import current_runtime

    marker = g.get(MARKER) if has_request_context() else None
    catalogue = catalogue_for(current_runtime(), get_db(), marker)
    if has_request_context():
        g.catalogue = catalogue
    return catalogue


def note_published(marker: int | None) -> None:
    """The newest publication's id as this request has already read it (None: not read)."""
    if marker is not None:
        setattr(g, MARKER, marker)
