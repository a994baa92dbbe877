"""*Översikt*: who has sent in what, at a glance: organisations × checklists.

Per checklist three columns: how many checklists, the stage of the latest one and its date.
An organisation expected to fill in a checklist that has none in the selection reads
*Saknas* (text and fill, not colour alone); one not expected reads *ej aktuellt*, greyed.
Drafts get a column only when the selection includes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl.utils import get_column_letter

from exports.cells import (
    BOLD,
    DATE_FORMAT,
    HEADER_FILL,
    MISSING_FILL,
    QUIET,
    QUIET_FILL,
    TITLE,
    cell,
    local,
)
from exports.pages import fit_width, header_row, print_setup
from exports.tally import FormTally, OrgTally
from forms import Form

WORKBOOK_TITLE = "Checklistor för kollektivtrafik i planeringen – regional sammanställning"
NOTHING_MATCHES = (
    "Inga svar matchar urvalet. Välj en annan period, fler organisationer eller "
    "checklistor, eller ta med utkast."
)
MISSING = "Saknas"
NOT_EXPECTED = "ej aktuellt"
NOTE = (  # short lines: a long one would widen the printed page
    "Tider i svensk tid. Per checklista: antal inskickade checklistor, senaste skede, datum.",
    "Saknas = förväntas fylla i checklistan men har ingen i urvalet. "
    "Ej aktuellt = förväntas inte fylla i den.",
    "Poängen per fråga finns på flikarna Karta; svaren per checklista och i fliken Data.",
)
ORG_WIDTH = 38


def _columns(with_drafts: bool) -> list[tuple[str, float]]:
    """The sub-columns under each checklist's name: (header, width)."""
    columns = [("antal", 8.0), ("senaste skede", 16.0), ("senast inskickad", 12.0)]
    if with_drafts:
        columns.insert(1, ("varav utkast", 9.0))
    return columns


def write_overview(
    ws: Any,
    *,
    created: dt.datetime,
    filter_lines: Sequence[tuple[str, str]],
    forms: Sequence[Form],
    tallies: dict[str, FormTally],
    orgs: Sequence[tuple[str, str]],
    expected: Mapping[str, frozenset[str]] | None = None,
    stage_labels: Mapping[str, Mapping[str, str]] | None = None,
    with_drafts: bool = False,
    period: str = "",
) -> None:
    """`orgs` are (slug, name) in the order to list them; `created` is naive UTC.

    `expected` maps a slug to the checklist ids it is expected to fill in (None: all);
    `stage_labels` maps a checklist id to its stage codes' labels. Two header rows: the
    checklist's name over its columns (it runs on over the empty cells beside it), then
    the columns' own names.
    """
    group = _columns(with_drafts)
    top: list[str] = ["Organisation"]
    sub: list[str] = [""]
    widths = [float(ORG_WIDTH)]
    for form in forms:
        top += [form.short_title] + [""] * (len(group) - 1)
        sub += [h for h, _ in group]
        widths += [fit_width(h, w) for h, w in group]
    for n, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(n)].width = width
    total = sum(t.responses for t in tallies.values())
    # Title, created, filters, total, [nothing], notes, blank: the header comes next.
    header_at = len(filter_lines) + len(NOTE) + 5 + (1 if total == 0 else 0)
    ws.freeze_panes = f"B{header_at + 2}"
    print_setup(ws, title=WORKBOOK_TITLE, period=period, repeat_rows=f"{header_at}:{header_at + 1}")

    ws.append([cell(ws, WORKBOOK_TITLE, font=TITLE)])
    stamp = f"{local(created):%Y-%m-%d %H:%M}"  # text: a label line, not data to sort
    ws.append([cell(ws, "Skapad", font=BOLD), cell(ws, stamp)])
    for label, value in filter_lines:
        ws.append([cell(ws, label, font=BOLD), cell(ws, value)])
    ws.append([cell(ws, "Antal checklistor i urvalet", font=BOLD), total])
    if total == 0:
        ws.append([cell(ws, NOTHING_MATCHES, font=BOLD)])
    for line in NOTE:
        ws.append([cell(ws, line)])
    ws.append([])
    ws.append([cell(ws, h or None, font=BOLD, fill=HEADER_FILL) for h in top])
    header_row(ws, header_at + 1, sub, widths)
    for slug, name in orgs:
        row: list[Any] = [cell(ws, name)]
        for form in forms:
            is_expected = expected is None or form.id in expected.get(slug, frozenset())
            labels = (stage_labels or {}).get(form.id, {})
            row += _cells(ws, tallies[form.id].orgs.get(slug), is_expected, labels, with_drafts)
        ws.append(row)


def _cells(
    ws: Any,
    org: OrgTally | None,
    is_expected: bool,
    labels: Mapping[str, str],
    with_drafts: bool,
) -> list[Any]:
    """One organisation's cells for one checklist."""
    blanks = 3 if with_drafts else 2
    if org is None or not org.responses:
        if is_expected:
            return [cell(ws, MISSING, font=BOLD, fill=MISSING_FILL), *[None] * blanks]
        return [cell(ws, NOT_EXPECTED, font=QUIET, fill=QUIET_FILL), *[None] * blanks]
    stage = labels.get(org.latest_stage or "", org.latest_stage)
    latest = local(org.latest).date() if org.latest else None
    values: list[Any] = [org.responses]
    if with_drafts:
        values.append(org.drafts)
    values += [cell(ws, stage), cell(ws, latest, number_format=DATE_FORMAT)]
    return values
