"""One sheet of responses to one checklist, streamed row by row into a write-only sheet.

The columns are the shared layout (exports.columns), so the region's sheet and an
organisation's own download have the same columns as its spreadsheet mirror.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from exports.cells import BOLD, HEADER_FILL, SECTION_FILL, WRAP, DataCells, cell, local
from exports.columns import Column, RowMaker, frozen_columns
from exports.guard import clean_text
from exports.pages import header_row, pages_for, print_setup
from exports.records import ResponseRecord
from exports.sheetnames import unique_headers
from forms import Form

NOTHING_HERE = "Inga svar i urvalet."
TABLE_STYLE = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
WIDE = 40  # columns at least this wide hold long text and wrap it


def add_table(ws: Any, name: str, headers: Sequence[str], rows: int, first_row: int = 1) -> Table:
    """An Excel table over a header row and `rows` data rows (rows >= 1).

    In write-only mode openpyxl cannot read the header back, so the table's column
    names are filled here; they must equal the header cells exactly.
    """
    last = get_column_letter(len(headers))
    ref = f"A{first_row}:{last}{first_row + rows}"
    table = Table(displayName=name, ref=ref, tableStyleInfo=TABLE_STYLE)
    table.tableColumns = [TableColumn(id=i, name=h) for i, h in enumerate(headers, 1)]
    table.autoFilter = AutoFilter(ref=ref)
    with warnings.catch_warnings():
        # openpyxl always warns in write-only mode; the columns are filled just above.
        warnings.filterwarnings("ignore", "In write-only mode you must add table columns")
        ws.add_table(table)
    return table


def headers_for(columns: Sequence[Column]) -> list[str]:
    return unique_headers([clean_text(c.header) for c in columns])


def write_responses(
    ws: Any,
    table_name: str,
    versions: Sequence[Form],
    records: Iterable[ResponseRecord],
    org_names: Mapping[str, str],
    on_record: Callable[[ResponseRecord], None] | None = None,
    *,
    title: str = "",
    period: str = "",
) -> int:
    """Header, one row per record, an Excel table; returns the number of rows written.

    `title` and `period` head every printed page.

    On paper the sheet shows the plans' details (metadata): the answers of many questions
    side by side cannot be read at any print size; they print from the Karta and Data
    sheets, and each response from its page in the service.
    """
    maker = RowMaker(versions, dict(org_names))
    columns = maker.columns
    headers = headers_for(columns)
    # Column widths, panes and print set-up go into the sheet's head: before the first row.
    for n, column in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(n)].width = column.width
    frozen = frozen_columns(columns)
    ws.freeze_panes = f"{get_column_letter(frozen + 1)}2"
    details = next((n for n, c in enumerate(columns) if c.kind in ("answer", "comment")), 0)
    details = details or len(columns)
    print_setup(
        ws,
        title=title,
        period=period,
        pages_wide=pages_for(sum(c.width for c in columns[:details]), per_page=240),
        repeat_rows="1:1",
        repeat_cols=f"A:{get_column_letter(frozen)}",
    )
    header_row(
        ws,
        1,
        headers,
        [c.width for c in columns],
        [SECTION_FILL if c.removed else HEADER_FILL for c in columns],
    )
    # Only long-text columns get a style: styling every cell costs more than writing it.
    wrap = [WRAP if c.width >= WIDE else None for c in columns]
    data_cell = DataCells(ws)
    timed = [c.value_type == "datetime" for c in columns]  # shown in Swedish time
    count = 0
    for record in records:
        values = maker.row(record)
        ws.append(
            [
                None if v is None else data_cell(local(v) if t else v, w)
                for v, t, w in zip(values, timed, wrap, strict=True)
            ]
        )
        count += 1
        if on_record is not None:
            on_record(record)
    if count:
        add_table(ws, table_name, headers, count)
    else:
        ws.append([cell(ws, NOTHING_HERE, font=BOLD)])
    ws.print_area = f"A1:{get_column_letter(details)}{count + 1}"  # a defined name: set last
    return count
