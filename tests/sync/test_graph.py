"""The Microsoft 365 mirror, run with the real msal and requests against the Graph fake."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import func, select

from service import create_app
from service.models import OutboxEntry
from service.runtime import runtime_of, settings_of
from service.sync.cli import sync
from support.graph_fake import FakeGraph, Workbook
from support.graph_tls import self_signed
from tests.sync.helpers import later, submit, worker

DRIVE = "b!Q2xvdWQtZHJpdmUtaWQtZm9yLWthcmxza3JvbmE"
KARLSKRONA, RONNEBY = "01KARLSKRONAWORKBOOK", "01RONNEBYWORKBOOK"
SHARED = "https://blekinge.sharepoint.com/:x:/s/planering/EaBcD123?e=xyz"
FORMULAS = ['=HYPERLINK("http://evil.example","klicka")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)"]


class Killed(BaseException):
    pass


@pytest.fixture
def fake() -> Iterator[FakeGraph]:
    server = FakeGraph().start()
    server.create(DRIVE, KARLSKRONA)
    server.create(DRIVE, RONNEBY, sharing_url=SHARED)
    yield server
    server.stop()


def graph_app(tmp_path: Path, fake: FakeGraph, **config: Any) -> Flask:
    orgs = tmp_path / "organisations.yaml"
    orgs.write_text(
        "organisations:\n"
        "  - {slug: karlskrona, name: Karlskrona kommun, kind: municipality,"
        f" spreadsheet: {{drive_id: '{DRIVE}', item_id: {KARLSKRONA}}}}}\n"
        "  - {slug: ronneby, name: Ronneby kommun, kind: municipality,"
        f" spreadsheet: {{kind: microsoft, sharing_url: '{SHARED}'}}}}\n"
        "  - {slug: karlshamn, name: Karlshamns kommun, kind: municipality}\n",
        encoding="utf-8",
    )
    return create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'test.db'}",
            "ORGANISATIONS": str(orgs),
            **fake.config(),
            **config,
        }
    )


@pytest.fixture
def mapp(tmp_path: Path, fake: FakeGraph) -> Flask:
    return graph_app(tmp_path, fake)


def book(fake: FakeGraph, item: str = KARLSKRONA) -> Workbook:
    return fake.books[(DRIVE, item)]


def bound_sheet(fake: FakeGraph, form_id: str = "detaljplan", item: str = KARLSKRONA) -> Any:
    binding = f"form:{form_id}"
    sheets = [
        s
        for s in book(fake, item).sheets
        if any(r == 0 and c.value == binding for (r, _), c in s.cells.items())
    ]
    assert len(sheets) == 1, [s.name for s in book(fake, item).sheets]
    return sheets[0]


def rows(fake: FakeGraph, form_id: str = "detaljplan", item: str = KARLSKRONA) -> list[dict]:
    values = bound_sheet(fake, form_id, item).values()
    keys = values[0]
    return [{k: v for k, v in zip(keys, row, strict=False) if k} for row in values[2:]]


def pending(app: Flask) -> int:
    with runtime_of(app).session() as db:
        return int(db.scalar(select(func.count()).select_from(OutboxEntry)) or 0)


def test_real_token_flow_and_one_row_per_response(mapp: Flask, fake: FakeGraph) -> None:
    first, second = submit(mapp), submit(mapp)
    results = worker(mapp).run_once()
    assert [(r.target, r.outcome) for r in results] == [("karlskrona", "written")]
    assert fake.entra.token_requests == 1  # MSAL's client-credentials grant, secret checked
    assert [r["response_id"] for r in rows(fake)] == [first, second]
    assert rows(fake)[0]["revision"] == 1 and rows(fake)[0]["status"] == "Inskickat"
    sheet = bound_sheet(fake)
    assert sheet.name == "Detaljplan" and sheet.hidden_rows == {0} and sheet.bold_rows == {1}
    assert sheet.values()[1][0] == "Organisation" and "Svarets id" in sheet.values()[1]
    assert not book(fake).sessions  # the workbook session was closed


def test_dates_are_dates_and_text_is_text(mapp: Flask, fake: FakeGraph) -> None:
    for text in FORMULAS:
        submit(mapp, comment=text)
    worker(mapp).run_once()
    sheet = bound_sheet(fake)
    cells = list(sheet.cells.values())
    found = [c for c in cells if c.value in FORMULAS]
    assert sorted(c.value for c in found) == sorted(FORMULAS)
    assert all(c.number_format == "@" for c in found)
    assert not any(c.formula for c in cells)
    keys = sheet.values()[0]
    submitted = sheet.cells[(2, keys.index("submitted_at"))]
    assert isinstance(submitted.value, float) and submitted.value > 46_000  # a serial date
    assert submitted.number_format == "yyyy-mm-dd hh:mm"
    assert sheet.cells[(2, keys.index("revision"))].value == 1


def test_sharing_url_is_resolved_once(mapp: Flask, fake: FakeGraph) -> None:
    mine = submit(mapp, org="ronneby")
    run = worker(mapp)
    assert run.run_once()[0].outcome == "written"
    submit(mapp, org="ronneby")
    assert run.run_once()[0].outcome == "written"
    assert sum("/shares/" in line for line in fake.log) == 1
    assert rows(fake, item=RONNEBY)[0]["response_id"] == mine


def test_exactly_once_under_injected_faults(mapp: Flask, fake: FakeGraph) -> None:
    ids = [submit(mapp, comment=f"Svar {n}") for n in range(6)]
    fake.inject("503", match="createSession", retry_after="2")
    fake.inject("429", match="usedRange", retry_after="7")  # inside a $batch
    fake.inject("reset", match="$batch")
    fake.inject("slow", match="worksheets?", delay=5)  # past the timeout
    sleeps: list[float] = []
    worker(mapp, sleep=sleeps.append).run_once()
    submit(mapp, comment="Ändrad", response_id=ids[1])
    submit(mapp, comment="Ändrad", response_id=ids[4])
    fake.inject("reset_after", match="$batch", count=3)
    fake.inject("429", match="range(address='A", retry_after="3", count=2)
    for _ in range(6):
        if not pending(mapp):
            break
        worker(mapp, sleep=sleeps.append).run_once(force=True)
    assert pending(mapp) == 0
    assert [f.count for f in fake.faults] == [0] * len(fake.faults)  # every fault happened
    mirrored = rows(fake)
    assert sorted(r["response_id"] for r in mirrored) == sorted(ids)  # each exactly once
    latest = {r["response_id"]: r["revision"] for r in mirrored}
    assert latest == {rid: 2 if rid in (ids[1], ids[4]) else 1 for rid in ids}
    assert any(6.9 < s <= 7 for s in sleeps) and 2 in sleeps  # Retry-After honoured
    assert len([s for s in book(fake).sheets if s.name.casefold() == "detaljplan"]) == 1


def test_a_new_worksheet_is_not_added_twice_when_the_answer_is_lost(
    mapp: Flask, fake: FakeGraph
) -> None:
    submit(mapp)
    fake.inject("reset_after", match="$batch", skip=1)  # the writes, with worksheets/add
    assert worker(mapp).run_once()[0].outcome == "failed"
    assert sum(line.startswith("POST /$batch") for line in fake.log) == 2  # not repeated
    fake.inject("429", match="worksheets/add", retry_after="1")  # throttled inside $batch
    submit(mapp, form_id="oversiktsplan")
    assert worker(mapp).run_once(force=True)[0].outcome == "written"
    names = [s.name for s in book(fake).sheets]
    assert sorted(names) == ["Blad1", "Detaljplan", "Översiktsplan"]
    assert len(rows(fake)) == 1 and len(rows(fake, "oversiktsplan")) == 1


def test_kill_between_write_and_ack_then_restart(mapp: Flask, fake: FakeGraph) -> None:
    ids = [submit(mapp) for _ in range(3)]

    def die(_target: str) -> None:
        raise Killed

    with pytest.raises(Killed):
        worker(mapp, after_write=die, owner="elsewhere:1").run_once()
    assert pending(mapp) == 3
    assert worker(mapp, now=later(11)).run_once()[0].outcome == "written"
    assert sorted(r["response_id"] for r in rows(fake)) == sorted(ids)


def test_hand_edits_survive_and_the_right_row_is_updated(mapp: Flask, fake: FakeGraph) -> None:
    ids = [submit(mapp, comment=f"Svar {n}") for n in range(4)]
    worker(mapp).run_once()
    sheet = bound_sheet(fake)
    width = len(sheet.values()[0])
    fake.set_cell(book(fake), sheet.name, 1, width, "Egen anteckning")
    for row in range(2, 6):
        fake.set_cell(book(fake), sheet.name, row, width, f"not om {sheet.values()[row][0]}")
    fake.sort_rows(book(fake), sheet.name, first_row=2, column=0, reverse=True)
    sheet.name = "Våra detaljplaner"  # a person renames the tab: the binding still finds it
    order = [r["response_id"] for r in rows(fake)]

    submit(mapp, comment="Ändrad", response_id=ids[2])
    worker(mapp).run_once()

    values = bound_sheet(fake).values()
    assert [r["response_id"] for r in rows(fake)] == order  # no new row, order kept
    assert values[1][width] == "Egen anteckning"
    for row in values[2:]:
        assert row[width] == f"not om {row[0]}"
    edited = next(r for r in rows(fake) if r["response_id"] == ids[2])
    assert edited["revision"] == 2 and "Ändrad" in edited.values()
    assert [s.name for s in book(fake).sheets] == ["Blad1", "Detaljplan"]  # renamed back


def test_a_copied_tab_is_not_written(mapp: Flask, fake: FakeGraph) -> None:
    first = submit(mapp)
    worker(mapp).run_once()
    original = bound_sheet(fake)
    copy = dataclasses.replace(
        original, id="{COPY}", name="Detaljplan (2)", cells=dict(original.cells)
    )
    book(fake).sheets.insert(0, copy)  # Excel's "move or copy" keeps the key row
    second = submit(mapp)
    worker(mapp).run_once()
    id_col = original.values()[0].index("response_id")
    ids = [row[id_col] for row in original.values()[2:]]
    assert ids == [first, second]
    assert [row[id_col] for row in copy.values()[2:]] == [first]


def test_a_persons_sheet_named_like_the_checklist_is_left_alone(
    mapp: Flask, fake: FakeGraph
) -> None:
    fake.set_cell(book(fake), "Blad1", 0, 0, "Mina egna siffror")
    book(fake).sheets[0].name = "DETALJPLAN"
    submit(mapp)
    worker(mapp).run_once()
    assert [s.name for s in book(fake).sheets] == ["DETALJPLAN", "Detaljplan (2)"]
    assert book(fake).sheets[0].values() == [["Mina egna siffror"]]
    assert len(rows(fake)) == 1


def test_parked_with_swedish_reasons_others_go_on(
    tmp_path: Path, mapp: Flask, fake: FakeGraph
) -> None:
    book(fake, RONNEBY).granted = False
    submit(mapp, org="ronneby")
    mine = submit(mapp)
    submit(mapp, org="karlshamn")
    results = {r.target: r for r in worker(mapp).run_once()}
    assert results["ronneby"].outcome == "parked"
    assert "får inte skriva" in results["ronneby"].reason
    assert "Sites.Selected" in results["ronneby"].reason
    assert results["karlskrona"].outcome == "written"
    assert results["karlshamn"].outcome == "written"  # the local workbook beside Graph
    assert [r["response_id"] for r in rows(fake)] == [mine]
    status = CliRunner().invoke(sync, ["--status"], obj=mapp).output
    assert f"Ronneby kommun (ronneby): Excel i Microsoft 365 (delningslänken {SHARED})" in status
    assert f"Karlskrona kommun (karlskrona): Excel i Microsoft 365 (enhet {DRIVE}" in status
    assert "PARKERAD: Appen får inte skriva" in status

    book(fake, RONNEBY).granted = True
    del fake.books[(DRIVE, KARLSKRONA)]
    submit(mapp)
    results = {r.target: r for r in worker(mapp).run_once(force=True)}
    assert results["ronneby"].outcome == "written"
    assert results["karlskrona"].outcome == "parked"
    assert "finns inte" in results["karlskrona"].reason


def test_a_locked_workbook_is_retried_then_parked(mapp: Flask, fake: FakeGraph) -> None:
    book(fake).locked = True
    submit(mapp)
    outcomes = []
    for minutes in range(0, 200, 20):
        results = worker(mapp, now=later(minutes)).run_once()
        outcomes.append(results[0].outcome if results else None)
    assert outcomes[0] == "failed" and "låst" in worker(mapp).run_once()[0].reason
    assert "parked" in outcomes and outcomes.index("parked") == 7


def test_sign_in_trouble_is_retried_not_parked(mapp: Flask, fake: FakeGraph) -> None:
    submit(mapp)
    fake.inject("503", match="/oauth2/v2.0/token", retry_after="0")
    result = worker(mapp).run_once()[0]
    assert result.outcome == "failed" and "inloggning svarar inte" in result.reason
    assert "503" in result.reason
    fake.inject("reset", match="/oauth2/v2.0/token")
    result = worker(mapp, now=later(1)).run_once()[0]
    assert result.outcome == "failed" and "nås inte" in result.reason
    assert worker(mapp, now=later(2)).run_once()[0].outcome == "written"


def test_bad_secret_parks_the_target(tmp_path: Path, fake: FakeGraph) -> None:
    app = graph_app(tmp_path, fake, GRAPH_CLIENT_SECRET="fel")
    submit(app)
    result = worker(app).run_once()[0]
    assert result.outcome == "parked"
    assert "godtar inte appens inloggning" in result.reason and "AADSTS7000215" in result.reason


def test_a_certificate_instead_of_a_secret(tmp_path: Path, fake: FakeGraph) -> None:
    key_pem, cert_pem = self_signed("checklistor-sync")
    pem = tmp_path / "app.pem"
    pem.write_bytes(key_pem + cert_pem)
    fake.entra.certificate = cert_pem  # uploaded to the app registration
    app = graph_app(tmp_path, fake, GRAPH_CLIENT_SECRET=None, GRAPH_CERTIFICATE=str(pem))
    submit(app)
    assert worker(app).run_once()[0].outcome == "written"
    assert len(rows(fake)) == 1
    fake.entra.certificate = self_signed()[1]  # another certificate: the assertion fails
    (tmp_path / "b").mkdir()
    other = graph_app(tmp_path / "b", fake, GRAPH_CLIENT_SECRET=None, GRAPH_CERTIFICATE=str(pem))
    submit(other)
    result = worker(other).run_once()[0]
    assert result.outcome == "parked" and "AADSTS700027" in result.reason


def test_an_expired_session_is_retried_a_missing_workbook_parks() -> None:
    from service.sync.msgraph import GraphError
    from service.sync.sinks import PermanentSyncError, TransientSyncError
    from service.sync.sinks.graph import GraphSettings, GraphSink

    sink = GraphSink(None, GraphSettings(drive_id=DRIVE, item_id=KARLSKRONA), {})
    expired = sink._classify(GraphError(404, "InvalidSessionReCreatable", "The session expired."))
    assert isinstance(expired, TransientSyncError) and "session gick ut" in str(expired)
    gone = sink._classify(GraphError(404, "itemNotFound", "The resource could not be found."))
    assert isinstance(gone, PermanentSyncError) and KARLSKRONA in str(gone)


def test_requests_per_pass_do_not_grow_with_responses(mapp: Flask, fake: FakeGraph) -> None:
    for _ in range(2):
        submit(mapp)
    worker(mapp).run_once()  # creates the worksheet
    calls = []
    for count in (2, 40):
        for _ in range(count):
            submit(mapp)
        before = len(fake.log)
        worker(mapp).run_once()
        calls.append(len(fake.log) - before)
    # session, worksheets, key rows, owned columns, writes, close
    assert calls[0] == calls[1] == 6
    assert len(rows(fake)) == 44


def test_new_columns_are_inserted_before_peoples_columns(mapp: Flask, fake: FakeGraph) -> None:
    from exports.columns import Column
    from service.sync.kind import Context
    from service.sync.mirror import RowUpdate, SheetBatch
    from service.sync.sinks.graph import KIND

    target = runtime_of(mapp).organisations.get("karlskrona").spreadsheet
    sink = KIND.build(target.settings, "karlskrona", Context(settings_of(mapp)))
    old = [Column("response_id", "Svarets id", "fixed"), Column("revision", "Version", "fixed")]
    first = RowUpdate("r1", 1, {"response_id": "r1", "revision": 1})
    sink.write([SheetBatch("Blad", old, [first], "blad")])
    assert bound_sheet(fake, "blad").values()[0] == ["response_id", "revision", "form:blad"]
    fake.set_cell(book(fake), "Blad", 1, 3, "Egen")
    fake.set_cell(book(fake), "Blad", 2, 3, "min not")
    new = [*old, Column("item:x", "9. Ny fråga", "answer", "x")]
    update = RowUpdate("r1", 2, {"response_id": "r1", "revision": 2, "item:x": "=1+1"})
    sink.write([SheetBatch("Blad", new, [update], "blad")])
    assert bound_sheet(fake, "blad").values() == [
        ["response_id", "revision", "item:x", "form:blad", ""],
        ["Svarets id", "Version", "9. Ny fråga", "", "Egen"],
        ["r1", 2, "=1+1", "", "min not"],
    ]
    assert not any(c.formula for c in bound_sheet(fake, "blad").cells.values())


def test_a_value_typed_far_below_is_not_read(mapp: Flask, fake: FakeGraph) -> None:
    first = submit(mapp)
    worker(mapp).run_once()
    fake.set_cell(book(fake), "Detaljplan", 1_048_575, 0, "hoppsan")  # Ctrl+↓, then typing
    second = submit(mapp)
    assert worker(mapp).run_once()[0].outcome == "written"
    sheet = bound_sheet(fake)
    id_col = sheet.values()[0].index("response_id")
    assert [sheet.cells[(r, id_col)].value for r in (2, 3)] == [first, second]
    assert sheet.cells[(1_048_575, 0)].value == "hoppsan"
    assert "A1:" in next(c for c in fake.calls if "usedRange" in c and "1:1" not in c)


def test_sync_all_rebuilds_a_deleted_worksheet(mapp: Flask, fake: FakeGraph) -> None:
    ids = [submit(mapp) for _ in range(3)]
    worker(mapp).run_once()
    book(fake).sheets = [s for s in book(fake).sheets if s.name != "Detaljplan"]
    result = CliRunner().invoke(sync, ["--all"], obj=mapp)
    assert result.exit_code == 0, result.output
    assert sorted(r["response_id"] for r in rows(fake)) == sorted(ids)
