"""The region's consolidated workbook and an organisation's own download, in constant memory.

Records stream in per checklist (a generator, e.g. straight from the database), each goes
into its checklist's sheet at once and is counted for the overview and heat map on the
way; openpyxl's write-only mode keeps finished rows in a temporary file, not in memory.
Sheet order: Översikt, then per checklist its heat map (Karta …) and its responses, then
Frågor. The overview and heat maps are filled last, when the counts are complete.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from openpyxl import Workbook

from exports.codebook import write_codebook
from exports.filters import ExportFilter
from exports.heatmap import write_heatmap
from exports.items import item_infos
from exports.overview import WORKBOOK_TITLE, write_overview
from exports.records import ResponseRecord
from exports.responsesheet import write_responses
from exports.sheetnames import SheetNames, TableNames
from exports.tally import FormTally
from forms import Catalogue

CREATOR = "Checklistor för kollektivtrafik i planeringen"
RecordSource = Callable[[str], Iterable[ResponseRecord]]
Progress = Callable[[ResponseRecord], None]
Target = str | Path | IO[bytes]


@dataclass
class ExportSummary:
    """What a workbook holds, for the command's summary line and for tests."""

    responses: int = 0
    per_form: dict[str, int] = field(default_factory=dict)
    organisations: set[str] = field(default_factory=set)
    sheets: list[str] = field(default_factory=list)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _new_workbook(title: str, created: dt.datetime) -> Workbook:
    wb = Workbook(write_only=True)
    wb.properties.title = title
    wb.properties.creator = CREATOR
    wb.properties.lastModifiedBy = CREATOR
    wb.properties.created = created
    wb.properties.modified = created
    wb.properties.language = "sv-SE"
    return wb


def build_regional_workbook(
    out: Target,
    catalogue: Catalogue,
    records_for: RecordSource,
    org_names: Mapping[str, str],
    selection: ExportFilter | None = None,
    *,
    created: dt.datetime | None = None,
    on_record: Progress | None = None,
) -> ExportSummary:
    """Write the region's workbook to `out`.

    `records_for(form_id)` yields that checklist's responses; `org_names` maps every
    known organisation (slug -> name) in the order to list them. Records outside
    `selection` are skipped here too, whatever the source yields.
    """
    selection = selection or ExportFilter()
    created = created or _utcnow()
    wb = _new_workbook(WORKBOOK_TITLE, created)
    sheets, tables = SheetNames(), TableNames()
    summary = ExportSummary()
    overview = wb.create_sheet(sheets.claim("Översikt"))

    forms = [f for f in catalogue.current() if selection.includes_form(f.id)]
    orgs = [(slug, name) for slug, name in org_names.items() if selection.includes_org(slug)]
    tallies: dict[str, FormTally] = {}
    codebook = []
    for form in forms:
        versions = catalogue.versions(form.id)
        infos = item_infos(versions)
        codebook.append((form, infos))
        tally = tallies[form.id] = FormTally(infos)
        heat = wb.create_sheet(sheets.claim(f"Karta {form.short_title}"))
        data = wb.create_sheet(sheets.claim(form.short_title))

        def counted(record: ResponseRecord, tally: FormTally = tally) -> None:
            tally.add(record)
            if on_record is not None:
                on_record(record)

        records = (r for r in records_for(form.id) if selection.matches(r))
        summary.per_form[form.id] = write_responses(
            data, tables.claim(f"Svar_{form.id}"), versions, records, org_names, counted
        )
        summary.organisations.update(tally.orgs)
        write_heatmap(heat, form, infos, tally, _with_unknown(orgs, tally, selection))

    write_codebook(wb.create_sheet(sheets.claim("Frågor")), tables.claim("Fragor"), codebook)
    titles = {f.id: f.short_title for f in catalogue.current()}
    all_orgs = orgs
    for tally in tallies.values():
        all_orgs = _with_unknown(all_orgs, tally, selection)
    write_overview(
        overview,
        table_name=tables.claim("Oversikt"),
        created=created,
        filter_lines=selection.describe(org_names, titles),
        forms=forms,
        tallies=tallies,
        orgs=all_orgs,
    )
    summary.responses = sum(summary.per_form.values())
    summary.sheets = wb.sheetnames
    wb.save(out)
    return summary


def build_org_workbook(
    out: Target,
    catalogue: Catalogue,
    records_for: RecordSource,
    org: str,
    org_names: Mapping[str, str],
    *,
    created: dt.datetime | None = None,
) -> ExportSummary:
    """An organisation's own responses: one sheet per checklist, as in its mirror."""
    created = created or _utcnow()
    name = org_names.get(org, org)
    wb = _new_workbook(f"{name} – svar på checklistorna", created)
    sheets, tables = SheetNames(), TableNames()
    summary = ExportSummary()
    for form in catalogue.current():
        ws = wb.create_sheet(sheets.claim(form.short_title))
        # Another organisation's rows must never reach this file, whatever the source does.
        records = (r for r in records_for(form.id) if r.org == org)
        summary.per_form[form.id] = write_responses(
            ws, tables.claim(f"Svar_{form.id}"), catalogue.versions(form.id), records, org_names
        )
    summary.responses = sum(summary.per_form.values())
    summary.organisations = {org} if summary.responses else set()
    summary.sheets = wb.sheetnames
    wb.save(out)
    return summary


def _with_unknown(
    orgs: list[tuple[str, str]], tally: FormTally, selection: ExportFilter
) -> list[tuple[str, str]]:
    """`orgs` plus any organisation that answered but is no longer configured (by slug)."""
    known = {slug for slug, _ in orgs}
    extra = sorted(s for s in tally.orgs if s not in known and selection.includes_org(s))
    return [*orgs, *((s, s) for s in extra)]
