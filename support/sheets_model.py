"""The Sheets fake's model: spreadsheets, worksheets, cells, A1 ranges and Google's errors."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


class ApiFault(Exception):
    def __init__(self, code: int, message: str, body: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code, self.message = code, message
        self.body = body or _error(code, message)


@dataclass
class Cell:
    value: Any
    formula: bool = False  # entered so that a spreadsheet would run it


@dataclass
class Sheet:
    sheet_id: int
    title: str
    rows: int = 1000
    cols: int = 26
    frozen: int = 0
    hidden_rows: set[int] = field(default_factory=set)
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    formats: dict[int, dict[str, Any]] = field(default_factory=dict)  # column -> numberFormat
    kind: str = "GRID"  # "OBJECT": a chart sheet, which has no cells

    def values(
        self, first: int = 0, last: int | None = None, left: int = 0, right: int | None = None
    ) -> list[list[Any]]:
        """Rows `first`..`last` of columns `left`..`right` (0-based, inclusive; None: to the
        end) with trailing blanks trimmed, as Google returns them."""
        cells = {
            (r - first, c - left): cell
            for (r, c), cell in self.cells.items()
            if first <= r
            and (last is None or r <= last)
            and left <= c
            and (right is None or c <= right)
        }
        if not cells:
            return []
        # One pass over the cells (a benchmark reads sheets of thousands of rows).
        widths = [0] * (max(r for r, _ in cells) + 1)
        for r, c in cells:
            widths[r] = max(widths[r], c + 1)
        out: list[list[Any]] = [[""] * width for width in widths]
        for (r, c), cell in cells.items():
            out[r][c] = cell.value
        return out


@dataclass
class Spreadsheet:
    key: str
    title: str
    sheets: list[Sheet] = field(default_factory=list)
    shared: bool = True

    def sheet(self, title: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        raise ApiFault(400, f"Unable to parse range: {title}")

    def titles(self) -> list[str]:
        return [s.title for s in self.sheets]


@dataclass
class Fault:
    kind: str  # "429", "500", "503", "reset", "reset_after", "slow"
    count: int
    match: str  # substring of "METHOD path"
    retry_after: str | None
    delay: float


def column_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def parse_range(text: str) -> tuple[str, int, int]:
    """('Title', row0, col0) of an A1 range's top-left cell."""
    title, (row0, col0, _, _) = parse_box(text)
    return title, row0, col0


def parse_box(text: str) -> tuple[str, tuple[int, int, int | None, int | None]]:
    """('Title', (row0, col0, last row0, last col0)) of an A1 range; None is unbounded."""
    title, _, cells = text.rpartition("!") if "!" in text else (text, "", "")
    if title.startswith("'"):
        title = title[1:-1].replace("''", "'")
    start, _, end = cells.partition(":")
    bounds: list[int | None] = []
    for part, default in ((start, 0), (end or start, None)):
        match = re.match(r"([A-Za-z]*)(\d*)", part)
        letters, digits = match.groups() if match else ("", "")
        bounds.append(int(digits) - 1 if digits else default)
        bounds.append(column_index(letters) if letters else default)
    row0, col0, row1, col1 = bounds
    return title, (row0 or 0, col0 or 0, row1, col1)


def google_error(code: int, message: str, reason: str = "", **metadata: str) -> dict[str, Any]:
    """An error body as Google sends it; a 403 also names its reason the two ways Google does."""
    body = _error(code, message)
    if reason:
        body["error"]["errors"] = [{"message": message, "domain": "global", "reason": reason}]
        body["error"]["details"] = [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": reason,
                "domain": "googleapis.com",
                "metadata": metadata,
            }
        ]
    return body


def _check_title(sheets: list[Sheet], title: str, renamed: Sheet | None, where: str) -> None:
    """Google refuses a title another worksheet has, ignoring case."""
    if any(s.title.casefold() == title.casefold() and s is not renamed for s in sheets):
        raise ApiFault(
            400,
            f'Invalid {where}: A sheet with the name "{title}" already exists. '
            "Please enter another name.",
        )


def _error(code: int, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": STATUS.get(code, "UNKNOWN")}}


def apply_structure(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    """A spreadsheets:batchUpdate: every request applies, or none (Google's atomicity)."""
    staged = copy.deepcopy(book.sheets)  # atomic: all requests or none
    replies: list[dict[str, Any]] = []

    def by_id(sheet_id: int) -> Sheet:
        for s in staged:
            if s.sheet_id == sheet_id:
                return s
        raise ApiFault(400, f"No grid with id: {sheet_id}")

    for n, request in enumerate(body.get("requests", [])):
        ((kind, spec),) = request.items()
        if kind == "addSheet":
            props = spec.get("properties", {})
            title = props["title"]
            _check_title(staged, title, None, f"requests[{n}].addSheet")
            grid = props.get("gridProperties", {})
            sheet = Sheet(
                props.get("sheetId", len(staged) + 1),
                title,
                grid.get("rowCount", 1000),
                grid.get("columnCount", 26),
                grid.get("frozenRowCount", 0),
            )
            staged.append(sheet)
            replies.append(
                {"addSheet": {"properties": {"sheetId": sheet.sheet_id, "title": title}}}
            )
            continue
        if kind == "appendDimension":
            sheet = by_id(spec["sheetId"])
            if spec["dimension"] == "ROWS":
                sheet.rows += spec["length"]
            else:
                sheet.cols += spec["length"]
        elif kind == "insertDimension":
            rng = spec["range"]
            sheet = by_id(rng["sheetId"])
            start, count = rng["startIndex"], rng["endIndex"] - rng["startIndex"]
            if rng["dimension"] != "COLUMNS":
                raise ApiFault(400, "only columns are supported by the fake")
            sheet.cells = {
                (r, c + count if c >= start else c): v for (r, c), v in sheet.cells.items()
            }
            sheet.cols += count
        elif kind == "updateSheetProperties":
            props = spec["properties"]
            sheet = by_id(props["sheetId"])
            if "title" in spec["fields"].split(","):
                _check_title(staged, props["title"], sheet, f"requests[{n}].updateSheetProperties")
                sheet.title = props["title"]
        elif kind == "deleteSheet":
            sheet = by_id(spec["sheetId"])
            if len(staged) == 1:
                raise ApiFault(
                    400,
                    f"Invalid requests[{n}].deleteSheet: You can't remove all the sheets in a document.",
                )
            staged.remove(sheet)
        elif kind == "repeatCell":
            rng = spec["range"]
            sheet = by_id(rng["sheetId"])
            number = spec["cell"]["userEnteredFormat"]["numberFormat"]
            for col in range(rng.get("startColumnIndex", 0), rng.get("endColumnIndex", sheet.cols)):
                sheet.formats[col] = number
        elif kind == "updateDimensionProperties":
            rng = spec["range"]
            sheet = by_id(rng["sheetId"])
            if rng["dimension"] == "ROWS" and spec["properties"].get("hiddenByUser"):
                sheet.hidden_rows.update(range(rng["startIndex"], rng["endIndex"]))
        else:
            raise ApiFault(400, f"Invalid requests[{n}]: unknown request {kind}")
        replies.append({})
    book.sheets = staged
    return {"spreadsheetId": book.key, "replies": replies}
