"""A mirror people have worked in: a stray far cell and their own objects survive a pass."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from PIL import Image as PILImage

from exports.columns import Column
from service.sync.mirror import RowUpdate, SheetBatch
from service.sync.sinks import PermanentSyncError
from service.sync.sinks.xlsx import XlsxSink
from tests.sync.helpers import by_key, sheet_rows

COLUMNS = [
    Column("response_id", "Svarets id", "fixed"),
    Column("revision", "Version", "fixed"),
    *[Column(f"item:q{n}", f"{n}. Fråga", "answer", f"q{n}") for n in range(30)],
]


def update(n: int, revision: int = 1) -> RowUpdate:
    values = {f"item:q{i}": f"Svar {n}.{i}" for i in range(30)}
    return RowUpdate(f"r{n}", revision, {"response_id": f"r{n}", "revision": revision, **values})


CHILD = """
import resource, sys, time
from pathlib import Path
from service.sync.sinks import PermanentSyncError
from service.sync.sinks.xlsx import XlsxSink
from tests.sync.test_xlsx_keeps import COLUMNS, update
from service.sync.mirror import SheetBatch

def vm() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    raise SystemExit("no VmSize")

budget = int(sys.argv[2]) * 2**20
resource.setrlimit(resource.RLIMIT_AS, (vm() + budget, vm() + budget))
start = time.monotonic()
XlsxSink(Path(sys.argv[1])).write(
    [SheetBatch("Blad", COLUMNS, [update(5, revision=2), update(1000)], "blad")]
)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(f"pass over the mirror: {time.monotonic() - start:.2f} s, peak RSS {peak} MB")
"""


def test_a_stray_cell_far_below_costs_no_memory(tmp_path: Path) -> None:
    path = tmp_path / "org.xlsx"
    XlsxSink(path).write([SheetBatch("Blad", COLUMNS, [update(n) for n in range(1000)], "blad")])
    book = load_workbook(path)
    book["Blad"]["CR1048576"] = "x"  # one Ctrl+Down away
    book.save(path)

    child = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CHILD), str(path), "200"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[2],
        timeout=120,
    )
    print(child.stdout)
    assert child.returncode == 0, child.stderr[-2000:]
    sheet = load_workbook(path)["Blad"]
    assert sheet["A1003"].value == "r1000"  # right below the table, not below the stray cell
    assert sheet["CR1048576"].value == "x"
    assert sheet["B8"].value == 2 and sheet["A8"].value == "r5"


def test_a_sheet_with_no_row_left_is_parked_naming_the_cell(tmp_path: Path) -> None:
    path = tmp_path / "org.xlsx"
    XlsxSink(path).write([SheetBatch("Blad", COLUMNS, [update(0)], "blad")])
    book = load_workbook(path)
    book["Blad"]["A4"] = "egen rad"  # a row people use: new rows go around it
    book.save(path)
    XlsxSink(path).write([SheetBatch("Blad", COLUMNS, [update(1)], "blad")])
    book = load_workbook(path)
    assert [book["Blad"][f"A{r}"].value for r in (3, 4, 5)] == ["r0", "egen rad", "r1"]
    book["Blad"]["A1048576"] = "x"  # in the id column: the next row would be past Excel's last
    book.save(path)
    with pytest.raises(PermanentSyncError, match="cellen A1048576"):
        XlsxSink(path).write([SheetBatch("Blad", COLUMNS, [update(2)], "blad")])


def test_pictures_charts_validation_formats_notes_and_filter_survive(tmp_path: Path) -> None:
    path = tmp_path / "org.xlsx"
    sink = XlsxSink(path)
    sink.write([SheetBatch("Blad", COLUMNS, [update(n) for n in range(3)], "blad")])
    book = load_workbook(path)
    sheet = book["Blad"]
    picture = tmp_path / "karta.png"
    PILImage.new("RGB", (20, 10), "red").save(picture)
    sheet.add_image(Image(str(picture)), "AK2")
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=2, min_row=2, max_row=5), titles_from_data=True)
    sheet.add_chart(chart, "AK10")
    validation = DataValidation(type="list", formula1='"Ja,Nej"')
    validation.add("AJ3:AJ100")
    sheet.add_data_validation(validation)
    red = PatternFill(start_color="FFC7CE", end_color="FFC7CE", fill_type="solid")
    sheet.conditional_formatting.add(
        "B3:B100", CellIsRule(operator="greaterThan", formula=["1"], fill=red)
    )
    sheet["A3"].comment = Comment("Ring Eva", "Kommunen")
    sheet.auto_filter.add_filter_column(1, ["1"])
    book.save(path)

    sink.write([SheetBatch("Blad", COLUMNS, [update(1, revision=2), update(3)], "blad")])

    sheet = load_workbook(path)["Blad"]
    assert len(sheet._images) == 1
    assert len(sheet._charts) == 1
    assert [str(v.sqref) for v in sheet.data_validations.dataValidation] == ["AJ3:AJ100"]
    assert [str(r.sqref) for r in sheet.conditional_formatting] == ["B3:B100"]
    assert sheet["A3"].comment.text == "Ring Eva"
    assert [c.colId for c in sheet.auto_filter.filterColumn] == [1]
    assert [r["response_id"] for r in by_key(sheet_rows(path, "Blad"))] == ["r0", "r1", "r2", "r3"]
