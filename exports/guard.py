"""The one guard for text written into any spreadsheet.

Answers stay verbatim in the database; only what leaves for a spreadsheet is guarded:
control characters removed (openpyxl refuses them, they are invisible anyway), text cut
to the target's cell limit with a visible marker, and formula-looking text kept as text
by every writer (openpyxl: string data type; Google Sheets: RAW input; CSV: a leading ').
"""

from __future__ import annotations

import re

EXCEL_CELL_LIMIT = 32_767
GOOGLE_CELL_LIMIT = 50_000
TRUNCATION_MARK = " … [avkortad]"

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# OWASP CSV injection: a spreadsheet may run text starting with these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


def clean_text(value: str, limit: int = EXCEL_CELL_LIMIT) -> str:
    """`value` without control characters and no longer than `limit` characters."""
    text = _ILLEGAL.sub("", value)
    if len(text) > limit:
        text = text[: limit - len(TRUNCATION_MARK)] + TRUNCATION_MARK
    return text


def looks_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_PREFIXES)


def csv_text(value: str) -> str:
    """Text for a CSV cell: formula-looking text gets a leading apostrophe."""
    text = clean_text(value)
    return "'" + text if looks_like_formula(text) else text
