"""A response as a spreadsheet shows it: the one query behind the mirror, the organisation's
download and the region's workbook, streamed in batches.

A submitted response is shown as its latest submitted revision (what the organisation sent
in), even while a later draft of changes is being worked on: *Inskickat* is the first
submission, *Senast ändrad* the latest one, so a row tells when the answer arrived and how
fresh it is. A never-submitted response is shown as its working copy, only when drafts are
asked for. Every consumer lays the records out with the columns of `exports/`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session, aliased

from exports.filters import ExportFilter
from exports.records import ResponseRecord
from service.models import Response, Revision

BATCH_SIZE = 500  # rows fetched from the cursor at a time


def _filtered(stmt: Select[Any], selection: ExportFilter) -> Select[Any]:
    stmt = stmt.where(Response.status.in_(selection.statuses))
    if selection.orgs:
        stmt = stmt.where(Response.org.in_(sorted(selection.orgs)))
    if selection.forms:
        stmt = stmt.where(Response.form_id.in_(sorted(selection.forms)))
    # Same rule as ExportFilter.matches: the latest submission, or a draft's last change.
    moment = func.coalesce(Response.submitted_at, Response.updated_at)
    if selection.since is not None:
        stmt = stmt.where(moment >= selection.since)
    if selection.before is not None:
        stmt = stmt.where(moment < selection.before)
    return stmt


def count(db: Session, selection: ExportFilter) -> int:
    """How many responses the selection holds (for a progress bar; a stage is not counted in)."""
    stmt = _filtered(select(func.count()).select_from(Response), selection)
    return int(db.scalar(stmt) or 0)


def _statement(
    selection: ExportFilter, form_id: str | None, ids: Collection[str] | None
) -> Select[Any]:
    latest = and_(Revision.response_id == Response.id, Revision.number == Response.revision)
    earlier = aliased(Revision)
    first_submitted = (
        select(func.min(earlier.submitted_at))
        .where(earlier.response_id == Response.id)
        .scalar_subquery()
    )
    stmt = (
        select(
            Response.id,
            Response.org,
            Response.form_id,
            Response.form_version,
            Response.status,
            Response.revision,
            Response.updated_at,
            Response.submitted_at,
            Response.data,
            Revision.form_version,
            Revision.data,
            first_submitted,
        )
        .outerjoin(Revision, latest)
        .order_by(
            Response.org, func.coalesce(Response.submitted_at, Response.updated_at), Response.id
        )
    )
    if form_id is not None:
        stmt = stmt.where(Response.form_id == form_id)
    if ids is not None:
        stmt = stmt.where(Response.id.in_(sorted(ids)))
    return _filtered(stmt, selection)


def stream(
    db: Session,
    selection: ExportFilter,
    form_id: str | None = None,
    batch_size: int = BATCH_SIZE,
    *,
    ids: Collection[str] | None = None,
) -> Iterator[ResponseRecord]:
    """The selection's responses (to one checklist, or only `ids`), by organisation and date.

    Keep `ids` to a few hundred: they go into one IN (...) list.
    """
    stmt = _statement(selection, form_id, ids)
    # Core execution with yield_per streams rows from the cursor (a server-side cursor on
    # PostgreSQL) batch by batch; the ORM buffered about 2 kB per row here, Core stays flat.
    # The option goes on the statement: set on the session's connection, it would stay and
    # make every later query in the transaction a server-side cursor too.
    result = db.connection().execute(stmt.execution_options(yield_per=batch_size))
    for row in result:
        (
            rid,
            org,
            fid,
            version,
            status,
            revision,
            updated,
            submitted,
            data,
            rev_version,
            rev_data,
            first,
        ) = row
        if status == "submitted" and rev_data is not None:
            # Response.submitted_at is the latest submission, i.e. this revision's time.
            version, data = rev_version, rev_data
            updated, submitted = submitted, first or submitted
        record = ResponseRecord(
            id=rid,
            org=org,
            form_id=fid,
            form_version=version,
            status=status,
            revision=revision,
            updated_at=updated,
            submitted_at=submitted,
            data=data or {},
        )
        if selection.includes_stage(record):  # the stage lives in JSON: checked here, not in SQL
            yield record
