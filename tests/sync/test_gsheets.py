"""The Google Sheets mirror, run with the real gspread and google-auth against the fake."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from service.models import OutboxEntry
from service.runtime import runtime_of, settings_of
from service.sync.google import Pacer
from support.sheets_fake import FakeSheets
from tests.sync.conftest import KARLSKRONA, RONNEBY, google_worker, rows
from tests.sync.helpers import later, submit

FORMULAS = ['=HYPERLINK("http://evil.example","klicka")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)"]


class Killed(BaseException):
    pass


def pending(app: Flask) -> int:
    with runtime_of(app).session() as db:
        return int(db.scalar(select(func.count()).select_from(OutboxEntry)) or 0)


def test_real_token_flow_and_one_row_per_response(gapp: Flask, fake: FakeSheets) -> None:
    first, second = submit(gapp), submit(gapp)
    results = google_worker(gapp, fake).run_once()
    assert [(r.target, r.outcome) for r in results] == [("karlskrona", "written")]
    assert fake.token_requests == 1  # the signed JWT was verified with the test's key
    assert [r["response_id"] for r in rows(fake)] == [first, second]
    assert rows(fake)[0]["revision"] == 1 and rows(fake)[0]["status"] == "Inskickat"
    sheet = fake.spreadsheets[KARLSKRONA].sheet("Detaljplan")
    assert sheet.hidden_rows == {0} and sheet.frozen == 2
    assert fake.values(KARLSKRONA, "Detaljplan")[1][0] == "Organisation"
    assert set(fake.input_options) == {"RAW"}


def test_formula_looking_answers_are_text(gapp: Flask, fake: FakeSheets) -> None:
    for text in FORMULAS:
        submit(gapp, comment=text)
    google_worker(gapp, fake).run_once()
    cells = fake.spreadsheets[KARLSKRONA].sheet("Detaljplan").cells.values()
    found = [c for c in cells if c.value in FORMULAS]
    assert sorted(c.value for c in found) == sorted(FORMULAS)
    assert not any(c.formula for c in cells)


def test_exactly_once_under_injected_faults(gapp: Flask, fake: FakeSheets) -> None:
    ids = [submit(gapp, comment=f"Svar {n}") for n in range(6)]
    fake.inject("503", match="GET /v4/spreadsheets/sheet-karlskrona")
    fake.inject("500", match="values:batchGet")
    fake.inject("429", match="values:batchUpdate", retry_after="7")
    fake.inject("reset_after", match="values:batchUpdate")
    fake.inject("slow", match="values:batchUpdate", delay=2.5)
    sleeps: list[float] = []
    google_worker(gapp, fake, sleeps).run_once()
    # The slow write lands after the client gave up on it; it must land before the next
    # revisions are written, or it would put revision 1 back (README: Google Sheets).
    fake.wait_for_late_writes()
    submit(gapp, comment="Ändrad", response_id=ids[1])
    submit(gapp, comment="Ändrad", response_id=ids[4])
    fake.inject("reset", match="values:batchUpdate")
    fake.inject("500", match="values:batchUpdate", count=2)
    for _ in range(5):
        if not pending(gapp):
            break
        google_worker(gapp, fake, sleeps).run_once(force=True)
    assert pending(gapp) == 0
    mirrored = rows(fake)
    assert sorted(r["response_id"] for r in mirrored) == sorted(ids)  # each exactly once
    latest = {r["response_id"]: r["revision"] for r in mirrored}
    assert latest == {rid: 2 if rid in (ids[1], ids[4]) else 1 for rid in ids}
    assert any(6.9 < s <= 7 for s in sleeps)  # Retry-After honoured


def test_kill_between_write_and_ack_then_restart(gapp: Flask, fake: FakeSheets) -> None:
    ids = [submit(gapp) for _ in range(3)]

    def die(_target: str) -> None:
        raise Killed

    with pytest.raises(Killed):
        google_worker(gapp, fake, after_write=die, owner="elsewhere:1").run_once()
    assert pending(gapp) == 3
    assert google_worker(gapp, fake, now=later(11)).run_once()[0].outcome == "written"
    assert sorted(r["response_id"] for r in rows(fake)) == sorted(ids)


def test_sorted_sheet_with_peoples_columns_updates_the_right_row(
    gapp: Flask, fake: FakeSheets
) -> None:
    ids = [submit(gapp, comment=f"Svar {n}") for n in range(4)]
    google_worker(gapp, fake).run_once()
    width = len(fake.values(KARLSKRONA, "Detaljplan")[0])
    fake.set_cell(KARLSKRONA, "Detaljplan", 1, width, "Egen anteckning")
    for row in range(2, 6):
        rid = fake.values(KARLSKRONA, "Detaljplan")[row][0]
        fake.set_cell(KARLSKRONA, "Detaljplan", row, width, f"not om {rid}")
    fake.sort_rows(KARLSKRONA, "Detaljplan", first_row=2, column=0, reverse=True)
    order = [r["response_id"] for r in rows(fake)]

    submit(gapp, comment="Ändrad", response_id=ids[2])
    google_worker(gapp, fake).run_once()

    values = fake.values(KARLSKRONA, "Detaljplan")
    assert [r["response_id"] for r in rows(fake)] == order  # no new row, order kept
    assert values[1][width] == "Egen anteckning"
    for row in values[2:]:
        assert row[width] == f"not om {row[0]}"
    edited = next(r for r in rows(fake) if r["response_id"] == ids[2])
    assert edited["revision"] == 2 and "Ändrad" in edited.values()


def test_parked_target_reports_reason_and_does_not_block_others(
    gapp: Flask, fake: FakeSheets
) -> None:
    fake.spreadsheets[RONNEBY].shared = False
    submit(gapp, org="ronneby")
    mine = submit(gapp)
    local = submit(gapp, org="karlshamn")
    results = {r.target: r for r in google_worker(gapp, fake).run_once()}
    assert results["ronneby"].outcome == "parked"
    assert "inte delat" in results["ronneby"].reason
    assert fake.client_email in results["ronneby"].reason
    assert results["karlskrona"].outcome == "written"
    assert results["karlshamn"].outcome == "written"  # the local workbook beside Google
    assert [r["response_id"] for r in rows(fake)] == [mine]
    assert local

    fake.spreadsheets[RONNEBY].shared = True
    results = {r.target: r for r in google_worker(gapp, fake).run_once(force=True)}
    assert results["ronneby"].outcome == "written"
    assert len(rows(fake, RONNEBY)) == 1


def test_bad_credentials_park_the_target(gapp: Flask, fake: FakeSheets, tmp_path: Path) -> None:
    other = FakeSheets()  # a different key, not known to the token endpoint
    key = other.key_file(token_uri=f"{fake.base_url}/token")
    other.server.server_close()
    Path(str(settings_of(gapp).google_credentials)).write_text(json.dumps(key))
    submit(gapp)
    result = google_worker(gapp, fake).run_once()[0]
    assert result.outcome == "parked" and "nyckel" in result.reason


def test_a_failed_structural_change_is_not_repeated_blindly(gapp: Flask, fake: FakeSheets) -> None:
    submit(gapp)
    fake.inject("500", match=f"{KARLSKRONA}:batchUpdate")
    assert google_worker(gapp, fake).run_once()[0].outcome == "failed"
    assert sum(line.endswith(":batchUpdate") for line in fake.log) == 1
    assert google_worker(gapp, fake).run_once(force=True)[0].outcome == "written"
    titles = [s.title for s in fake.spreadsheets[KARLSKRONA].sheets]
    assert titles.count("Detaljplan") == 1


def test_api_calls_per_pass_do_not_grow_with_responses(gapp: Flask, fake: FakeSheets) -> None:
    for _ in range(2):
        submit(gapp)
    google_worker(gapp, fake).run_once()  # creates the worksheet
    calls = []
    for count in (2, 40):
        for _ in range(count):
            submit(gapp)
        before = fake.api_calls()
        google_worker(gapp, fake).run_once()
        calls.append(fake.api_calls() - before)
    assert calls[0] == calls[1] == 4  # metadata, key rows, the bound sheet, one write
    assert len(rows(fake)) == 44


def test_pacer_keeps_writes_under_the_quota() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(60, clock=lambda: now[0], sleep=sleep)
    for _ in range(60):
        pacer.wait("write")
        now[0] += 0.1
    assert slept == []
    pacer.wait("write")
    assert slept and 53 < slept[0] <= 60
    pacer.wait("read")  # reads have their own budget
    assert len(slept) == 1


def test_new_columns_are_inserted_before_peoples_columns(gapp: Flask, fake: FakeSheets) -> None:
    from exports.columns import Column
    from service.sync import google
    from service.sync.mirror import RowUpdate, SheetBatch
    from service.sync.sinks.gsheets import GoogleSheetSink

    client = google.connect(str(settings_of(gapp).google_credentials), adapter=fake.adapter())
    sink = GoogleSheetSink(client, KARLSKRONA)
    old = [Column("response_id", "Svarets id", "fixed"), Column("revision", "Version", "fixed")]
    sink.write(
        [SheetBatch("Blad", old, [RowUpdate("r1", 1, {"response_id": "r1", "revision": 1})])]
    )
    fake.set_cell(KARLSKRONA, "Blad", 1, 2, "Egen")
    fake.set_cell(KARLSKRONA, "Blad", 2, 2, "min not")
    new = [*old, Column("item:x", "9. Ny fråga", "answer", "x")]
    update = RowUpdate("r1", 2, {"response_id": "r1", "revision": 2, "item:x": "Ja"})
    sink.write([SheetBatch("Blad", new, [update])])
    assert fake.values(KARLSKRONA, "Blad") == [
        ["response_id", "revision", "item:x", "form:Blad"],  # the binding moves along
        ["Svarets id", "Version", "9. Ny fråga", "Egen"],
        ["r1", 2, "Ja", "min not"],
    ]
