"""Reading and writing responses; every write is one transaction."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forms import Form, Status, Submission
from service import plans, sync
from service.models import Response, Revision, utcnow

RESPONSE_ID = re.compile(r"[0-9a-f]{1,32}")
MAX_REVISION = 2**31 - 1


def for_org(db: Session, org: str) -> list[Response]:
    return list(
        db.scalars(select(Response).where(Response.org == org).order_by(Response.updated_at.desc()))
    )


def owned(db: Session, response_id: str, org: str | None) -> Response | None:
    """The response if it exists and belongs to `org` (None = any organisation, for admins)."""
    # Ids are hex (uuid4().hex); anything else cannot exist, and a NUL would make
    # PostgreSQL refuse the query instead of finding nothing.
    if not RESPONSE_ID.fullmatch(response_id):
        return None
    response = db.get(Response, response_id)
    if response is None or (org is not None and response.org != org):
        return None
    return response


def create(db: Session, org: str, form: Form) -> Response:
    """A new response as the first stage of a new plan (with its reference number)."""
    response = Response(
        id=uuid.uuid4().hex,  # known before the flush, so a submission flushes once
        org=org,
        form_id=form.id,
        form_version=form.version,
        status=Status.DRAFT,
        revision=0,
        unsubmitted_changes=False,
        data={},
    )
    response.plan = plans.create(db, org, form.id)
    db.add(response)
    return response


def save_draft(
    db: Session,
    response: Response,
    submission: Submission,
    *,
    by: str | None = None,
    section: str | None = None,
) -> None:
    """Save the working copy; `section` is the part whose own save button was used."""
    response.data = submission.to_dict()
    response.updated_at = utcnow()
    response.unsubmitted_changes = response.status == Status.SUBMITTED
    plans.touch(db, response, by)
    if section:
        plans.looked_at(response, section)
    db.commit()


def submit(
    db: Session,
    response: Response,
    submission: Submission,
    also: Callable[[Revision], None] | None = None,
    *,
    by: str | None = None,
) -> Revision:
    """Freeze the submission as the response's next revision and commit both.

    `also` adds to the same transaction what the submission causes (the receipt e-mail).
    `by` ("Ditt namn eller din roll") stays in the service: it is not part of `data`,
    which is what the spreadsheets mirror.
    """
    now = utcnow()
    response.data = submission.to_dict()
    response.status = Status.SUBMITTED
    response.revision += 1
    response.updated_at = now
    response.submitted_at = now
    response.unsubmitted_changes = False
    revision = Revision(
        response=response,
        number=response.revision,
        form_version=response.form_version,
        data=response.data,
        submitted_at=now,
        submitted_by=by,
    )
    db.add(revision)
    plans.touch(db, response, by)
    plans.looked_at(response, None, everything=True)
    sync.enqueue(db, response)  # same transaction: the sheet mirror can never miss it
    if also is not None:
        if response.id is None:  # made outside create(): its id comes with the flush
            db.flush()
        # Everything is written in the commit's one flush; `also` only reads the database
        # for what an earlier transaction wrote.
        with db.no_autoflush:
            also(revision)
    db.commit()
    return revision


def revision(db: Session, response: Response, number: int) -> Revision | None:
    if not 0 < number <= MAX_REVISION:  # beyond what the database's integer holds
        return None
    return db.scalars(
        select(Revision).where(Revision.response_id == response.id, Revision.number == number)
    ).first()


def counts_by_org(db: Session) -> dict[tuple[str, str, str], int]:
    """Number of responses per (organisation, form, status)."""
    rows = db.execute(
        select(Response.org, Response.form_id, Response.status, func.count()).group_by(
            Response.org, Response.form_id, Response.status
        )
    )
    return {(org, form_id, status): n for org, form_id, status, n in rows}


def latest_submission_by_org(db: Session) -> dict[str, object]:
    rows = db.execute(select(Response.org, func.max(Response.submitted_at)).group_by(Response.org))
    return {org: latest for org, latest in rows if latest is not None}
