"""What one pass writes into one worksheet: rows found by response id, cells by column key.

A mirrored worksheet looks like this (row 1 is hidden, rows 1–2 frozen):

    row 1  response_id | org          | status | ... | item:a      | comment:a  | (people's)
    row 2  Svarets id  | Organisation | Status | ... | 1. Fråga a  | Kommentar 1| Egen notering
    row 3  3f2c…       | Karlskrona   | Inskickat | … | Ja         |            | ring Eva

Columns are found by the key in row 1, rows by the response id, never by position, so
people may sort the rows and add columns or notes; the sync writes only its own cells.
One more key-row cell, `form:detaljplan`, just right of the managed block, binds the
worksheet to its checklist (service/sync/binding.py finds worksheets by it, not by title).
The grid is sparse (row -> column -> value, only cells that hold something), so one
value typed far below the table costs one entry, not a million empty rows.
Worked example of a new form version adding `item:d` while people keep a column "Egen"
right of the managed block: the two new columns are inserted after the last managed
column (pushing "Egen" right), then keys and headers are written into them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from exports.columns import Column, RowMaker
from exports.guard import clean_text
from exports.records import ResponseRecord
from forms.clock import local as local_time

KEY_ROW = 0
HEADER_ROW = 1
FIRST_DATA_ROW = 2
BINDING_PREFIX = "form:"


@dataclass(frozen=True)
class RowUpdate:
    """One response's managed cells by column key, already fit for the sink."""

    response_id: str
    revision: int
    values: dict[str, Any]


@dataclass(frozen=True)
class SheetBatch:
    """Everything one pass writes into one worksheet."""

    title: str
    columns: list[Column]
    updates: list[RowUpdate]
    form_id: str = ""  # the checklist the worksheet is bound to (the title when empty)
    former_titles: tuple[str, ...] = ()  # titles its mirror may have had (adoption)

    @property
    def binding(self) -> str:
        """The key-row cell that binds a worksheet to this checklist."""
        return BINDING_PREFIX + (self.form_id or self.title)


# A worksheet's cells that hold something: row -> column -> value, all 0-based.
Grid = Mapping[int, Mapping[int, Any]]


def sparse(rows: Sequence[Sequence[Any]]) -> dict[int, dict[int, Any]]:
    """A dense list of rows (as Google returns them) as a sparse grid without blanks."""
    grid: dict[int, dict[int, Any]] = {}
    for r, row in enumerate(rows):
        cells = {c: v for c, v in enumerate(row) if v not in (None, "")}
        if cells:
            grid[r] = cells
    return grid


@dataclass(frozen=True)
class CellRun:
    """Consecutive cells of one row, starting at (row, col), both 0-based."""

    row: int
    col: int
    values: list[Any]


@dataclass
class SheetPlan:
    """`rows_needed`/`cols_needed` count from 1; `last_cell` is the furthest cell in use."""

    insert_at: int = 0  # 0-based column where `inserted` new columns go
    inserted: int = 0  # columns to insert before writing (people's columns move right)
    runs: list[CellRun] = field(default_factory=list)
    rows_needed: int = 0
    cols_needed: int = 0
    last_cell: tuple[int, int] = (0, 0)
    positions: dict[str, int] = field(default_factory=dict)  # column key -> 0-based column
    bound: bool = True  # False: the pass writes the binding cell (new or adopted sheet)


def row_update(maker: RowMaker, record: ResponseRecord, limit: int, as_text: bool) -> RowUpdate:
    """The record's cells: strings guarded to `limit`; dates as text when `as_text` (RAW)."""
    values: dict[str, Any] = {}
    for key, value in maker.values(record).items():
        if isinstance(value, dt.datetime):
            value = local_time(value)
            value = f"{value:%Y-%m-%d %H:%M}" if as_text else value
        elif isinstance(value, dt.date):
            value = value.isoformat() if as_text else value
        elif isinstance(value, str):
            value = clean_text(value, limit)
        values[key] = value
    return RowUpdate(record.id, record.revision, values)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _as_int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def plan_sheet(
    grid: Grid | Sequence[Sequence[Any]],
    columns: Sequence[Column],
    updates: Sequence[RowUpdate],
    empty: Any = None,
    binding: str = "",
) -> SheetPlan:
    """The writes that bring `grid` (the sheet's current cells) up to date with `updates`.

    New rows go right after the last row holding a response id, skipping rows that hold
    anything else, so a note typed far below the table is neither overwritten nor a
    reason to append a million rows down.
    """
    if not isinstance(grid, Mapping):
        grid = sparse(grid)  # a dense list of rows, as a sink may have read it
    keys = {c: _text(v) for c, v in grid.get(KEY_ROW, {}).items()}
    wanted = {c.key for c in columns}
    found: dict[str, int] = {}
    for index in sorted(keys):
        if keys[index] in wanted and keys[index] not in found:
            found[keys[index]] = index
    width = max((max(row) + 1 for row in grid.values() if row), default=0)
    height = max(grid, default=-1) + 1
    missing = [c for c in columns if c.key not in found]
    plan = SheetPlan(insert_at=max(found.values()) + 1 if found else width)
    if missing and plan.insert_at < width:
        plan.inserted = len(missing)

    def moved(index: int) -> int:
        return index + plan.inserted if index >= plan.insert_at else index

    position = {key: moved(index) for key, index in found.items()}
    for n, column in enumerate(missing):
        position[column.key] = plan.insert_at + n

    writes: dict[tuple[int, int], Any] = {}
    headers = grid.get(HEADER_ROW, {})
    for column in columns:
        col = position[column.key]
        if column.key not in found:
            writes[(KEY_ROW, col)] = column.key
        if column.key not in found or _text(headers.get(found[column.key])) != column.header:
            writes[(HEADER_ROW, col)] = column.header
    if binding and binding not in keys.values():
        # The first free key-row cell right of the managed block (it is hidden).
        col = max(position.values(), default=-1) + 1
        taken = {moved(c) for c, key in keys.items() if key}
        while col in taken:
            col += 1
        writes[(KEY_ROW, col)] = binding
        plan.bound = False

    id_col, rev_col = found.get("response_id"), found.get("revision")
    rows: dict[str, int] = {}
    last_id_row = FIRST_DATA_ROW - 1
    if id_col is not None:
        for r in sorted(grid):
            rid = _text(grid[r].get(id_col)) if r >= FIRST_DATA_ROW else ""
            if rid:
                rows.setdefault(rid, r)
                last_id_row = r
    next_row = last_id_row + 1
    latest: dict[str, RowUpdate] = {}
    for update in updates:
        if (
            update.response_id not in latest
            or update.revision > latest[update.response_id].revision
        ):
            latest[update.response_id] = update
    for update in latest.values():
        existing = rows.get(update.response_id)
        if existing is None:
            while next_row in grid:  # a row people use for something else
                next_row += 1
            r, next_row = next_row, next_row + 1
        else:
            r = existing
            in_sheet = _as_int(grid[r].get(rev_col)) if rev_col is not None else None
            if in_sheet is not None and in_sheet > update.revision:
                continue  # the sheet already holds a newer revision
        for column in columns:
            writes[(r, position[column.key])] = update.values.get(column.key, empty)

    plan.runs = _runs(writes)
    plan.positions = position
    plan.rows_needed = max([height, FIRST_DATA_ROW, *[r + 1 for r, _ in writes]])
    plan.cols_needed = max([width + plan.inserted, *[c + 1 for _, c in writes]])
    if grid:
        last_row = max(grid)
        plan.last_cell = (last_row, max(grid[last_row]))
    return plan


def _runs(writes: dict[tuple[int, int], Any]) -> list[CellRun]:
    """Cell writes merged into runs of consecutive columns, row by row."""
    runs: list[CellRun] = []
    for row, col in sorted(writes):
        last = runs[-1] if runs else None
        if last and last.row == row and last.col + len(last.values) == col:
            last.values.append(writes[(row, col)])
        else:
            runs.append(CellRun(row, col, [writes[(row, col)]]))
    return runs
