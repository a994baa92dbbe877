"""Cells for an Excel workbook written through Graph: addresses, typed values, blocks.

Pure helpers of the Graph sink. Graph takes a range's `values` and `numberFormat` as
2-D arrays in which `null` leaves a cell as it is, so the cells of one pass become a few
rectangles (rows close together share one) with `null` wherever the pass has nothing to
say: people's cells inside a rectangle are never touched. Worked example: writes to rows
3, 4 and 90 of columns A–F, with GAP_ROWS = 50, make two rectangles, A3:F4 and A90:F90.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.utils import column_index_from_string, get_column_letter

TEXT_FORMAT = "@"  # Excel shows the cell exactly as written: "=1+1" stays text
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
INTEGER_FORMAT = "0"
GENERAL_FORMAT = "General"
GAP_ROWS = 50  # written rows this close share one rectangle (nulls between them)
MAX_CELLS = 20_000  # cells per range update
MAX_CHARACTERS = 1_000_000  # text per range update; a $batch carries at most a few (4 MB)
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_ADDRESS = re.compile(r"^(?:.*!)?\$?([A-Z]+)\$?(\d+)")


@dataclass(frozen=True)
class Block:
    """A rectangle of cells from 0-based (row, col): values and number formats, null = keep."""

    row: int
    col: int
    values: list[list[Any]]
    formats: list[list[str | None]]

    @property
    def address(self) -> str:
        return span(self.row, self.col, len(self.values), len(self.values[0]))


def span(row: int, col: int, rows: int, cols: int) -> str:
    """A1 address of `rows` × `cols` cells from 0-based (row, col), e.g. C5:F7."""
    start = f"{get_column_letter(col + 1)}{row + 1}"
    return f"{start}:{get_column_letter(col + cols)}{row + rows}"


def letter(col: int) -> str:
    return get_column_letter(col + 1)


def top_left(address: str) -> tuple[int, int]:
    """0-based (row, col) of an address such as `'Min flik'!B2:K9` or `Blad1!A1`."""
    match = _ADDRESS.match(address.rpartition("!")[2] if "!" in address else address)
    if not match:
        return 0, 0
    return int(match.group(2)) - 1, column_index_from_string(match.group(1)) - 1


def grid_of(answer: Any) -> list[list[Any]]:
    """A range answer (`address`, `values`) as a grid from A1, trailing blank rows trimmed."""
    if not isinstance(answer, dict) or not answer.get("values"):
        return []
    row0, col0 = top_left(str(answer.get("address", "A1")))
    grid: list[list[Any]] = [[] for _ in range(row0)]
    grid += [[""] * col0 + list(row) for row in answer["values"]]
    while grid and all(v in ("", None) for v in grid[-1]):
        grid.pop()
    return grid


def excel_value(value: Any) -> tuple[Any, str]:
    """What Graph is sent for one cell, and the number format that keeps it what it is."""
    if isinstance(value, dt.datetime):
        return (value - EXCEL_EPOCH) / dt.timedelta(days=1), DATETIME_FORMAT
    if isinstance(value, dt.date):
        return (dt.datetime.combine(value, dt.time()) - EXCEL_EPOCH).days, DATE_FORMAT
    if isinstance(value, bool):
        return value, GENERAL_FORMAT
    if isinstance(value, int):
        return value, INTEGER_FORMAT
    if isinstance(value, float):
        return value, GENERAL_FORMAT
    return ("" if value is None else str(value)), TEXT_FORMAT


def blocks(writes: dict[tuple[int, int], Any], managed: Sequence[int]) -> Iterator[Block]:
    """Rectangles covering `writes` ((row, col) -> value) within the managed columns.

    Columns are split where an unmanaged column (a person's) lies between managed ones,
    rows where written rows are more than GAP_ROWS apart or a rectangle grows past MAX_CELLS.
    """
    if not writes:
        return
    runs: list[list[int]] = []
    for col in sorted({c for _, c in writes} | set(managed)):
        if runs and col == runs[-1][-1] + 1 and (col in managed) == (runs[-1][-1] in managed):
            runs[-1].append(col)
        else:
            runs.append([col])
    for cols in runs:
        rows = sorted({r for r, c in writes if cols[0] <= c <= cols[-1]})
        if not rows:
            continue
        size = {r: 0 for r in rows}
        for (r, c), value in writes.items():
            if cols[0] <= c <= cols[-1]:
                size[r] += len(str(value)) + 8
        group, characters = [rows[0]], size[rows[0]]
        for row in rows[1:]:
            too_far = row - group[-1] > GAP_ROWS
            too_big = (row - group[0] + 1) * len(cols) > MAX_CELLS
            if too_far or too_big or characters + size[row] > MAX_CHARACTERS:
                yield _block(writes, group[0], group[-1], cols)
                group, characters = [], 0
            group.append(row)
            characters += size[row]
        yield _block(writes, group[0], group[-1], cols)


def _block(writes: dict[tuple[int, int], Any], first: int, last: int, cols: list[int]) -> Block:
    values: list[list[Any]] = []
    formats: list[list[str | None]] = []
    for row in range(first, last + 1):
        value_row: list[Any] = []
        format_row: list[str | None] = []
        for col in cols:
            if (row, col) in writes:
                value, number_format = excel_value(writes[(row, col)])
                value_row.append(value)
                format_row.append(number_format)
            else:
                value_row.append(None)
                format_row.append(None)
        values.append(value_row)
        formats.append(format_row)
    return Block(first, cols[0], values, formats)
