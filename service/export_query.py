"""Responses out of the database for the Excel exports, streamed in batches.

A submitted response is exported as its latest submitted revision (what the organisation
sent in), even if a later draft of changes is being worked on, with the same times as its
spreadsheet mirror: *Inskickat* is the first submission, *Senast ändrad* the latest one.
A never-submitted response is exported as its working copy, only when drafts are asked for.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session, aliased

from exports.filters import ExportFilter
from exports.records import ResponseRecord
from exports.workbook import (
    ExportSummary,
    Progress,
    Target,
    build_org_workbook,
    build_regional_workbook,
)
from forms import Catalogue
from service.consultations.records import org_messages, regional_messages
from service.models import Response, Revision
from service.organisations import Directory

BATCH_SIZE = 500


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


def records(
    db: Session, selection: ExportFilter, form_id: str, batch_size: int = BATCH_SIZE
) -> Iterator[ResponseRecord]:
    """The selection's responses to one checklist, by organisation and date, in batches."""
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
        .where(Response.form_id == form_id)
        .order_by(
            Response.org, func.coalesce(Response.submitted_at, Response.updated_at), Response.id
        )
    )
    stmt = _filtered(stmt, selection)
    # Core execution with yield_per streams rows from the cursor (a server-side cursor on
    # PostgreSQL) batch by batch. Measured: the ORM session's execute with yield_per
    # buffered about 2 kB per row here, Core stays flat.
    result = db.connection().execution_options(yield_per=batch_size).execute(stmt)
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


def org_names(orgs: Directory) -> dict[str, str]:
    """slug -> name of every configured organisation, in the config file's order."""
    return {org.slug: org.name for org in orgs}


def regional_workbook(
    db: Session,
    catalogue: Catalogue,
    orgs: Directory,
    selection: ExportFilter,
    out: Target,
    on_record: Progress | None = None,
) -> ExportSummary:
    """Write the region's workbook for `selection` to `out`, streaming from the database."""
    return build_regional_workbook(
        out,
        catalogue,
        lambda form_id: records(db, selection, form_id),
        org_names(orgs),
        selection,
        on_record=on_record,
        expected=orgs.expectations(),
        consultations=regional_messages(db, catalogue, selection),
    )


def org_workbook(
    db: Session, catalogue: Catalogue, orgs: Directory, org: str, out: Target
) -> ExportSummary:
    """One organisation's submitted responses, with the rows and columns of its mirror."""
    selection = ExportFilter(orgs=frozenset({org}))
    return build_org_workbook(
        out,
        catalogue,
        lambda form_id: records(db, selection, form_id),
        org,
        org_names(orgs),
        consultations=org_messages(db, catalogue, org),
    )
