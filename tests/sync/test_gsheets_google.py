"""Google as Google behaves: 403s told apart by reason, a 400 parks, dates are dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask

from service.sync.mirror import local_time
from service.sync.sinks.gsheets import EPOCH
from support import sheets_fake
from support.sheets_fake import FakeSheets, google_error
from tests.sync.conftest import KARLSKRONA, google_worker, rows
from tests.sync.helpers import submit

DISABLED = (
    "Google Sheets API has not been used in project 123456789 before or it is disabled. "
    "Enable it by visiting https://console.developers.google.com/apis/api/"
    "sheets.googleapis.com/overview?project=123456789 then retry."
)
PROTECTED = (
    "You are trying to edit a protected cell or object. Please contact the spreadsheet "
    "owner to remove protection if you need to edit."
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            google_error(
                403,
                DISABLED,
                "SERVICE_DISABLED",
                service="sheets.googleapis.com",
                consumer="projects/123456789",
            ),
            "aktivera Google Sheets API i projekt 123456789",
        ),
        (
            google_error(403, DISABLED, "accessNotConfigured"),
            "Aktivera Google Sheets API i projekt",
        ),
        (
            google_error(403, "The caller does not have permission", "forbidden"),
            "inte delat med checklistor-sync@test-project.iam.gserviceaccount.com",
        ),
        (google_error(403, PROTECTED, "forbidden"), "skyddat område"),
        (
            google_error(
                403,
                "The domain administrators have disabled access for this account.",
                "domainPolicy",
            ),
            "utanför domänen",
        ),
    ],
)
def test_each_403_reason_has_its_own_message(
    gapp: Flask, fake: FakeSheets, body: dict, expected: str
) -> None:
    fake.refusal = body
    submit(gapp)
    (result,) = google_worker(gapp, fake).run_once()
    assert result.outcome == "parked"
    assert expected.casefold() in result.reason.casefold()


def test_a_refused_title_parks_instead_of_retrying_forever(
    gapp: Flask, fake: FakeSheets, monkeypatch: pytest.MonkeyPatch
) -> None:
    submit(gapp)
    original = sheets_fake.apply_structure

    def person_adds_a_tab_meanwhile(book: Any, body: Any) -> Any:
        book.sheets[0].title = "DETALJPLAN"  # between the sync's read and its write
        return original(book, body)

    monkeypatch.setattr(sheets_fake, "apply_structure", person_adds_a_tab_meanwhile)
    (result,) = google_worker(gapp, fake).run_once()
    assert result.outcome == "parked" and "already exists" in result.reason
    monkeypatch.setattr(sheets_fake, "apply_structure", original)
    (result,) = google_worker(gapp, fake).run_once(force=True)
    assert result.outcome == "written"
    assert fake.spreadsheets[KARLSKRONA].titles() == ["DETALJPLAN", "Detaljplan (2)"]


def test_dates_reach_google_as_serial_numbers_with_a_date_format(
    gapp: Flask, fake: FakeSheets
) -> None:
    submit(gapp)
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    google_worker(gapp, fake).run_once()
    (row,) = rows(fake)
    serial = float(row["submitted_at"])
    when = EPOCH + dt.timedelta(days=serial)
    assert abs((when - local_time(before)).total_seconds()) < 60
    sheet = fake.spreadsheets[KARLSKRONA].sheet("Detaljplan")
    keys = fake.values(KARLSKRONA, "Detaljplan")[0]
    assert sheet.formats[keys.index("submitted_at")] == {
        "type": "DATE_TIME",
        "pattern": "yyyy-mm-dd hh:mm",
    }
    assert isinstance(sheet.cells[(2, keys.index("submitted_at"))].value, float)
    assert set(fake.input_options) == {"RAW"}


def test_a_stray_cell_far_out_neither_moves_new_rows_nor_is_read(
    gapp: Flask, fake: FakeSheets
) -> None:
    first = submit(gapp)
    google_worker(gapp, fake).run_once()
    sheet = fake.spreadsheets[KARLSKRONA].sheet("Detaljplan")
    sheet.rows = 1_048_576
    fake.set_cell(KARLSKRONA, "Detaljplan", 1_048_575, 95, "x")  # CR1048576
    reads: list[int] = []
    original = fake._read

    def counting(book: Any, text: str) -> dict[str, Any]:
        answer = original(book, text)
        reads.append(len(answer.get("values", [])))
        return answer

    fake._read = counting  # type: ignore[method-assign]
    second = submit(gapp)
    result = google_worker(gapp, fake).run_once()[0]
    assert result.outcome == "written", result.reason
    assert [r["response_id"] for r in rows(fake)[:2]] == [first, second]
    assert max(reads) == 3  # key row, header, one response: the far cell's row is not read
    assert sheet.cells[(1_048_575, 95)].value == "x"


def test_a_chart_sheet_is_passed_over(gapp: Flask, fake: FakeSheets) -> None:
    book = fake.spreadsheets[KARLSKRONA]
    book.sheets.append(type(book.sheets[0])(77, "Detaljplan", kind="OBJECT"))
    rid = submit(gapp)
    result = google_worker(gapp, fake).run_once()[0]
    assert result.outcome == "written", result.reason
    assert book.titles() == ["Blad1", "Detaljplan", "Detaljplan (2)"]
    keys, _, first_row = fake.values(KARLSKRONA, "Detaljplan (2)")[:3]
    assert first_row[keys.index("response_id")] == rid
