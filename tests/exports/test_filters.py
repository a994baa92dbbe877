"""Every filter: period, organisations, checklists, drafts, in the rule and in the workbook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from exports.filters import ExportFilter, FilterError, parse_date
from exports.workbook import build_regional_workbook
from forms import Catalogue
from tests.exports.helpers import ORG_NAMES, find_row, record, rows

RECORDS = [
    record("karlskrona", "detaljplan", at=dt.datetime(2026, 1, 31, 23, 59), rid="jan"),
    record("karlskrona", "detaljplan", at=dt.datetime(2026, 2, 1, 0, 0), rid="feb1"),
    record("ronneby", "oversiktsplan", at=dt.datetime(2026, 2, 28, 23, 59), rid="feb28"),
    record("ronneby", "detaljplan", at=dt.datetime(2026, 3, 1), rid="mar"),
    record("olofstrom", "detaljplan", status="draft", at=dt.datetime(2026, 2, 10), rid="draft"),
]


def chosen(selection: ExportFilter) -> set[str]:
    return {r.id for r in RECORDS if selection.matches(r)}


def test_default_is_every_submitted_response() -> None:
    assert chosen(ExportFilter()) == {"jan", "feb1", "feb28", "mar"}


def test_period_is_inclusive_whole_days() -> None:
    february = ExportFilter(date_from=dt.date(2026, 2, 1), date_to=dt.date(2026, 2, 28))
    assert chosen(february) == {"feb1", "feb28"}
    assert chosen(ExportFilter(date_from=dt.date(2026, 3, 1))) == {"mar"}
    assert chosen(ExportFilter(date_to=dt.date(2026, 1, 31))) == {"jan"}


def test_drafts_count_by_their_last_change() -> None:
    february = ExportFilter(
        date_from=dt.date(2026, 2, 1), date_to=dt.date(2026, 2, 28), with_drafts=True
    )
    assert chosen(february) == {"feb1", "feb28", "draft"}


def test_organisations_and_checklists() -> None:
    assert chosen(ExportFilter(orgs=frozenset({"ronneby"}))) == {"feb28", "mar"}
    assert chosen(ExportFilter(forms=frozenset({"oversiktsplan"}))) == {"feb28"}
    both = ExportFilter(orgs=frozenset({"ronneby", "olofstrom"}), forms=frozenset({"detaljplan"}))
    assert chosen(both) == {"mar"}
    assert chosen(ExportFilter(orgs=frozenset({"olofstrom"}), with_drafts=True)) == {"draft"}


def test_unusable_filters_say_so_in_swedish() -> None:
    with pytest.raises(FilterError, match="startdatum ligger efter slutdatumet"):
        ExportFilter(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 2, 1))
    with pytest.raises(FilterError, match="ÅÅÅÅ-MM-DD"):
        parse_date("1/2 2026", "Datumet")
    assert parse_date(" 2026-02-01 ", "Datumet") == dt.date(2026, 2, 1)
    assert parse_date("", "Datumet") is None


def test_the_workbook_applies_the_filter(tmp_path: Path, catalogue: Catalogue) -> None:
    """Even a source that yields everything gives only the selection's rows and sheets."""
    selection = ExportFilter(
        date_from=dt.date(2026, 2, 1),
        orgs=frozenset({"karlskrona", "olofstrom"}),
        forms=frozenset({"detaljplan"}),
        with_drafts=True,
    )
    path = tmp_path / "filtered.xlsx"
    summary = build_regional_workbook(
        path, catalogue, lambda form_id: iter(RECORDS), ORG_NAMES, selection
    )
    assert summary.per_form == {"detaljplan": 2}
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [
        "Översikt",
        "Karta Detaljplan",
        "Detaljplan",
        "Data",
        "Frågor",
        "Om arbetsboken",
    ]
    assert [r[-1] for r in rows(wb["Detaljplan"])[1:]] == ["feb1", "draft"]
    overview = wb["Översikt"]
    assert find_row(overview, "Period")[1] == "2026-02-01 – i dag"
    assert find_row(overview, "Organisationer")[1] == "Karlskrona kommun, Olofströms kommun"
    assert find_row(overview, "Checklistor")[1] == "Detaljplan"
    assert find_row(overview, "Svar")[1] == "Inskickade svar och utkast"
    header = find_row(overview, "Organisation")
    listed = [r[0] for r in rows(overview)[rows(overview).index(header) + 2 :]]
    assert listed == ["Karlskrona kommun", "Olofströms kommun"]
    assert header[1] == "Detaljplan"
    assert find_row(overview, "Olofströms kommun")[1:3] == (1, 1)  # one checklist: a draft
    assert {r[3] for r in rows(wb["Frågor"])[1:]} <= {
        s.title for s in catalogue.latest("detaljplan").sections
    }


def test_a_stage_filter_keeps_responses_for_that_stage_only() -> None:
    samrad = record(metadata={"stage": "samrad"}, rid="s")
    granskning = record(metadata={"stage": "granskning"}, rid="g")
    none = record(rid="n")
    selection = ExportFilter(stages=frozenset({"samrad"}))
    assert [r.id for r in (samrad, granskning, none) if selection.matches(r)] == ["s"]
    assert ExportFilter().matches(none)
    lines = dict(selection.describe({}, {}, {"samrad": "Samråd"}))
    assert lines["Skede"] == "Samråd"
    assert "Skede" not in dict(ExportFilter().describe({}, {}))
