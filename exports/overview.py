"""*Översikt*: what the workbook holds, and per organisation and checklist how far it got."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from openpyxl.utils import get_column_letter

from exports.cells import BOLD, HEADER_FILL, PERCENT_FORMAT, TITLE, WRAP, cell, local
from exports.responsesheet import add_table
from exports.tally import ANSWER_LABELS, FormTally, shares
from forms import Form

WORKBOOK_TITLE = "Checklistor för kollektivtrafik i planeringen – regional sammanställning"
NOTHING_MATCHES = (
    "Inga svar matchar urvalet. Välj en annan period, fler organisationer eller "
    "checklistor, eller ta med utkast, och ladda ner igen."
)
HEADERS = (
    "Organisation",
    "Checklista",
    "Inskickade",
    "Utkast",
    "Senast inskickat",
    *(f"Andel {label}" for label in ANSWER_LABELS),
    "Antal svar på frågor",
)
WIDTHS = (30, 26, 12, 10, 18, 11, 11, 11, 13, 13)


def write_overview(
    ws: Any,
    *,
    table_name: str,
    created: dt.datetime,
    filter_lines: Sequence[tuple[str, str]],
    forms: Sequence[Form],
    tallies: dict[str, FormTally],
    orgs: Sequence[tuple[str, str]],
) -> None:
    """`orgs` are (slug, name) in the order to list them; `created` is naive UTC."""
    for n, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(n)].width = width
    total = sum(t.responses for t in tallies.values())
    ws.append([cell(ws, WORKBOOK_TITLE, font=TITLE)])
    ws.append([cell(ws, "Skapad", font=BOLD), cell(ws, local(created).replace(microsecond=0))])
    for label, value in filter_lines:
        ws.append([cell(ws, label, font=BOLD), cell(ws, value)])
    ws.append([cell(ws, "Antal svar i urvalet", font=BOLD), total])
    if total == 0:
        ws.append([cell(ws, NOTHING_MATCHES, font=BOLD)])
    ws.append(
        [
            cell(
                ws,
                "Tider i svensk tid. Andelarna gäller alla svar på frågorna; "
                "flikarna Karta visar andelen Ja per fråga. Svaren finns på en flik per "
                "checklista och frågorna på fliken Frågor.",
            )
        ]
    )
    ws.append([])
    # Title, created, filters, total, [nothing], note, blank: the header comes next.
    header_row = len(filter_lines) + 6 + (1 if total == 0 else 0)
    ws.append([cell(ws, h, font=BOLD, fill=HEADER_FILL, alignment=WRAP) for h in HEADERS])
    rows = 0
    for form in forms:
        tally = tallies[form.id]
        for slug, name in orgs:
            org = tally.orgs.get(slug)
            latest = local(org.latest) if org and org.latest else None
            values = shares(org.answers) if org else [None] * len(ANSWER_LABELS)
            ws.append(
                [
                    cell(ws, name),
                    cell(ws, form.short_title),
                    org.submitted if org else 0,
                    org.drafts if org else 0,
                    cell(ws, latest),
                    *(cell(ws, v, number_format=PERCENT_FORMAT) for v in values),
                    sum(org.answers.values()) if org else 0,
                ]
            )
            rows += 1
    if rows:
        add_table(ws, table_name, HEADERS, rows, first_row=header_row)
