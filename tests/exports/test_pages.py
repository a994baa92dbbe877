"""How the sheets read and print: print set-up, header heights, widths, one font, dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from exports.columns import layout
from exports.pages import header_height, wrapped_lines
from exports.workbook import build_org_workbook, build_regional_workbook
from forms import Catalogue
from tests.exports.helpers import ORG_NAMES, record

SUMMARIES = ("Översikt", "Karta Detaljplan", "Data", "Frågor", "Om arbetsboken")


@pytest.fixture
def workbook(tmp_path: Path, catalogue: Catalogue) -> Any:
    records = [
        record("karlskrona", answers={"dp_natpaverkan": "ja"}, metadata={"plan_name": "Vämö"}),
        record("ronneby", answers={"dp_natpaverkan": "nej"}, metadata={"date": "2026-03-01"}),
    ]
    path = tmp_path / "region.xlsx"
    build_regional_workbook(
        path,
        catalogue,
        lambda f: (r for r in records if r.form_id == f),
        ORG_NAMES,
        created=dt.datetime(2026, 3, 20, 8, 0),
    )
    return openpyxl.load_workbook(path)


def test_wrapped_lines_and_header_height() -> None:
    assert wrapped_lines("Status", 11) == 1
    assert wrapped_lines("Version av svaret", 10) == 2  # "Version av" / "svaret"
    assert wrapped_lines("Checklistans", 6) == 3  # a long word breaks where it must
    assert header_height(["Status", "Version av svaret"], [11, 10]) == 33


def test_every_sheet_prints_landscape_a4_with_titles_and_page_numbers(workbook: Any) -> None:
    for ws in workbook.worksheets:
        setup = ws.page_setup
        assert setup.orientation == "landscape", ws.title
        assert setup.paperSize == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert setup.fitToHeight == 0, ws.title
        assert ws.oddFooter.center.text == "Sida &P av &N", ws.title
        assert ws.oddHeader.left.text, ws.title
        assert ws.oddHeader.right.text == "Alla datum", ws.title
    for title in SUMMARIES:
        assert workbook[title].page_setup.fitToWidth == 1, title
    assert workbook["Karta Detaljplan"].print_title_rows == "$6:$6"
    data = workbook["Detaljplan"]
    # Header row and the organisation and plan columns on every page.
    assert data.print_title_rows == "$1:$1" and data.print_title_cols == "$A:$B"
    assert data.oddHeader.left.text.startswith("Detaljplan – uppgifter om planerna")


def test_data_sheet_prints_the_plans_details_not_every_answer(
    workbook: Any, catalogue: Catalogue
) -> None:
    columns = layout(catalogue.versions("detaljplan"))
    details = next(n for n, c in enumerate(columns) if c.kind == "answer")
    area = workbook["Detaljplan"].print_area
    assert area.endswith(f"$A$1:${openpyxl.utils.get_column_letter(details)}$3")


def test_headers_fit_their_columns_and_dates_show(workbook: Any, catalogue: Catalogue) -> None:
    ws = workbook["Detaljplan"]
    columns = layout(catalogue.versions("detaljplan"))
    for n, column in enumerate(columns, 1):
        width = ws.column_dimensions[openpyxl.utils.get_column_letter(n)].width
        longest = max(len(w) for w in column.header.split())
        assert width >= min(longest + 2, 40), column.header  # no header cut mid-word
        if column.value_type == "datetime":
            assert width >= 17, column.header  # "2026-03-10 10:30" never turns into ###
        if column.value_type == "date":
            assert width >= 12, column.header
    lines = max(wrapped_lines(c.header, c.width) for c in columns)
    assert ws.row_dimensions[1].height >= 15 * min(lines, 8)
    date = next(c for c in ws[3] if c.is_date and c.value == dt.datetime(2026, 3, 1))
    assert date.number_format == "yyyy-mm-dd"


def test_one_font_family_throughout(workbook: Any) -> None:
    for ws in workbook.worksheets:
        for row in ws.iter_rows(max_row=60):
            for c in row:
                if c.value is not None:
                    assert c.font.name == "Calibri", (ws.title, c.coordinate)


def test_the_organisation_download_explains_itself(tmp_path: Path, catalogue: Catalogue) -> None:
    path = tmp_path / "own.xlsx"
    build_org_workbook(path, catalogue, lambda f: iter([]), "karlskrona", ORG_NAMES)
    about = openpyxl.load_workbook(path)["Om arbetsboken"]
    text = [str(c) for row in about.iter_rows(values_only=True) for c in row if c]
    assert text[0] == "Om arbetsboken"
    assert "Referens" in text and "Svarets id" in text
    assert any(t.startswith("Utkast ingår inte") for t in text)
