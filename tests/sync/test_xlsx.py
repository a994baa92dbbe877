"""The local .xlsx mirror: rows by response id, people's edits kept, atomic and locked."""

from __future__ import annotations

import csv
import threading
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from openpyxl import load_workbook
from openpyxl.comments import Comment
from sqlalchemy import func, select

from exports.columns import Column
from service.models import OutboxEntry
from service.runtime import runtime_of
from service.sync.cli import sync
from service.sync.mirror import RowUpdate, SheetBatch
from service.sync.sinks.xlsx import XlsxSink
from tests.libreoffice import CSV_FILTER, convert
from tests.sync.helpers import by_key, later, sheet_rows, submit, workbook_path, worker

FORMULAS = ['=HYPERLINK("http://evil.example","klicka")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)"]


class Killed(BaseException):
    """Stands in for the process dying: nothing in the worker catches it."""


def pending(app: Flask) -> int:
    with runtime_of(app).session() as db:
        return int(db.scalar(select(func.count()).select_from(OutboxEntry)) or 0)


def test_submitting_through_the_web_queues_one_entry_and_a_draft_none(
    app: Flask, sign_in, catalogue
) -> None:
    from support.answers import complete_answers

    form = catalogue.latest("detaljplan")
    browser = sign_in("karlskrona")
    browser.post_form("/checklista/detaljplan/ny", complete_answers(form), action="draft")
    assert pending(app) == 0
    browser.post_form("/checklista/detaljplan/ny", complete_answers(form), action="submit")
    assert pending(app) == 1


def test_a_pass_writes_one_row_per_response_with_header(app: Flask) -> None:
    first, second = submit(app), submit(app, form_id="oversiktsplan")
    results = worker(app).run_once()
    assert [r.outcome for r in results] == ["written"]
    assert pending(app) == 0
    book = load_workbook(workbook_path(app))
    assert book.sheetnames == ["Översiktsplan", "Detaljplan"]  # the catalogue's order
    sheet = book["Detaljplan"]
    assert sheet.row_dimensions[1].hidden
    assert sheet.freeze_panes == "A3"
    assert sheet["A2"].value == "Organisation"  # the shared layout: organisation and plan first
    rows = by_key(sheet_rows(workbook_path(app)))
    assert [r["response_id"] for r in rows] == [first]
    assert rows[0]["status"] == "Inskickat" and rows[0]["revision"] == 1
    assert rows[0]["org"] == "Karlskrona kommun"
    assert [r["response_id"] for r in by_key(sheet_rows(workbook_path(app), "Översiktsplan"))] == [
        second
    ]


def test_an_edited_response_updates_its_row_in_place(app: Flask) -> None:
    rid = submit(app, comment="Första")
    other = submit(app)
    worker(app).run_once()
    submit(app, comment="Andra", response_id=rid)
    worker(app).run_once()
    rows = by_key(sheet_rows(workbook_path(app)))
    assert [r["response_id"] for r in rows] == [rid, other]
    first_comment = next(k for k in rows[0] if k.startswith("comment:"))
    assert rows[0][first_comment] == "Andra"
    assert rows[0]["revision"] == 2


def test_people_columns_notes_and_sorting_survive(app: Flask) -> None:
    ids = [submit(app, comment=f"Svar {n}") for n in range(3)]
    worker(app).run_once()
    path = workbook_path(app)
    assert [r["response_id"] for r in by_key(sheet_rows(path))] == ids
    book = load_workbook(path)
    sheet = book["Detaljplan"]
    extra = sheet.max_column + 1
    sheet.cell(row=2, column=extra, value="Egen anteckning")
    for row in range(3, 6):
        sheet.cell(row=row, column=extra, value=f"not om {sheet.cell(row=row, column=1).value}")
    sheet.cell(row=3, column=1).comment = Comment("Ring Eva", "Kommunen")
    # Sort the data rows backwards, as a person would with the filter buttons.
    data = [[c.value for c in row] for row in sheet.iter_rows(min_row=3, max_row=5)]
    for offset, values in enumerate(reversed(data)):
        for col, value in enumerate(values, 1):
            sheet.cell(row=3 + offset, column=col, value=value)
    book.save(path)

    submit(app, comment="Ändrat", response_id=ids[0])
    worker(app).run_once()

    rows = sheet_rows(path)
    assert rows[1][extra - 1] == "Egen anteckning"
    data_rows = by_key(rows)
    assert [r["response_id"] for r in data_rows] == list(reversed(ids))
    for raw in rows[2:]:
        assert raw[extra - 1] == f"not om {raw[0]}"  # each note still beside its response
    edited = next(r for r in data_rows if r["response_id"] == ids[0])
    assert edited["revision"] == 2
    assert any(v == "Ändrat" for v in edited.values())
    assert load_workbook(path)["Detaljplan"].cell(row=3, column=1).comment.text == "Ring Eva"


def test_formula_looking_answers_stay_text(app: Flask) -> None:
    for text in FORMULAS:
        submit(app, comment=text)
    worker(app).run_once()
    path = workbook_path(app)
    sheet = load_workbook(path)["Detaljplan"]
    cells = [c for row in sheet.iter_rows(min_row=3) for c in row if c.value in FORMULAS]
    assert sorted(c.value for c in cells) == sorted(FORMULAS)
    assert all(c.data_type == "s" for c in cells)
    with zipfile.ZipFile(path) as archive:
        xml = b"".join(archive.read(n) for n in archive.namelist() if "worksheets/" in n)
    assert b"<f>" not in xml and b"<f " not in xml


def test_libreoffice_opens_the_mirror_and_reads_formulas_as_text(
    app: Flask, tmp_path: Path
) -> None:
    for text in FORMULAS:
        submit(app, comment=text)
    submit(app, org="karlskrona", form_id="oversiktsplan")
    worker(app).run_once()
    sheets = load_workbook(workbook_path(app), read_only=True).sheetnames
    result = convert(workbook_path(app), tmp_path, CSV_FILTER)
    assert result.returncode == 0, result.stderr
    assert {p.name for p in tmp_path.glob("karlskrona-*.csv")} == {
        f"karlskrona-{name}.csv" for name in sheets
    }
    with (tmp_path / "karlskrona-Detaljplan.csv").open(encoding="utf-8") as f:
        cells = {cell for row in csv.reader(f) for cell in row}
    assert set(FORMULAS) <= cells  # read back as the text typed, not computed


def test_kill_between_write_and_ack_then_restart_gives_no_duplicate(app: Flask) -> None:
    ids = [submit(app) for _ in range(3)]

    def die(_target: str) -> None:
        raise Killed

    with pytest.raises(Killed):
        worker(app, after_write=die, owner="otherhost:1").run_once()
    assert pending(app) == 3  # written, but not acknowledged
    assert worker(app, now=later(11)).run_once()[0].outcome == "written"
    assert pending(app) == 0
    rows = by_key(sheet_rows(workbook_path(app)))
    assert sorted(r["response_id"] for r in rows) == sorted(ids)


def test_a_corrupt_workbook_parks_its_target_only_and_catches_up_when_fixed(
    app: Flask, tmp_path: Path
) -> None:
    path = workbook_path(app)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a zip file")
    broken = submit(app)
    fine = submit(app, org="ronneby")
    results = {r.target: r for r in worker(app).run_once()}
    assert results["karlskrona"].outcome == "parked"
    assert "skadad" in results["karlskrona"].reason
    assert results["ronneby"].outcome == "written"

    runner = CliRunner()
    status = runner.invoke(sync, ["--status"], obj=app)
    assert "PARKERAD" in status.output and "skadad" in status.output
    assert "väntar: 1" in status.output
    # A parked target rests in the watcher, but a manual `sync` tries it again.
    assert [(r.target, r.outcome) for r in worker(app).run_once()] == [("karlskrona", "waiting")]

    path.unlink()
    result = runner.invoke(sync, [], obj=app)
    assert result.exit_code == 0, result.output
    assert [r["response_id"] for r in by_key(sheet_rows(path))] == [broken]
    assert [r["response_id"] for r in by_key(sheet_rows(workbook_path(app, "ronneby")))] == [fine]
    assert "PARKERAD" not in runner.invoke(sync, ["--status"], obj=app).output


def test_new_columns_go_to_the_end_of_the_managed_block(tmp_path: Path) -> None:
    path = tmp_path / "org.xlsx"
    sink = XlsxSink(path)
    old = [Column("response_id", "Svarets id", "fixed"), Column("revision", "Version", "fixed")]
    sink.write(
        [SheetBatch("Blad", old, [RowUpdate("r1", 1, {"response_id": "r1", "revision": 1})])]
    )
    book = load_workbook(path)
    book["Blad"]["C2"] = "Egen"
    book["Blad"]["C3"] = "min not"
    book.save(path)

    new = [*old, Column("item:x", "9. Ny fråga", "answer", "x")]
    update = RowUpdate("r1", 2, {"response_id": "r1", "revision": 2, "item:x": "Ja"})
    sink.write([SheetBatch("Blad", new, [update])])
    rows = sheet_rows(path, "Blad")
    assert rows[0][:3] == ["response_id", "revision", "item:x"]
    assert rows[1] == ["Svarets id", "Version", "9. Ny fråga", "Egen"]
    assert rows[2] == ["r1", 2, "Ja", "min not"]


def test_two_writers_at_once_keep_the_workbook_whole(tmp_path: Path) -> None:
    path = tmp_path / "org.xlsx"
    columns = [Column("response_id", "Svarets id", "fixed"), Column("revision", "V", "fixed")]
    errors: list[BaseException] = []

    def write(prefix: str) -> None:
        try:
            for n in range(15):
                rid = f"{prefix}{n}"
                update = RowUpdate(rid, 1, {"response_id": rid, "revision": 1})
                XlsxSink(path).write([SheetBatch("Blad", columns, [update])])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(p,)) for p in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    ids = [r["response_id"] for r in by_key(sheet_rows(path, "Blad"))]
    assert sorted(ids) == sorted(f"{p}{n}" for p in "ab" for n in range(15))
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]
