"""Cells for write-only worksheets: every value typed on purpose, every text guarded.

openpyxl guesses a cell's type from its value: text starting with "=" becomes a formula
and "#N/A" an error. Here text is cleaned by the shared guard and then forced to the
string type, so nothing a respondent wrote can run; dates and numbers keep real types.
"""

from __future__ import annotations

import datetime as dt
from copy import copy
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from exports.guard import clean_text
from forms.clock import local as local  # re-exported: the exports' time conversion
from forms.text import guessed_as_other, keep_as_text

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PERCENT_FORMAT = "0%"

# One font family throughout: Excel's default body font, named so every program uses it.
FONT_NAME = "Calibri"
BOLD = Font(name=FONT_NAME, bold=True)
TITLE = Font(name=FONT_NAME, bold=True, size=14)
QUIET = Font(name=FONT_NAME, italic=True, color="595959")  # "ej aktuellt", counts beside scores
SMALL = Font(name=FONT_NAME, size=9, color="595959")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
QUIET_FILL = PatternFill("solid", fgColor="EDEDED")
MISSING_FILL = PatternFill("solid", fgColor="FCE4D6")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


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
        keep_as_text(result)  # "=...", "+...", "#REF!" stay plain text
    if font is not None:
        result.font = font
    if fill is not None:
        result.fill = fill
    if alignment is not None:
        result.alignment = alignment
    if number_format is not None:
        result.number_format = number_format
    return result


class DataCells:
    """The data cells of one sheet, made as cheaply as exactness allows.

    openpyxl turns plain values in an appended row into one reused cell, while each
    WriteOnlyCell costs an object, a style lookup that hashes the style object, and,
    inside openpyxl's append, a ValueError formatted with the cell's repr; profiled, that
    was about a third of a response sheet's time. So: plain values where openpyxl stores
    them exactly as `cell` would (numbers; cleaned text that neither starts with "=" nor
    equals an error code, which openpyxl types as a string anyway), and for styled cells
    each distinct style is looked up once per sheet and then copied.
    """

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        # (value type, alignment) -> (openpyxl's style array, the alignment kept alive)
        self._styles: dict[tuple[type, int], tuple[Any, Any]] = {}

    def __call__(self, value: Any, alignment: Alignment | None = None) -> Any:
        if alignment is None:
            if isinstance(value, str):
                text = clean_text(value)
                if not guessed_as_other(text):
                    return text
                return cell(self.ws, text)
            if isinstance(value, int | float):
                return value
        key = (type(value), id(alignment))
        known = self._styles.get(key)
        if known is None:
            made = cell(self.ws, value, alignment=alignment)
            self._styles[key] = (copy(made._style), alignment)
            return made
        made = cell(self.ws, value)
        made._style = copy(known[0])  # as openpyxl copies styles between its own cells
        return made
