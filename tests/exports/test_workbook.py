"""The regional workbook read back with openpyxl: values, types, tables, chart, shares."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from exports.columns import layout
from exports.filters import ExportFilter
from exports.overview import NOTHING_MATCHES, WORKBOOK_TITLE
from exports.records import ResponseRecord
from exports.responsesheet import NOTHING_HERE
from exports.workbook import CREATOR, build_org_workbook, build_regional_workbook
from forms import Catalogue
from tests.exports.helpers import ORG_NAMES, find_row, has_formula, record, rows

I1, I2 = "dp_natpaverkan", "dp_op_strak"  # the first section's two items
FORMULAS = {
    "plan_name": '=HYPERLINK("http://example.com","klicka")',
    "property": "+46 cmd",
    "diarienummer": "#N/A",
}


def example() -> list[ResponseRecord]:
    """Hand-computed below: two Karlskrona responses, one Ronneby response and a draft."""
    return [
        record(
            "karlskrona",
            answers={I1: "ja", I2: "nej"},
            comments={I1: "-2+3", I2: "@SUM(A1:A9)"},
            metadata={**FORMULAS, "date": "2026-03-01", "homes": "120", "stage": "samrad"},
            at=dt.datetime(2026, 3, 10, 9, 30),
            rid="k1",
        ),
        record(
            "karlskrona",
            answers={I1: "ja", I2: "ej_aktuellt"},
            at=dt.datetime(2026, 3, 12, 14, 0),
            rid="k2",
        ),
        record("ronneby", answers={I1: "delvis", I2: "ja"}, rid="r1"),
        record("ronneby", answers={I1: "nej", I2: "nej"}, status="draft", rid="r2"),
    ]


def source(records: Iterable[ResponseRecord]) -> Any:
    items = list(records)
    return lambda form_id: (r for r in items if r.form_id == form_id)


@pytest.fixture
def built(tmp_path: Path, catalogue: Catalogue) -> tuple[Path, Any]:
    path = tmp_path / "region.xlsx"
    build_regional_workbook(
        path,
        catalogue,
        source(example()),
        ORG_NAMES,
        created=dt.datetime(2026, 3, 20, 8, 0),
    )
    return path, openpyxl.load_workbook(path)


def test_sheets_and_properties(built: tuple[Path, Any]) -> None:
    _, wb = built
    assert wb.sheetnames == [
        "Översikt",
        "Karta Översiktsplan",
        "Översiktsplan",
        "Karta Detaljplan",
        "Detaljplan",
        "Karta Trafikförsörjningsprogram",
        "Trafikförsörjningsprogram",
        "Frågor",
    ]
    assert wb.properties.title == WORKBOOK_TITLE
    assert wb.properties.creator == CREATOR
    assert wb.properties.created == dt.datetime(2026, 3, 20, 8, 0)


def test_overview_counts_and_shares(built: tuple[Path, Any]) -> None:
    ws = built[1]["Översikt"]
    assert find_row(ws, "Antal svar i urvalet")[1] == 3
    # Karlskrona: Ja, Nej, Ja, Ej aktuellt -> 50 % Ja, 0 % Delvis, 25 % Nej, 25 % Ej aktuellt.
    by_org = {r[0]: r for r in rows(ws) if r[1] == "Detaljplan"}
    k = by_org["Karlskrona kommun"]
    assert k[2:5] == (2, 0, dt.datetime(2026, 3, 12, 15, 0))  # 14:00 UTC is 15:00 in Sweden
    assert k[5:10] == (0.5, 0, 0.25, 0.25, 4)
    r = by_org["Ronneby kommun"]
    assert r[2:4] == (1, 0)  # the draft is not counted without drafts
    assert r[5:9] == (0.5, 0.5, 0, 0)
    o = by_org["Olofströms kommun"]
    assert o[2:5] == (0, 0, None)
    assert o[5:9] == (None, None, None, None)
    assert NOTHING_MATCHES not in [c for row in rows(ws) for c in row]


def test_heat_map_shares_match_a_hand_computed_example(built: tuple[Path, Any]) -> None:
    ws = built[1]["Karta Detaljplan"]
    header = find_row(ws, "Nr")
    assert header[1:] == ("Fråga", "Karlskrona kommun", "Ronneby kommun", "Alla organisationer")
    assert find_row(ws, "Antal svar", column=2)[2:5] == (2, 1, 3)
    # Item 1: Karlskrona Ja, Ja; Ronneby Delvis -> 100 %, 0 %, all 2/3.
    one = find_row(ws, 1)
    assert one[2:4] == (1, 0)
    assert one[4] == pytest.approx(2 / 3)
    # Item 2: Karlskrona Nej, Ej aktuellt (not counted); Ronneby Ja -> 0 %, 100 %, all 1/2.
    assert find_row(ws, 2)[2:5] == (0, 1, 0.5)
    # Unanswered items are empty cells, not 0 %.
    assert find_row(ws, 3)[2:5] == (None, None, None)
    cells = next(r for r in ws.iter_rows() if r[0].value == 1)
    assert cells[2].number_format == "0%"
    rules = list(ws.conditional_formatting)
    assert len(rules) == 1 and rules[0].rules[0].type == "colorScale"
    assert str(rules[0].sqref).startswith("C6:E")


def test_chart_per_checklist_from_section_shares(built: tuple[Path, Any]) -> None:
    path, wb = built
    ws = wb["Karta Detaljplan"]
    assert len(ws._charts) == 1
    section = find_row(ws, "Lokalisering och resor")
    # Section 1 holds Ja 3, Delvis 1, Nej 1, Ej aktuellt 1 of 6 answers.
    assert section[1:5] == pytest.approx((0.5, 1 / 6, 1 / 6, 1 / 6))
    with zipfile.ZipFile(path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1  # only Detaljplan has answers
        xml = archive.read(charts[0]).decode()
    assert "barChart" in xml and 'val="percentStacked"' in xml
    assert "'Karta Detaljplan'!" in xml


def test_response_sheet_values_types_and_table(
    built: tuple[Path, Any], catalogue: Catalogue
) -> None:
    path, wb = built
    ws = wb["Detaljplan"]
    columns = layout(catalogue.versions("detaljplan"))
    header = [c.value for c in ws[1]]
    keys = [c.key for c in columns]
    assert len(header) == len(columns)
    assert header[:4] == ["Svarets id", "Organisation", "Status", "Inskickat"]
    table = ws.tables["Svar_detaljplan"]
    assert table.ref == f"A1:{get_column_letter(len(columns))}4"  # header + 3 submitted
    assert [c.name for c in table.tableColumns] == header
    assert ws.freeze_panes == "B2"

    row = {k: c for k, c in zip(keys, ws[2], strict=True)}
    assert row["response_id"].value == "k1"
    assert row["org"].value == "Karlskrona kommun"
    assert row["status"].value == "Inskickat"
    assert row["submitted_at"].value == dt.datetime(2026, 3, 10, 10, 30)
    assert row["submitted_at"].is_date
    assert row["meta:date"].value == dt.datetime(2026, 3, 1)
    assert row["meta:date"].number_format == "yyyy-mm-dd"
    assert row["meta:homes"].value == 120 and row["meta:homes"].data_type == "n"
    assert row["meta:stage"].value == "Samråd"  # the label, not the code
    assert row[f"item:{I1}"].value == "Ja"
    for key, text in [
        *((f"meta:{k}", v) for k, v in FORMULAS.items()),
        (f"comment:{I1}", "-2+3"),
        (f"comment:{I2}", "@SUM(A1:A9)"),
    ]:
        assert row[key].value == text, key
        assert row[key].data_type == "s", key
    assert not has_formula(path)


def test_codebook_lists_every_item(built: tuple[Path, Any], catalogue: Catalogue) -> None:
    ws = built[1]["Frågor"]
    total = sum(f.item_count for f in catalogue.current())
    assert ws.tables["Fragor"].ref == f"A1:H{total + 1}"
    first = find_row(ws, I1, column=3)
    assert first[:7] == (
        "Detaljplan",
        1,
        I1,
        "Lokalisering och resor",
        catalogue.latest("detaljplan").find_item(I1).question,
        "1",
        "Ja",
    )


def test_empty_period_gives_a_valid_workbook_that_says_so(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    path = tmp_path / "empty.xlsx"
    selection = ExportFilter(date_from=dt.date(2030, 1, 1), date_to=dt.date(2030, 12, 31))
    summary = build_regional_workbook(path, catalogue, source(example()), ORG_NAMES, selection)
    assert summary.responses == 0
    wb = openpyxl.load_workbook(path)
    overview = [c for row in rows(wb["Översikt"]) for c in row]
    assert NOTHING_MATCHES in overview
    assert "2030-01-01 – 2030-12-31" in overview
    assert find_row(wb["Översikt"], "Antal svar i urvalet")[1] == 0
    assert rows(wb["Detaljplan"])[1][0] == NOTHING_HERE
    assert not wb["Detaljplan"].tables
    assert rows(wb["Karta Detaljplan"])[1][0].startswith("Inga svar i urvalet")


def test_organisation_workbook_has_only_its_own_rows(tmp_path: Path, catalogue: Catalogue) -> None:
    path = tmp_path / "own.xlsx"
    summary = build_org_workbook(path, catalogue, source(example()), "ronneby", ORG_NAMES)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Översiktsplan", "Detaljplan", "Trafikförsörjningsprogram"]
    ids = [r[0] for r in rows(wb["Detaljplan"])[1:]]
    assert ids == ["r1", "r2"]  # drafts included: it is the organisation's own work
    assert summary.responses == 2
    header = [c.value for c in wb["Detaljplan"][1]]
    assert header == [c.header for c in layout(catalogue.versions("detaljplan"))]
