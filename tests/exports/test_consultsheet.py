"""The Samråd sheet, read back with openpyxl: a row per sent message, text kept as text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl import Workbook

from exports.consultsheet import COLUMNS, NOTHING_HERE, ConsultMessage, write_consultations
from exports.workbook import build_org_workbook, build_regional_workbook
from forms import Catalogue
from tests.exports.helpers import ORG_NAMES, has_formula, rows

NAMES = {**ORG_NAMES, "trafikverket": "Trafikverket", "region-blekinge": "Region Blekinge"}
HEADERS = tuple(header for header, _ in COLUMNS)


def message(**changes: Any) -> ConsultMessage:
    values: dict[str, Any] = {
        "thread": 7,
        "role": "comment",
        "org": "karlskrona",
        "plan_reference": "DP-2026-0001",
        "plan_name": "Hästö 4:12",
        "form_title": "Detaljplan",
        "stage": "Samråd",
        "revision": 2,
        "question_number": 2,
        "question": "Stämmer planområdets läge med kollektivtrafikstråken?",
        "consultee": "trafikverket",
        "kind": "atgard",
        "text": "Hållplatsen ligger fel.",
        "sent_at": dt.datetime(2026, 3, 10, 9, 30),  # UTC: 10:30 in Sweden
        "reply_by": dt.date(2026, 3, 31),
    }
    return ConsultMessage(**{**values, **changes})


def thread() -> list[ConsultMessage]:
    handled = {"handled_at": dt.datetime(2026, 3, 20, 12, 0), "handled_note": "Flyttad norrut."}
    return [
        message(**handled),
        message(
            role="reply", kind=None, text="=Vi flyttar den.", sent_at=dt.datetime(2026, 3, 12, 8)
        ),
        message(
            role="correction",
            kind=None,
            text="#N/A",
            withdrawn_at=dt.datetime(2026, 3, 13, 8),
            sent_at=dt.datetime(2026, 3, 12, 9),
        ),
        message(
            thread=9,
            question_number=None,
            question="",
            consultee="region-blekinge",
            kind="synpunkt",
            text="Bra plan i stort.",
        ),
    ]


def written(tmp_path: Path, messages: list[ConsultMessage]) -> tuple[Path, list[tuple]]:
    wb = Workbook(write_only=True)
    count = write_consultations(wb.create_sheet("Samråd"), "Samrad", messages, NAMES)
    assert count == len(messages)
    path = tmp_path / "samrad.xlsx"
    wb.save(path)
    return path, rows(openpyxl.load_workbook(path)["Samråd"])


def test_one_row_per_sent_message_replies_under_svar(tmp_path: Path) -> None:
    path, found = written(tmp_path, thread())
    assert found[0] == HEADERS
    by = {h: n for n, h in enumerate(HEADERS)}
    comment, reply, correction, overall = found[1:]
    assert comment[by["Organisation"]] == "Karlskrona kommun"
    assert comment[by["Remissinstans"]] == "Trafikverket"
    assert comment[by["Typ"]] == "Behöver åtgärdas"
    assert comment[by["Kommentar"]] == "Hållplatsen ligger fel." and comment[by["Svar"]] is None
    assert comment[by["Status"]] == "hanterad"
    assert comment[by["Så hanterades det"]] == "Flyttad norrut."
    assert comment[by["Skickad"]] == dt.datetime(2026, 3, 10, 10, 30)  # Swedish time
    assert comment[by["Svara senast"]] == dt.datetime(2026, 3, 31)
    assert (comment[by["Frågenr"]], comment[by["Version"]], comment[by["Tråd"]]) == (2, 2, 7)
    assert reply[by["Meddelande"]] == "Svar" and reply[by["Kommentar"]] is None
    assert reply[by["Svar"]] == "=Vi flyttar den."  # text, never a formula
    assert correction[by["Meddelande"]] == "Rättelse"
    assert correction[by["Status"]] == "återkallad" and correction[by["Kommentar"]] == "#N/A"
    assert overall[by["Fråga"]] == "Helhetsyttrande" and overall[by["Frågenr"]] is None
    assert overall[by["Status"]] == "öppen" and overall[by["Typ"]] == "Synpunkt"
    assert not has_formula(path)
    table = next(iter(openpyxl.load_workbook(path)["Samråd"].tables.values()))
    assert table.ref == f"A1:T{len(found)}"


def test_no_messages_says_so(tmp_path: Path) -> None:
    wb = Workbook(write_only=True)
    assert write_consultations(wb.create_sheet("Samråd"), "Samrad", [], NAMES) == 0
    wb.save(tmp_path / "empty.xlsx")
    assert rows(openpyxl.load_workbook(tmp_path / "empty.xlsx")["Samråd"])[1][0] == NOTHING_HERE


def nothing(form_id: str) -> list[Any]:
    return []


def test_the_workbooks_gain_the_sheet_when_given(tmp_path: Path, catalogue: Catalogue) -> None:
    region = tmp_path / "region.xlsx"
    summary = build_regional_workbook(region, catalogue, nothing, NAMES, consultations=thread())
    assert summary.consultation_rows == 4
    names = openpyxl.load_workbook(region).sheetnames
    assert names[names.index("Data") :] == ["Data", "Samråd", "Frågor", "Om arbetsboken"]
    own = tmp_path / "own.xlsx"
    build_org_workbook(own, catalogue, nothing, "karlskrona", NAMES, consultations=thread())
    assert openpyxl.load_workbook(own).sheetnames[-2:] == ["Samråd", "Om arbetsboken"]
    without = tmp_path / "without.xlsx"
    build_regional_workbook(without, catalogue, nothing, NAMES)
    assert "Samråd" not in openpyxl.load_workbook(without).sheetnames
