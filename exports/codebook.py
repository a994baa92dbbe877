"""*Frågor*: the codebook of every item of the chosen checklists, across their versions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl.utils import get_column_letter

from exports.cells import TOP, WRAP, cell
from exports.items import ItemInfo
from exports.pages import (
    LINE_HEIGHT,
    TEXT_CHARS_PER_UNIT,
    header_row,
    print_setup,
    wrapped_lines,
)
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
WIDTHS = (18, 5, 20, 26, 60, 11, 12, 40)


def write_codebook(
    ws: Any,
    table_name: str,
    checklists: Sequence[tuple[Form, Sequence[ItemInfo]]],
    *,
    period: str = "",
) -> int:
    """One row per item per checklist (newest form version first in each); returns rows."""
    for n, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = "A2"
    print_setup(ws, title="Frågor i checklistorna", period=period, repeat_rows="1:1")
    header_row(ws, 1, HEADERS, WIDTHS)
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
            lines = max(
                wrapped_lines(str(values[n] or ""), WIDTHS[n], TEXT_CHARS_PER_UNIT)
                for n in (3, 4, 7)
            )
            ws.row_dimensions[rows + 2].height = LINE_HEIGHT * lines + 2
            ws.append(
                [
                    cell(ws, v, alignment=WRAP if n in (3, 4, 7) else TOP)
                    for n, v in enumerate(values)
                ]
            )
            rows += 1
    if rows:
        add_table(ws, table_name, HEADERS, rows)
    return rows
