"""The one sanitiser for sheet and table names, and unique table headers."""

from __future__ import annotations

import pytest

from exports.sheetnames import SheetNames, TableNames, clean_sheet_name, unique_headers


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        ("Detaljplan", "Detaljplan"),
        ("Plan: väg/gata", "Plan väg gata"),
        ("a[b]c*d?e\\f", "a b c d e f"),
        ("'citat'", "citat"),
        ("Karta Trafikförsörjningsprogrammet", "Karta Trafikförsörjningsprogram"),
        ("   ", "Blad"),
        ("///", "Blad"),
    ],
)
def test_clean_sheet_name(wanted: str, expected: str) -> None:
    assert clean_sheet_name(wanted) == expected
    assert len(clean_sheet_name(wanted)) <= 31


def test_sheet_names_are_unique_ignoring_case_and_within_31_characters() -> None:
    names = SheetNames()
    long = "Trafikförsörjningsprogrammet för Blekinge"
    claimed = [names.claim(n) for n in ["Frågor", "frågor", "Frågor", long, long, "History"]]
    assert claimed[:3] == ["Frågor", "frågor (2)", "Frågor (3)"]
    assert claimed[3] == long[:31].rstrip()
    assert claimed[4].endswith(" (2)") and len(claimed[4]) == 31
    assert claimed[5] == "History (2)"  # Excel reserves History
    assert len({c.casefold() for c in claimed}) == len(claimed)


def test_table_names_are_legal_and_unique() -> None:
    names = TableNames()
    assert names.claim("Svar_detaljplan") == "Svar_detaljplan"
    assert names.claim("Svar_detaljplan") == "Svar_detaljplan_2"
    assert names.claim("Frågor") == "Fr_gor"
    assert names.claim("1a") == "T_1a"
    assert names.claim("A1") == "A1_"  # a cell reference is not a name


def test_unique_headers() -> None:
    assert unique_headers(["Kommentar", "Kommentar", "kommentar", "A\nB", ""]) == [
        "Kommentar",
        "Kommentar (2)",
        "kommentar (3)",
        "A B",
        "Kolumn",
    ]
