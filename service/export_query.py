"""The region's workbook and an organisation's download, written from the database.

The rows come from the one records query (`service.records`), streamed in batches, so a
download shows each response exactly as the organisation's spreadsheet mirror does.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from exports.filters import ExportFilter
from exports.workbook import (
    ExportSummary,
    Progress,
    Target,
    build_org_workbook,
    build_regional_workbook,
)
from forms import Catalogue
from service.consultations.records import org_messages, regional_messages
from service.organisations import Directory
from service.records import count
from service.records import stream as records

__all__ = ["count", "org_names", "org_workbook", "records", "regional_workbook"]


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
