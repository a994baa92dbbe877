"""The region's consolidated workbook and an organisation's own download, in constant memory.

Records stream in per checklist (a generator, e.g. straight from the database), each goes
into its checklist's sheet and the long Data sheet at once and is counted for the overview
and heat map on the way; openpyxl's write-only mode keeps finished rows in a temporary
file per sheet, not in memory. Sheet order: Översikt, then per checklist its heat map
(Karta …) and its responses, then Data, Samråd (when given), Frågor and Om arbetsboken.
Every sheet is created first (that fixes the order); the overview and heat maps are
filled last, when the counts are complete.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from openpyxl import Workbook

from exports.about import write_about
from exports.codebook import write_codebook
from exports.consultsheet import SHEET_TITLE, ConsultMessage, write_consultations
from exports.datasheet import DataSheet
from exports.filters import ExportFilter
from exports.heatmap import write_heatmap
from exports.items import ItemInfo, item_infos
from exports.overview import WORKBOOK_TITLE, write_overview
from exports.records import ResponseRecord
from exports.responsesheet import write_responses
from exports.sheetnames import SheetNames, TableNames
from exports.tally import FormTally
from forms import Catalogue, Form, Status

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
    consultation_rows: int = 0


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
    expected: Mapping[str, frozenset[str]] | None = None,
    consultations: Iterable[ConsultMessage] | None = None,
) -> ExportSummary:
    """Write the region's workbook to `out`.

    `records_for(form_id)` yields that checklist's responses; `org_names` maps every
    known organisation (slug -> name) in the order to list them; `expected` maps a slug
    to the checklists it is expected to fill in (None: every one). Records outside
    `selection` are skipped here too, whatever the source yields. `consultations` (the
    selection's sent samråd messages) fill a Samråd sheet after Data when given.
    """
    selection = selection or ExportFilter()
    created = created or _utcnow()
    wb = _new_workbook(WORKBOOK_TITLE, created)
    sheets, tables = SheetNames(), TableNames()
    summary = ExportSummary()
    forms = [f for f in catalogue.current() if selection.includes_form(f.id)]
    orgs = [(slug, name) for slug, name in org_names.items() if selection.includes_org(slug)]
    titles = {f.id: f.short_title for f in catalogue.current()}
    labels = {f.id: stage_labels(catalogue.versions(f.id)) for f in forms}
    all_labels = {code: label for each in labels.values() for code, label in each.items()}
    lines = selection.describe(org_names, titles, all_labels)
    period = " · ".join(value for label, value in lines if label in ("Period", "Skede"))

    overview = wb.create_sheet(sheets.claim("Översikt"))
    pairs = [
        (
            wb.create_sheet(sheets.claim(f"Karta {form.short_title}")),
            wb.create_sheet(sheets.claim(form.short_title)),
        )
        for form in forms
    ]
    data = DataSheet(wb.create_sheet(sheets.claim("Data")), period=period)
    consult_ws = None if consultations is None else wb.create_sheet(sheets.claim(SHEET_TITLE))
    codebook_ws = wb.create_sheet(sheets.claim("Frågor"))
    about_ws = wb.create_sheet(sheets.claim("Om arbetsboken"))

    tallies: dict[str, FormTally] = {}
    codebook = []
    answered_versions: list[tuple[Form, list[int]]] = []
    for form, (heat, sheet) in zip(forms, pairs, strict=True):
        versions = catalogue.versions(form.id)
        infos = item_infos(versions)
        asked = {v.version: frozenset(i.id for i in v.items) for v in versions}
        codebook.append((form, infos))
        tally = tallies[form.id] = FormTally(infos)
        seen_versions: set[int] = set()

        def counted(
            record: ResponseRecord,
            form: Form = form,
            tally: FormTally = tally,
            infos: list[ItemInfo] = infos,
            asked: dict[int, frozenset[str]] = asked,
            seen: set[int] = seen_versions,
        ) -> None:
            tally.add(record)
            seen.add(record.form_version)
            name = org_names.get(record.org, record.org)
            data.add(record, form, infos, asked, name, labels[form.id])
            if on_record is not None:
                on_record(record)

        records = (r for r in records_for(form.id) if selection.matches(r))
        summary.per_form[form.id] = write_responses(
            sheet,
            tables.claim(f"Svar_{form.id}"),
            versions,
            records,
            org_names,
            counted,
            title=f"{form.short_title} – uppgifter om planerna (svaren: fliken Data)",
            period=period,
        )
        summary.organisations.update(tally.orgs)
        answered_versions.append((form, sorted(seen_versions)))
        shown = [
            (slug, name)
            for slug, name in _with_unknown(orgs, tally, selection)
            if slug in tally.orgs or expected is None or form.id in expected.get(slug, ())
        ]
        write_heatmap(heat, form, infos, tally, shown, period=period)

    data.close(tables.claim("Data"))
    if consult_ws is not None and consultations is not None:
        summary.consultation_rows = write_consultations(
            consult_ws, tables.claim("Samrad"), consultations, org_names, period=period
        )
    write_codebook(codebook_ws, tables.claim("Fragor"), codebook, period=period)
    write_about(
        about_ws,
        title=WORKBOOK_TITLE,
        forms=answered_versions,
        with_drafts=selection.with_drafts,
        regional=True,
        period=period,
    )
    all_orgs = orgs
    for tally in tallies.values():
        all_orgs = _with_unknown(all_orgs, tally, selection)
    write_overview(
        overview,
        created=created,
        filter_lines=lines,
        forms=forms,
        tallies=tallies,
        orgs=all_orgs,
        expected=expected,
        stage_labels=labels,
        with_drafts=selection.with_drafts,
        period=period,
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
    consultations: Iterable[ConsultMessage] | None = None,
) -> ExportSummary:
    """An organisation's own submitted responses: one sheet per checklist, as in its mirror.

    `consultations`, when given, fill a Samråd sheet: the service passes the organisation's
    own requests and what it sent when it was asked, nothing else.
    """
    created = created or _utcnow()
    name = org_names.get(org, org)
    title = f"{name} – svar på checklistorna"
    wb = _new_workbook(title, created)
    sheets, tables = SheetNames(), TableNames()
    summary = ExportSummary()
    versions_seen: list[tuple[Form, list[int]]] = []
    for form in catalogue.current():
        ws = wb.create_sheet(sheets.claim(form.short_title))
        seen: set[int] = set()
        # Another organisation's rows must never reach this file, whatever the source does;
        # drafts stay in the service, as in the mirror.
        records = (r for r in records_for(form.id) if r.org == org and r.status == Status.SUBMITTED)
        summary.per_form[form.id] = write_responses(
            ws,
            tables.claim(f"Svar_{form.id}"),
            catalogue.versions(form.id),
            records,
            org_names,
            lambda r, seen=seen: seen.add(r.form_version),  # type: ignore[misc]
            title=f"{name}: {form.short_title} – uppgifter om planerna",
        )
        versions_seen.append((form, sorted(seen)))
    if consultations is not None:
        summary.consultation_rows = write_consultations(
            wb.create_sheet(sheets.claim(SHEET_TITLE)),
            tables.claim("Samrad"),
            consultations,
            org_names,
            title=f"{name}: samråd",
        )
    write_about(
        wb.create_sheet(sheets.claim("Om arbetsboken")),
        title=title,
        forms=versions_seen,
        with_drafts=False,
        regional=False,
    )
    summary.responses = sum(summary.per_form.values())
    summary.organisations = {org} if summary.responses else set()
    summary.sheets = wb.sheetnames
    wb.save(out)
    return summary


def stage_labels(versions: Sequence[Form]) -> dict[str, str]:
    """Stage code -> label across a checklist's versions, the newest label winning."""
    labels: dict[str, str] = {}
    for form in sorted(versions, key=lambda f: f.version):
        spec = form.find_field("stage")
        if spec is not None:
            labels.update({c.value: c.label for c in spec.choices})
    return labels


def _with_unknown(
    orgs: list[tuple[str, str]], tally: FormTally, selection: ExportFilter
) -> list[tuple[str, str]]:
    """`orgs` plus any organisation that answered but is no longer configured (by slug)."""
    known = {slug for slug, _ in orgs}
    extra = sorted(s for s in tally.orgs if s not in known and selection.includes_org(s))
    return [*orgs, *((s, s) for s in extra)]
