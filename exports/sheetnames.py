"""The one sanitiser for sheet and table names, so every name Excel sees is legal and unique.

Excel refuses sheet names with any of `[ ] * ? : / \\`, longer than 31 characters, starting
or ending with an apostrophe, blank, or equal to another sheet's name ignoring case (and
reserves "History"). Worked example, claimed in this order:

    "Detaljplan"                          -> "Detaljplan"
    "detaljplan"                          -> "detaljplan (2)"
    "Plan: väg/gata"                      -> "Plan väg gata"
    "Karta Trafikförsörjningsprogrammet"  -> "Karta Trafikförsörjningsprogram"  (31 chars)
"""

from __future__ import annotations

import re

MAX_SHEET_NAME = 31
_FORBIDDEN = re.compile(r"[\[\]*?:/\\\x00-\x1f\x7f]")
_RESERVED = {"history"}
_TABLE_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def clean_sheet_name(wanted: str) -> str:
    """`wanted` with forbidden characters replaced, apostrophes trimmed, cut to 31 characters."""
    name = " ".join(_FORBIDDEN.sub(" ", wanted).split()).strip("'").strip()
    name = name[:MAX_SHEET_NAME].rstrip().rstrip("'").rstrip()
    return name or "Blad"


class SheetNames:
    """Hands out legal sheet names, each unique in one workbook (case-insensitive)."""

    def __init__(self) -> None:
        self._taken: set[str] = set(_RESERVED)

    def claim(self, wanted: str) -> str:
        base = clean_sheet_name(wanted)
        name, n = base, 1
        while name.casefold() in self._taken:
            n += 1
            suffix = f" ({n})"
            name = base[: MAX_SHEET_NAME - len(suffix)].rstrip() + suffix
        self._taken.add(name.casefold())
        return name


class TableNames:
    """Excel table names: a letter first, then letters, digits and _; unique per workbook."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def claim(self, wanted: str) -> str:
        base = _TABLE_UNSAFE.sub("_", wanted)
        if not base or not base[0].isalpha():
            base = "T_" + base
        # Names that look like cell references (A1, R1C1) are refused by Excel.
        if re.fullmatch(r"[A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc][0-9]*", base):
            base += "_"
        base = base[:200]
        name, n = base, 1
        while name.casefold() in self._taken:
            n += 1
            name = f"{base}_{n}"
        self._taken.add(name.casefold())
        return name


def unique_headers(headers: list[str]) -> list[str]:
    """Headers made unique ("Kommentar" twice -> "Kommentar", "Kommentar (2)"), as tables need."""
    seen: set[str] = set()
    result = []
    for header in headers:
        name = " ".join(header.split()) or "Kolumn"
        candidate, n = name, 1
        while candidate.casefold() in seen:
            n += 1
            candidate = f"{name} ({n})"
        seen.add(candidate.casefold())
        result.append(candidate)
    return result
