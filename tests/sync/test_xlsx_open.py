"""A watching worker keeps the workbook it saved open for its next pass, and reads the
file again whenever the file is no longer exactly what it saved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.drawing.image import Image
from PIL import Image as PILImage

import service.sync.sinks.xlsx as xlsx
from service.sync.mirror import SheetBatch
from service.sync.sinks.xlsx import XlsxSink
from tests.sync.helpers import by_key, sheet_rows
from tests.sync.test_xlsx_keeps import COLUMNS, update


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files the sink reads from disk."""
    seen: list[Path] = []
    original = xlsx.load_workbook

    def counting(path: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(Path(path))
        return original(path, *args, **kwargs)

    monkeypatch.setattr(xlsx, "load_workbook", counting)
    return seen


def ids(path: Path) -> list[str]:
    return [row["response_id"] for row in by_key(sheet_rows(path, "Blad"))]


def test_the_next_pass_starts_from_the_open_workbook_until_a_person_saves(
    tmp_path: Path, loads: list[Path]
) -> None:
    path = tmp_path / "org.xlsx"
    XlsxSink(path).write([SheetBatch("Blad", COLUMNS, [update(0)], "blad")])
    XlsxSink(path).write([SheetBatch("Blad", COLUMNS, [update(1)], "blad")])
    assert loads == []  # created, then still open: never read back
    assert ids(path) == ["r0", "r1"]

    book = load_workbook(path)
    book["Blad"]["AJ3"] = "egen anteckning"
    book.save(path)
    XlsxSink(path).write([SheetBatch("Blad", COLUMNS, [update(0, revision=2), update(2)], "blad")])
    assert loads == [path]  # the person's save made the pass read the file
    sheet = load_workbook(path)["Blad"]
    assert sheet["AJ3"].value == "egen anteckning"
    assert ids(path) == ["r0", "r1", "r2"] and sheet["B3"].value == 2


def test_a_failed_pass_leaves_nothing_open(tmp_path: Path, loads: list[Path]) -> None:
    path = tmp_path / "org.xlsx"
    XlsxSink(path).write([SheetBatch("Blad", COLUMNS, [update(0)], "blad")])
    broken = [Any]  # not a column: the pass fails after taking the open workbook
    with pytest.raises(Exception):  # noqa: B017
        XlsxSink(path).write([SheetBatch("Blad", broken, [update(1)], "blad")])  # type: ignore[list-item]
    XlsxSink(path).write([SheetBatch("Blad", COLUMNS, [update(2)], "blad")])
    assert loads == [path]
    assert ids(path) == ["r0", "r2"]


def test_a_workbook_with_a_picture_is_read_each_pass_and_keeps_it(
    tmp_path: Path, loads: list[Path]
) -> None:
    path = tmp_path / "org.xlsx"
    XlsxSink(path).write([SheetBatch("Blad", COLUMNS, [update(0)], "blad")])
    book = load_workbook(path)
    picture = tmp_path / "karta.png"
    PILImage.new("RGB", (20, 10), "red").save(picture)
    book["Blad"].add_image(Image(str(picture)), "AK2")
    book.save(path)
    for n in (1, 2):
        XlsxSink(path).write([SheetBatch("Blad", COLUMNS, [update(n)], "blad")])
    assert loads == [path, path]
    assert len(load_workbook(path)["Blad"]._images) == 1
    assert ids(path) == ["r0", "r1", "r2"]
