"""A second, independent program opens the workbook: LibreOffice converts every sheet.

LibreOffice comes from Debian's libreoffice-calc-nogui (scripts/system-deps.sh). Without
it the test is skipped locally, but fails when the CI environment variable is set.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from exports.filters import ExportFilter
from exports.workbook import build_regional_workbook
from forms import Catalogue
from tests.exports.helpers import ORG_NAMES, record
from tests.libreoffice import CSV_FILTER, convert

FORMULA_TEXT = '=HYPERLINK("http://example.com","klicka")'


@pytest.mark.parametrize("empty", [False, True], ids=["with-responses", "empty-period"])
def test_libreoffice_converts_every_sheet(
    tmp_path: Path, catalogue: Catalogue, empty: bool
) -> None:
    records = [
        record(
            "karlskrona", answers={"dp_natpaverkan": "ja"}, metadata={"plan_name": FORMULA_TEXT}
        ),
        record(
            "ronneby",
            "oversiktsplan",
            answers={"op_ort_roll": "nej"},
            comments={"op_ort_roll": "-1"},
        ),
    ]
    selection = ExportFilter(date_from=dt.date(2031, 1, 1)) if empty else ExportFilter()
    path = tmp_path / "region.xlsx"
    build_regional_workbook(
        path, catalogue, lambda f: (r for r in records if r.form_id == f), ORG_NAMES, selection
    )
    sheets = openpyxl.load_workbook(path, read_only=True).sheetnames

    result = convert(path, tmp_path, CSV_FILTER)
    assert result.returncode == 0, result.stderr
    produced = {p.name for p in tmp_path.glob("region-*.csv")}
    assert produced == {f"region-{name}.csv" for name in sheets}, result.stdout + result.stderr
    if not empty:
        with (tmp_path / "region-Detaljplan.csv").open(encoding="utf-8") as f:
            table = list(csv.reader(f))
        # LibreOffice read the formula-looking text as text and did not run it.
        assert table[1][7] == FORMULA_TEXT

    pdf = convert(path, tmp_path, "pdf")
    assert pdf.returncode == 0, pdf.stderr
    assert (tmp_path / "region.pdf").stat().st_size > 1000
