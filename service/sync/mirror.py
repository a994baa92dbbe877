"""What one pass writes into one worksheet: rows found by response id, cells by column key.

A mirrored worksheet looks like this (row 1 is hidden, rows 1–2 frozen):

    row 1  response_id | org          | status | ... | item:a      | comment:a  | (people's)
    row 2  Svarets id  | Organisation | Status | ... | 1. Fråga a  | Kommentar 1| Egen notering
    row 3  3f2c…       | Karlskrona   | Inskickat | … | Ja         |            | ring Eva

Columns are found by the key in row 1, rows by the response id, never by position, so
people may sort the rows and add columns or notes; the sync writes only its own cells.
Worked example of a new form version adding `item:d` while people keep a column "Egen"
right of the managed block: the two new columns are inserted after the last managed
column (pushing "Egen" right), then keys and headers are written into them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from exports.columns import Column, RowMaker
from exports.guard import clean_text
from exports.records import ResponseRecord

KEY_ROW = 0
HEADER_ROW = 1
FIRST_DATA_ROW = 2
STOCKHOLM = ZoneInfo("Europe/Stockholm")


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
    form_id: str = ""  # the checklist a worksheet is bound to (sinks that bind by it)


@dataclass(frozen=True)
class CellRun:
    """Consecutive cells of one row, starting at (row, col), both 0-based."""

    row: int
    col: int
    values: list[Any]


@dataclass
class SheetPlan:
    insert_at: int = 0  # 0-based column where `inserted` new columns go
    inserted: int = 0  # columns to insert before writing (people's columns move right)
    runs: list[CellRun] = field(default_factory=list)
    rows_needed: int = 0
    cols_needed: int = 0


def local_time(value: dt.datetime) -> dt.datetime:
    """Naive UTC as stored, to naive Swedish time as people read it."""
    return value.replace(tzinfo=dt.UTC).astimezone(STOCKHOLM).replace(tzinfo=None)


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


def _cell(grid: Sequence[Sequence[Any]], row: int, col: int | None) -> Any:
    if col is None or row >= len(grid) or col >= len(grid[row]):
        return None
    return grid[row][col]


def _as_int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def plan_sheet(
    grid: Sequence[Sequence[Any]],
    columns: Sequence[Column],
    updates: Sequence[RowUpdate],
    empty: Any = None,
) -> SheetPlan:
    """The writes that bring `grid` (the sheet's current values) up to date with `updates`."""
    keys = [_text(v) for v in (grid[KEY_ROW] if grid else [])]
    wanted = {c.key for c in columns}
    found: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key in wanted and key not in found:
            found[key] = index
    width = max((len(row) for row in grid), default=0)
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
    for column in columns:
        col = position[column.key]
        if column.key not in found:
            writes[(KEY_ROW, col)] = column.key
        if column.key not in found or _text(_cell(grid, HEADER_ROW, found[column.key])) != (
            column.header
        ):
            writes[(HEADER_ROW, col)] = column.header

    id_col, rev_col = found.get("response_id"), found.get("revision")
    rows: dict[str, int] = {}
    for r in range(FIRST_DATA_ROW, len(grid)):
        rid = _text(_cell(grid, r, id_col))
        if rid:
            rows.setdefault(rid, r)
    next_row = max(len(grid), FIRST_DATA_ROW)
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
            r, next_row = next_row, next_row + 1
        else:
            r = existing
            in_sheet = _as_int(_cell(grid, r, rev_col))
            if in_sheet is not None and in_sheet > update.revision:
                continue  # the sheet already holds a newer revision
        for column in columns:
            writes[(r, position[column.key])] = update.values.get(column.key, empty)

    plan.runs = _runs(writes)
    plan.rows_needed = max(next_row, len(grid))
    plan.cols_needed = max([width + plan.inserted, *[c + 1 for c in position.values()]])
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
