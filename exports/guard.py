"""The one guard for text written into any spreadsheet.

Answers stay verbatim in the database; only what leaves for a spreadsheet is guarded:
control characters removed (openpyxl refuses them, they are invisible anyway), text cut
to the target's cell limit with a visible marker. Formula-looking text (OWASP: starting
with =, +, -, @, tab or a line break) is kept as text by every writer: openpyxl cells get
the string data type after assignment, Google Sheets gets RAW input.
"""

from __future__ import annotations

from forms.text import CONTROL_CHARS

EXCEL_CELL_LIMIT = 32_767
GOOGLE_CELL_LIMIT = 50_000
TRUNCATION_MARK = " … [avkortad]"


def clean_text(value: str, limit: int = EXCEL_CELL_LIMIT) -> str:
    """`value` without control characters and no longer than `limit` characters."""
    text = CONTROL_CHARS.sub("", value)
    if len(text) > limit:
        text = text[: limit - len(TRUNCATION_MARK)] + TRUNCATION_MARK
    return text
