"""Data cells: plain values only where openpyxl types them as a typed cell would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook, load_workbook

from exports.cells import WRAP, DataCells
from tests.exports.helpers import has_formula

TRICKY = ["=SUM(1)", "#N/A", "#REF!", "=", "-2+3", "@A1", "bell\x07", "Ja"]


def written(tmp_path: Path, rows: list[list[object]], wrap: bool) -> tuple[Path, list[list]]:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Svar")
    make = DataCells(ws)
    for row in rows:
        ws.append([make(v, WRAP if wrap else None) for v in row])
    path = tmp_path / "cells.xlsx"
    wb.save(path)
    return path, [list(r) for r in load_workbook(path)["Svar"].iter_rows()]


def test_plain_only_for_values_openpyxl_keeps_as_they_are(tmp_path: Path) -> None:
    ws = Workbook(write_only=True).create_sheet("Svar")
    make = DataCells(ws)
    assert make("Ja") == "Ja" and make("-2+3") == "-2+3" and make(120) == 120
    assert make("bell\x07") == "bell"  # guarded on the plain path too
    for value in ("=SUM(1)", "#N/A", dt.date(2026, 3, 1)):
        assert not isinstance(make(value), str | dt.date), value


def test_text_stays_text_and_styles_are_shared(tmp_path: Path) -> None:
    for wrap in (False, True):
        rows = [TRICKY, TRICKY, [dt.datetime(2026, 3, 10, 9, 30), dt.date(2026, 3, 1), 7]]
        path, cells = written(tmp_path, rows, wrap)
        assert not has_formula(path)
        for row in cells[:2]:
            assert [c.value for c in row] == [
                "=SUM(1)",
                "#N/A",
                "#REF!",
                "=",
                "-2+3",
                "@A1",
                "bell",
                "Ja",
            ]
            assert {c.data_type for c in row} == {"s"}
            assert all(c.alignment.wrap_text is (True if wrap else None) for c in row)
        moment, day, number = cells[2][:3]
        assert moment.value == dt.datetime(2026, 3, 10, 9, 30)
        assert moment.number_format == "yyyy-mm-dd hh:mm"
        assert day.value == dt.datetime(2026, 3, 1) and day.number_format == "yyyy-mm-dd"
        assert number.value == 7 and number.data_type == "n"
