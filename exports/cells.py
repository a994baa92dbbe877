"""Cells for write-only worksheets: every value typed on purpose, every text guarded.

openpyxl guesses a cell's type from its value: text starting with "=" becomes a formula
and "#N/A" an error. Here text is cleaned by the shared guard and then forced to the
string type, so nothing a respondent wrote can run; dates and numbers keep real types.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from exports.guard import clean_text

LOCAL_TIME = ZoneInfo("Europe/Stockholm")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PERCENT_FORMAT = "0%"

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


def local(moment: dt.datetime) -> dt.datetime:
    """Naive UTC (as stored) to naive Swedish time, which is what people read in Excel."""
    return moment.replace(tzinfo=dt.UTC).astimezone(LOCAL_TIME).replace(tzinfo=None)


def cell(
    ws: Any,
    value: Any,
    *,
    font: Font | None = None,
    fill: PatternFill | None = None,
    alignment: Alignment | None = None,
    number_format: str | None = None,
) -> WriteOnlyCell:
    """A write-only cell holding `value` with its proper type and the given style."""
    if isinstance(value, dt.datetime):
        number_format = number_format or DATETIME_FORMAT
    elif isinstance(value, dt.date):
        number_format = number_format or DATE_FORMAT
    elif isinstance(value, str):
        value = clean_text(value)
    elif value is not None and not isinstance(value, int | float):
        value = clean_text(str(value))
    result = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        # After assignment: keeps "=...", "+...", "#REF!" as plain text.
        result.data_type = "s"
    if font is not None:
        result.font = font
    if fill is not None:
        result.fill = fill
    if alignment is not None:
        result.alignment = alignment
    if number_format is not None:
        result.number_format = number_format
    return result


def text_row(ws: Any, values: list[Any], **style: Any) -> list[WriteOnlyCell]:
    """A row of cells sharing one style."""
    return [cell(ws, v, **style) for v in values]
