"""Rules for text that people write, shared by every layer that stores or writes it out."""

from __future__ import annotations

import re
from typing import Any

from openpyxl.cell.cell import ERROR_CODES

# C0 control characters other than tab and line breaks: invisible, and databases and
# spreadsheets reject some of them (PostgreSQL refuses NUL in text, openpyxl most).
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# For one-line text (a name, a file name, a link): every C0 control character and DEL.
LINE_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


def keep_as_text(cell: Any) -> None:
    """Keep an openpyxl cell that holds text as text: openpyxl guesses "=…" to be a formula
    and "#N/A" an error value, so the string type is set after the value."""
    cell.data_type = "s"


def guessed_as_other(text: str) -> bool:
    """Whether openpyxl would take `text` for something other than text (a formula or an
    error value), so that only a cell kept as text stores it exactly."""
    return (len(text) > 1 and text[0] == "=") or text in ERROR_CODES
