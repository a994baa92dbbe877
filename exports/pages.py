"""How every sheet looks on screen and on paper: one header style, fitted heights, print set-up.

Print set-up: landscape A4, scaled to a number of pages wide (summaries one page), as many
pages tall as needed, header rows (and on data sheets the organisation and plan columns)
repeated on every page, the title and period in the page header, "Sida x av y" in the
footer. Write-only sheets take all of it, as long as it is set before the first row.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from openpyxl.styles import PatternFill
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from exports.cells import BOLD, HEADER_FILL, WRAP, cell

LINE_HEIGHT = 15.0  # points per line of 11-point Calibri, as Excel spaces it
MAX_HEADER_LINES = 8
A4 = 9  # the paper size code in SpreadsheetML


# Plain 11-point text fits about this many characters per unit of column width (the width
# of a "0"); bold headers are counted at one per unit, to be safe.
TEXT_CHARS_PER_UNIT = 1.15


def wrapped_lines(text: str, width: float, chars_per_unit: float = 1.0) -> int:
    """How many lines `text` takes in a column `width` characters wide, wrapped at spaces."""
    room = max(int(width * chars_per_unit) - 1, 1)
    lines, used = 1, 0
    for word in str(text).split():
        size = len(word)
        if used and used + 1 + size > room:
            lines, used = lines + 1, 0
        if used:
            used += 1
        while size > room:  # a word longer than the column breaks where it must
            lines, size = lines + 1, size - room
        used += size
    return lines


def fit_width(header: str, width: float, cap: float = 40) -> float:
    """`width`, widened so the header's longest word fits on a line (never cut mid-word)."""
    longest = max((len(word) for word in str(header).split()), default=0)
    return max(width, min(longest + 2, cap))


def header_height(headers: Sequence[str], widths: Sequence[float]) -> float:
    """A row height (points) that shows every wrapped header in full (up to 8 lines)."""
    lines = max((wrapped_lines(h, w) for h, w in zip(headers, widths, strict=True)), default=1)
    return LINE_HEIGHT * min(lines, MAX_HEADER_LINES) + 3


def header_row(
    ws: Any,
    row: int,
    headers: Sequence[str],
    widths: Sequence[float],
    fills: Sequence[PatternFill] | None = None,
) -> None:
    """Append header row number `row` in the one header style, tall enough for its text."""
    ws.row_dimensions[row].height = header_height(headers, widths)
    fills = fills or [HEADER_FILL] * len(headers)
    ws.append(
        [
            cell(ws, h, font=BOLD, fill=f, alignment=WRAP)
            for h, f in zip(headers, fills, strict=True)
        ]
    )


def print_setup(
    ws: Any,
    *,
    title: str,
    period: str,
    pages_wide: int = 1,
    repeat_rows: str | None = None,
    repeat_cols: str | None = None,
    print_area: str | None = None,
) -> None:
    """Landscape A4, `pages_wide` pages across, repeated titles, header and page numbers."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = A4
    ws.page_setup.fitToWidth = pages_wide
    ws.page_setup.fitToHeight = 0  # as many pages tall as the rows need
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.7, bottom=0.6, header=0.3, footer=0.3)
    ws.print_options.gridLines = False
    if repeat_rows:
        ws.print_title_rows = repeat_rows
    if repeat_cols:
        ws.print_title_cols = repeat_cols
    if print_area:
        ws.print_area = print_area
    header = ws.HeaderFooter.oddHeader
    header.left.text = _escape(title)
    header.left.size = 9
    header.right.text = _escape(period)
    header.right.size = 9
    footer = ws.HeaderFooter.oddFooter
    footer.center.text = "Sida &P av &N"
    footer.center.size = 9


def pages_for(width_in_characters: float, per_page: float = 190) -> int:
    """Pages across for a block this wide, kept readable (about 70 % scale on A4 landscape)."""
    return max(1, math.ceil(width_in_characters / per_page))


def _escape(text: str) -> str:
    """Header text with "&" doubled, since "&" starts a code (&P, &N) in Excel's headers."""
    return text.replace("&", "&&")
