"""Published checklist versions, kept in the database so every instance and worker sees them.

A publication stores the version as an XLSForm workbook written by forms.xlsform_writer
(the canonical layout, its settings naming the version it got). Versions are numbered
per checklist after every version known so far, shipped or published, whatever number
the uploaded workbook carries: staff download version 3, edit, upload, and it becomes 4.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import ScalarSelect

from forms import Catalogue, Form
from forms.diff import FormDiff, carry_over, diff, name_conflicts
from forms.text import LINE_CONTROL_CHARS
from forms.xlsform import XLSFormError, read_xlsform
from forms.xlsform_writer import write_xlsform
from service.models import PendingUpload, PublishedForm, Response, utcnow

log = logging.getLogger(__name__)


# An upload not published within this time is forgotten.
PENDING_LIFETIME = dt.timedelta(hours=24)
PENDING_ID = re.compile(r"[A-Za-z0-9_-]{20,64}")


def keep_pending(db: Session, data: bytes, filename: str) -> str:
    """Store an upload for publishing later; returns its one-time id."""
    db.execute(delete(PendingUpload).where(PendingUpload.created_at < utcnow() - PENDING_LIFETIME))
    upload_id = secrets.token_urlsafe(24)
    db.add(PendingUpload(id=upload_id, data=data, filename=clean_filename(filename)))
    db.commit()
    return upload_id


def pending(db: Session, upload_id: str) -> PendingUpload | None:
    """The upload stored under `upload_id`, if it is still waiting."""
    if not PENDING_ID.fullmatch(upload_id):
        return None
    row = db.get(PendingUpload, upload_id)
    if row is None or row.created_at < utcnow() - PENDING_LIFETIME:
        return None
    return row


class PublishError(Exception):
    """An upload that cannot be published; `problems` are Swedish, one per line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class Unchanged(PublishError):
    """The upload is valid and equal to the version in force: nothing to publish."""


@dataclass(frozen=True)
class Candidate:
    """An upload checked against the catalogue: what publishing it would create."""

    form: Form  # numbered as the next version
    current: Form  # the version it replaces for new responses
    changes: FormDiff


def clean_filename(name: str) -> str:
    """An uploaded file's name as shown and stored: no control characters (PostgreSQL
    refuses NUL in text), no folders, at most 255 characters."""
    name = LINE_CONTROL_CHARS.sub("", name).replace("\\", "/").rsplit("/", 1)[-1]
    return name.strip()[:255]


def latest_id(db: Session) -> int:
    """Grows with every publication: the cheap question 'has anything been published?'."""
    return db.scalar(select(latest_id_column())) or 0


def latest_id_column() -> ScalarSelect[int]:
    """latest_id as a column, to ask it within another statement (the session lookup)."""
    return select(func.coalesce(func.max(PublishedForm.id), 0)).scalar_subquery()


def published_forms(db: Session) -> list[Form]:
    """Every published version, oldest first; a stored version that no longer reads is
    logged and left out rather than stopping the service."""
    forms = []
    for row in db.scalars(select(PublishedForm).order_by(PublishedForm.id)):
        try:
            form = read_xlsform(row.xlsform, f"publicerad version {row.version}")
        except XLSFormError as exc:
            log.error("published %s version %s cannot be read: %s", row.form_id, row.version, exc)
            continue
        forms.append(dataclasses.replace(form, version=row.version))
    return forms


def check(catalogue: Catalogue, data: bytes, filename: str = "") -> Candidate:
    """The upload as the next version of its checklist; PublishError lists every problem."""
    try:
        form = read_xlsform(data, clean_filename(filename))
    except XLSFormError as exc:
        raise PublishError([str(p) for p in exc.problems]) from None
    if form.id not in catalogue:
        known = ", ".join(f.id for f in catalogue.current())
        raise PublishError(
            [
                f"Bladet settings, rad 2, kolumn form_id: checklistan {form.id} finns inte "
                f"i tjänsten (kända: {known})."
            ]
        )
    history = catalogue.versions(form.id)
    current = history[-1]
    problems = name_conflicts(history, form)
    if problems:
        raise PublishError(problems)
    numbered = dataclasses.replace(
        form, version=current.version + 1, source=clean_filename(filename)
    )
    if dataclasses.replace(numbered, version=current.version, source=current.source) == current:
        raise Unchanged(
            [
                f"Arbetsboken är likadan som den publicerade version {current.version}; inget att publicera."
            ]
        )
    return Candidate(numbered, current, diff(current, numbered))


def publish(
    db: Session,
    catalogue: Catalogue,
    data: bytes,
    filename: str,
    published_by: str,
    upload: PendingUpload | None = None,
) -> Candidate:
    """Check and store the upload as a new version, in one transaction (which also uses
    up `upload`, the pending upload it came from, if any)."""
    candidate = check(catalogue, data, filename)
    form = candidate.form
    db.add(
        PublishedForm(
            form_id=form.id,
            version=form.version,
            xlsform=write_xlsform(form),
            filename=clean_filename(filename),
            published_by=published_by,
        )
    )
    if upload is not None:
        db.delete(upload)
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise PublishError(
            [
                f"Någon annan publicerade version {form.version} av checklistan samtidigt. "
                "Ladda upp arbetsboken igen för att se skillnaderna mot den."
            ]
        ) from None
    return candidate


def move_draft(db: Session, response: Response, old: Form, new: Form) -> list[str]:
    """Move a draft from `old` onto `new` by item name and commit; returns what was dropped."""
    data, dropped = carry_over(old, new, response.data or {})
    response.form_version = new.version
    response.data = data
    response.updated_at = utcnow()
    db.commit()
    return dropped
