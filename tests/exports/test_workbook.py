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
from exports.overview import MISSING, NOT_EXPECTED, NOTHING_MATCHES, WORKBOOK_TITLE
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


EXPECTED = {
    "karlskrona": frozenset({"oversiktsplan", "detaljplan"}),
    "ronneby": frozenset({"oversiktsplan", "detaljplan"}),
    "olofstrom": frozenset({"detaljplan"}),
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
            metadata={"plan_name": "Hästö", "stage": "granskning"},
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
        expected=EXPECTED,
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
        "Data",
        "Frågor",
        "Om arbetsboken",
    ]
    assert wb.properties.title == WORKBOOK_TITLE
    assert wb.properties.creator == CREATOR
    assert wb.properties.created == dt.datetime(2026, 3, 20, 8, 0)


def test_overview_is_organisations_by_checklists(built: tuple[Path, Any]) -> None:
    ws = built[1]["Översikt"]
    assert find_row(ws, "Antal checklistor i urvalet")[1] == 3
    assert find_row(ws, "Skapad")[1] == "2026-03-20 09:00"  # Swedish time
    names = find_row(ws, "Organisation")
    assert names[1::3] == ("Översiktsplan", "Detaljplan", "Trafikförsörjningsprogram")
    sub = rows(ws)[rows(ws).index(names) + 1]
    assert sub[1:4] == ("antal", "senaste skede", "senast inskickad")
    # Columns: ÖP count, stage, date | DP count, stage, date | TFP count, stage, date.
    k = find_row(ws, "Karlskrona kommun")
    assert k[1] == MISSING  # expected, none sent in
    assert k[4:7] == (2, "Granskning", dt.datetime(2026, 3, 12))  # latest: 15:00 Swedish time
    assert k[7] == NOT_EXPECTED
    r = find_row(ws, "Ronneby kommun")
    assert r[4:7] == (1, None, dt.datetime(2026, 3, 10))  # the draft is not counted
    o = find_row(ws, "Olofströms kommun")
    assert (o[1], o[4], o[7]) == (NOT_EXPECTED, MISSING, NOT_EXPECTED)
    # No column that is always zero: drafts get one only when they are included.
    assert not any("utkast" in str(c) for c in sub)
    assert NOTHING_MATCHES not in [c for row in rows(ws) for c in row]
    missing = next(c for c in ws["B"] if c.value == MISSING)
    assert missing.font.b and missing.fill.fgColor.rgb.endswith("FCE4D6")
    quiet = next(c for c in ws["B"] if c.value == NOT_EXPECTED)
    assert quiet.font.i and quiet.fill.fgColor.rgb.endswith("EDEDED")


def test_overview_counts_drafts_only_when_included(tmp_path: Path, catalogue: Catalogue) -> None:
    path = tmp_path / "drafts.xlsx"
    selection = ExportFilter(with_drafts=True)
    build_regional_workbook(
        path, catalogue, source(example()), ORG_NAMES, selection, expected=EXPECTED
    )
    ws = openpyxl.load_workbook(path)["Översikt"]
    names = find_row(ws, "Organisation")
    sub = rows(ws)[rows(ws).index(names) + 1]
    assert sub[5:9] == ("antal", "varav utkast", "senaste skede", "senast inskickad")
    assert find_row(ws, "Ronneby kommun")[5:7] == (2, 1)


def test_heat_map_scores_match_a_hand_computed_example(built: tuple[Path, Any]) -> None:
    ws = built[1]["Karta Detaljplan"]
    header = find_row(ws, "Nr")
    # Every expected organisation has a column (Olofström, empty), each score with its count.
    assert header[1:] == (
        "Fråga",
        "Karlskrona kommun",
        "antal svar",
        "Ronneby kommun",
        "antal svar",
        "Olofströms kommun",
        "antal svar",
        "Länet (medel av organisationerna)",
    )
    assert find_row(ws, "Antal checklistor", column=2)[2:9] == (2, None, 1, None, None, None, 3)
    # Item 1: Karlskrona Ja, Ja -> 1 from 2; Ronneby Delvis -> ½ from 1. The county is the
    # mean of the organisations (¾), not of the three answers (which would give 5/6).
    assert find_row(ws, 1)[2:9] == (1, 2, 0.5, 1, None, None, 0.75)
    # Item 2: Karlskrona Nej, Ej aktuellt (left out) -> 0 from 1; Ronneby Ja -> 1 from 1.
    assert find_row(ws, 2)[2:9] == (0, 1, 1, 1, None, None, 0.5)
    # Unanswered items are empty cells, not 0.
    assert find_row(ws, 3)[2:9] == (None,) * 7
    cells = next(r for r in ws.iter_rows() if r[0].value == 1)
    assert cells[2].number_format == "0.00"
    assert "Ja = 1, Delvis = ½, Nej = 0" in " ".join(str(r[0]) for r in rows(ws)[:5])
    rules = list(ws.conditional_formatting)
    assert rules[0].rules[0].type == "colorScale"
    # The colour scale covers the score columns (C, E, G and the county's I), not the counts.
    assert {part[0] for part in str(rules[0].sqref).split()} == {"C", "E", "G", "I"}


def test_section_table_and_chart_compare_the_organisations(built: tuple[Path, Any]) -> None:
    path, wb = built
    ws = wb["Karta Detaljplan"]
    assert len(ws._charts) == 1
    table_header = find_row(ws, "Avsnitt", column=2)
    assert table_header[2] == "Karlskrona kommun"  # headers above the values
    below = rows(ws)[rows(ws).index(table_header) :]
    section = next(r for r in below if r[1] == "Lokalisering och resor")
    # Karlskrona Ja, Nej, Ja (Ej aktuellt left out) -> 2/3 from 3; Ronneby Delvis, Ja -> ¾.
    assert section[2:9] == pytest.approx((2 / 3, 3, 0.75, 2, None, None, (2 / 3 + 0.75) / 2))
    assert ws.column_dimensions["B"].width >= 40  # section names fit
    with zipfile.ZipFile(path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1  # only Detaljplan has answers
        xml = archive.read(charts[0]).decode()
    assert "barChart" in xml and 'val="clustered"' in xml
    assert xml.count("<ser>") == 3  # one series per organisation column
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
    assert header[:5] == ["Organisation", "Planens namn", "Referens", "Status", "Inskickat"]
    assert header[-1] == "Svarets id"
    table = ws.tables["Svar_detaljplan"]
    assert table.ref == f"A1:{get_column_letter(len(columns))}4"  # header + 3 submitted
    assert [c.name for c in table.tableColumns] == header
    assert ws.freeze_panes == "C2"  # organisation and plan name stay in view

    row = {k: c for k, c in zip(keys, ws[2], strict=True)}
    assert row["response_id"].value == "k1"
    assert row["reference"].value == "k1"  # the response id until plans have numbers
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


def test_data_sheet_is_one_row_per_response_and_question(
    built: tuple[Path, Any], catalogue: Catalogue
) -> None:
    ws = built[1]["Data"]
    header = rows(ws)[0]
    assert header == (
        "Organisation",
        "Plan",
        "Referens",
        "Checklista",
        "Skede",
        "Inskickad",
        "Avsnitt",
        "Frågans nr",
        "Fråga",
        "Svar",
        "Poäng",
        "Kommentar",
    )
    items = catalogue.latest("detaljplan").item_count
    assert len(rows(ws)) == 1 + 3 * items  # three submitted responses, every question
    assert ws.tables["Data"].ref == f"A1:L{1 + 3 * items}"
    first = rows(ws)[1]
    assert first[:6] == (
        "Karlskrona kommun",
        FORMULAS["plan_name"],
        "k1",
        "Detaljplan",
        "Samråd",
        dt.datetime(2026, 3, 10),
    )
    assert first[6:] == (
        "Lokalisering och resor",
        1,
        catalogue.latest("detaljplan").find_item(I1).question,
        "Ja",
        1,
        "-2+3",
    )
    assert ws.cell(row=2, column=2).data_type == "s"  # formula-looking text stays text
    delvis = next(r for r in rows(ws) if r[2] == "r1" and r[7] == 1)
    assert delvis[9:11] == ("Delvis", 0.5)
    not_relevant = next(r for r in rows(ws) if r[2] == "k2" and r[7] == 2)
    assert not_relevant[9:11] == ("Ej aktuellt", None)
    unanswered = next(r for r in rows(ws) if r[2] == "k2" and r[7] == 3)
    assert unanswered[9:] == (None, None, None)


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
    assert find_row(wb["Översikt"], "Antal checklistor i urvalet")[1] == 0
    assert rows(wb["Detaljplan"])[1][0] == NOTHING_HERE
    assert not wb["Detaljplan"].tables
    assert rows(wb["Karta Detaljplan"])[1][0].startswith("Inga svar i urvalet")
    assert rows(wb["Data"])[1][0] == "Inga svar i urvalet."


def test_organisation_workbook_has_only_its_own_submitted_rows(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    path = tmp_path / "own.xlsx"
    summary = build_org_workbook(path, catalogue, source(example()), "ronneby", ORG_NAMES)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [
        "Översiktsplan",
        "Detaljplan",
        "Trafikförsörjningsprogram",
        "Om arbetsboken",
    ]
    ids = [r[-1] for r in rows(wb["Detaljplan"])[1:]]
    assert ids == ["r1"]  # the draft stays in the service, as in the mirror
    assert summary.responses == 1
    header = [c.value for c in wb["Detaljplan"][1]]
    assert header == [c.header for c in layout(catalogue.versions("detaljplan"))]
    about = [c for row in rows(wb["Om arbetsboken"]) for c in row if c]
    assert any(str(c).startswith("Utkast ingår inte") for c in about)
    assert "version 1" in about


def test_data_sheet_stops_at_excels_last_row_and_says_so(
    tmp_path: Path, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    import exports.datasheet

    monkeypatch.setattr(exports.datasheet, "MAX_ROWS", 10)  # as if a sheet held 12 rows
    path = tmp_path / "cut.xlsx"
    build_regional_workbook(path, catalogue, source(example()), ORG_NAMES)
    data = rows(openpyxl.load_workbook(path)["Data"])
    assert len(data) == 1 + 10 + 1
    assert data[-1][0] == exports.datasheet.TOO_MANY
    assert openpyxl.load_workbook(path)["Data"].tables["Data"].ref == "A1:L11"
