"""The workbook side of the Graph fake: worksheets as real grids of cells, and the API.

A value starting with `=` becomes a formula unless its cell's number format is text
(`@`), as in Excel; `null` in a `values` or `numberFormat` array leaves the cell as it
is; worksheet names are unique case-insensitively, at most 31 characters.
"""

from __future__ import annotations

import re
import urllib.parse
import uuid
from dataclasses import dataclass, field
from typing import Any

from service.sync.sinks.graph_cells import span

MAX_ROWS, MAX_COLS = 1_048_576, 16_384


class GraphFault(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class Cell:
    value: Any
    formula: bool = False
    number_format: str = "General"


@dataclass
class Worksheet:
    id: str
    name: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    hidden_rows: set[int] = field(default_factory=set)
    bold_rows: set[int] = field(default_factory=set)

    def values(self) -> list[list[Any]]:
        """Rows of values from A1 to the last used cell ("" for empty)."""
        used = [rc for rc, c in self.cells.items() if c.value not in ("", None)]
        if not used:
            return []
        rows, cols = max(r for r, _ in used) + 1, max(c for _, c in used) + 1
        grid: list[list[Any]] = [[""] * cols for _ in range(rows)]
        for (r, c), cell in self.cells.items():
            if cell.value not in ("", None):
                grid[r][c] = cell.value
        return grid


@dataclass
class Workbook:
    drive_id: str
    item_id: str
    sheets: list[Worksheet] = field(default_factory=list)
    granted: bool = True
    locked: bool = False
    sessions: set[str] = field(default_factory=set)

    def api(book, method: str, rest: str, body: Any, session: str | None) -> tuple[int, Any]:
        if not book.granted:
            raise GraphFault(
                403,
                "accessDenied",
                "Access denied. You do not have permission to perform this action or access this resource.",
            )
        if rest == "/createSession" and method == "POST":
            if book.locked:
                raise GraphFault(
                    423, "resourceLocked", "The resource you are attempting to access is locked."
                )
            sid = f"cluster=PUS1&session={uuid.uuid4()}"
            book.sessions.add(sid)
            return 201, {"id": sid, "persistChanges": bool((body or {}).get("persistChanges"))}
        if session is not None and session not in book.sessions:
            raise GraphFault(404, "InvalidSessionReCreatable", "The target session is invalid.")
        if rest == "/closeSession" and method == "POST":
            book.sessions.discard(session or "")
            return 204, None
        if book.locked:
            raise GraphFault(
                423, "resourceLocked", "The resource you are attempting to access is locked."
            )
        if method == "GET" and rest.split("?")[0] == "/worksheets":
            return 200, {
                "value": [
                    {"id": s.id, "name": s.name, "position": n, "visibility": "Visible"}
                    for n, s in enumerate(book.sheets)
                ]
            }
        if rest == "/worksheets/add" and method == "POST":
            name = str((body or {}).get("name", ""))
            book.name_free(name, None)
            sheet = Worksheet("{" + str(uuid.uuid4()).upper() + "}", name)
            book.sheets.append(sheet)
            return 201, {"id": sheet.id, "name": sheet.name, "position": len(book.sheets) - 1}
        match = re.fullmatch(r"/worksheets/([^/]+)(/.*)?", rest.split("?")[0])
        if not match:
            raise GraphFault(400, "BadRequest", f"Resource not found for the segment '{rest}'.")
        sheet = book.sheet(urllib.parse.unquote(match.group(1)))
        tail = match.group(2) or ""
        if tail == "" and method == "PATCH":
            book.name_free(str(body["name"]), sheet)
            sheet.name = str(body["name"])
            return 200, {"id": sheet.id, "name": sheet.name}
        found = re.fullmatch(r"/range\(address='([^']*)'\)(/.*)?", tail)
        if not found:
            raise GraphFault(400, "BadRequest", f"Resource not found for the segment '{tail}'.")
        area, action = parse_address(found.group(1)), found.group(2) or ""
        if method == "GET" and action == "/usedRange(valuesOnly=true)":
            return 200, used(sheet, area)
        if method == "PATCH" and action == "":
            return 200, update(sheet, area, body or {})
        if method == "PATCH" and action == "/format":
            if (body or {}).get("rowHidden"):
                sheet.hidden_rows.update(range(area[0], area[2] + 1))
            return 200, {"rowHidden": True}
        if method == "PATCH" and action == "/format/font":
            if (body or {}).get("bold"):
                sheet.bold_rows.update(range(area[0], area[2] + 1))
            return 200, {"bold": True}
        if method == "POST" and action == "/insert":
            first, count = area[1], area[3] - area[1] + 1
            sheet.cells = {
                (r, c + count if c >= first else c): v for (r, c), v in sheet.cells.items()
            }
            return 200, {"address": f"{sheet.name}!{found.group(1)}"}
        raise GraphFault(400, "BadRequest", f"Unsupported request {method} {tail}")

    def name_free(book, name: str, own: Worksheet | None) -> None:
        if not name or len(name) > 31 or re.search(r"[\[\]\*\?:/\\]", name):
            raise GraphFault(
                400,
                "InvalidArgument",
                "The argument is invalid or missing or has an incorrect format.",
            )
        if any(s is not own and s.name.casefold() == name.casefold() for s in book.sheets):
            raise GraphFault(
                409,
                "ItemAlreadyExists",
                "The resource you are attempting to create already exists.",
            )

    def sheet(self, ref: str) -> Worksheet:
        for sheet in self.sheets:
            if sheet.id == ref or sheet.name.casefold() == ref.casefold():
                return sheet
        raise GraphFault(404, "ItemNotFound", "The requested resource doesn't exist.")


def parse_address(address: str) -> tuple[int, int, int, int]:
    """0-based inclusive (row0, col0, row1, col1) of A1, A1:C3, 1:1 or A:D."""
    parts = address.replace("$", "").upper().split(":")
    corners = []
    for part in parts:
        letters, digits = re.fullmatch(r"([A-Z]*)(\d*)", part).groups()  # type: ignore[union-attr]
        col = _col(letters) if letters else None
        row = int(digits) - 1 if digits else None
        corners.append((row, col))
    (r0, c0), (r1, c1) = corners[0], corners[-1]
    return (
        r0 or 0,
        c0 or 0,
        MAX_ROWS - 1 if r1 is None else r1,
        MAX_COLS - 1 if c1 is None else c1,
    )


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def used(sheet: Worksheet, area: tuple[int, int, int, int]) -> dict[str, Any]:
    r0, c0, r1, c1 = area
    cells = [
        (r, c)
        for (r, c), cell in sheet.cells.items()
        if r0 <= r <= r1 and c0 <= c <= c1 and cell.value not in ("", None)
    ]
    if not cells:
        return {"address": f"{sheet.name}!{span(r0, c0, 1, 1).split(':')[0]}", "values": [[""]]}
    top, left = min(r for r, _ in cells), min(c for _, c in cells)
    bottom, right = max(r for r, _ in cells), max(c for _, c in cells)
    values = [
        [_shown(sheet.cells.get((r, c))) for c in range(left, right + 1)]
        for r in range(top, bottom + 1)
    ]
    return {
        "address": f"'{sheet.name}'!{span(top, left, bottom - top + 1, right - left + 1)}",
        "values": values,
    }


def _shown(cell: Cell | None) -> Any:
    return "" if cell is None or cell.value is None else cell.value


def update(
    sheet: Worksheet, area: tuple[int, int, int, int], body: dict[str, Any]
) -> dict[str, Any]:
    r0, c0, r1, c1 = area
    for prop in ("numberFormat", "values"):
        grid = body.get(prop)
        if grid is None:
            continue
        if len(grid) != r1 - r0 + 1 or any(len(row) != c1 - c0 + 1 for row in grid):
            raise GraphFault(
                400,
                "InvalidArgument",
                "The number of rows or columns in the input array doesn't match the size or dimensions of the range.",
            )
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if value is None:
                    continue  # null leaves the cell as it is
                cell = sheet.cells.setdefault((r0 + r, c0 + c), Cell(None))
                if prop == "numberFormat":
                    cell.number_format = value or "General"
                else:
                    cell.value = value
                    cell.formula = (
                        isinstance(value, str)
                        and value.startswith("=")
                        and cell.number_format != "@"
                    )
    return {"address": f"{sheet.name}!{span(r0, c0, r1 - r0 + 1, c1 - c0 + 1)}"}
