"""*Frågor*: the codebook of every item of the chosen checklists, across their versions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl.utils import get_column_letter

from exports.cells import BOLD, HEADER_FILL, TOP, WRAP, cell
from exports.items import ItemInfo
from exports.responsesheet import add_table
from forms import Form

HEADERS = (
    "Checklista",
    "Nr",
    "Frågans id",
    "Avsnitt",
    "Fråga",
    "Finns i versioner",
    "Ställs i senaste versionen",
    "Tidigare formulering",
)
WIDTHS = (24, 7, 24, 30, 60, 12, 12, 50)


def write_codebook(
    ws: Any, table_name: str, checklists: Sequence[tuple[Form, Sequence[ItemInfo]]]
) -> int:
    """One row per item per checklist (newest form version first in each); returns rows."""
    for n, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = "A2"
    ws.append([cell(ws, h, font=BOLD, fill=HEADER_FILL, alignment=WRAP) for h in HEADERS])
    rows = 0
    for form, infos in checklists:
        for info in infos:
            values = [
                form.short_title,
                info.label,
                info.id,
                info.section_title,
                info.question,
                ", ".join(str(v) for v in info.versions),
                "Nej" if info.removed else "Ja",
                " / ".join(info.earlier_wordings) or None,
            ]
            ws.append(
                [cell(ws, v, alignment=WRAP if n in (4, 7) else TOP) for n, v in enumerate(values)]
            )
            rows += 1
    if rows:
        add_table(ws, table_name, HEADERS, rows)
    return rows
