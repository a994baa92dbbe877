"""A worksheet belongs to its checklist: renamed checklists, case-only renames, old splits.

Every case runs against both sinks: the local .xlsx workbook (read back with openpyxl)
and the Google sink (real gspread against the Sheets fake, which refuses a second tab
whose title differs only in case, as Google does).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from openpyxl import load_workbook

from service.runtime import reconfigure
from service.sync.cli import sync
from support.sheets_fake import FakeSheets
from tests.sync.conftest import KARLSKRONA, google_worker
from tests.sync.helpers import publish_short_title, submit, workbook_path, worker

Tabs = dict[str, list[list[Any]]]


class Mirror:
    """One organisation's mirror through either sink, read back as {title: rows}."""

    def __init__(self, request: pytest.FixtureRequest, kind: str) -> None:
        self.kind = kind
        if kind == "google":
            self.fake: FakeSheets = request.getfixturevalue("fake")
            self.app: Flask = request.getfixturevalue("gapp")
        else:
            self.app = request.getfixturevalue("app")

    def run(self, force: bool = False) -> list[Any]:
        if self.kind == "google":
            return google_worker(self.app, self.fake).run_once(force)
        return worker(self.app).run_once(force)

    def tabs(self) -> Tabs:
        if self.kind == "google":
            book = self.fake.spreadsheets[KARLSKRONA]
            return {t: self.fake.values(KARLSKRONA, t) for t in book.titles() if t != "Blad1"}
        workbook = load_workbook(workbook_path(self.app))
        return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in workbook}

    def edit(self, change: Callable[[Tabs], Tabs]) -> None:
        """Rewrite the mirror's tabs as a person (or older code) would have left them."""
        tabs = change(self.tabs())
        if self.kind == "google":
            book = self.fake.spreadsheets[KARLSKRONA]
            book.sheets = book.sheets[:1]
            for n, (title, values) in enumerate(tabs.items(), 1):
                book.sheets.append(type(book.sheets[0])(n, title))
                for r, row in enumerate(values):
                    for c, value in enumerate(row):
                        if value not in (None, ""):
                            self.fake.set_cell(KARLSKRONA, title, r, c, value)
            return
        workbook = load_workbook(workbook_path(self.app))
        for ws in list(workbook):
            workbook.remove(ws)
        for title, values in tabs.items():
            ws = workbook.create_sheet(title)
            for row in values:
                ws.append(row)
        workbook.save(workbook_path(self.app))


@pytest.fixture(params=["xlsx", "google"])
def mirror(request: pytest.FixtureRequest) -> Mirror:
    return Mirror(request, request.param)


def responses_in(tabs: Tabs) -> list[tuple[str, str, int]]:
    """(tab, response id, revision) of every mirrored row in every tab."""
    found = []
    for title, values in tabs.items():
        keys = [str(k) for k in values[0]] if values else []
        if "response_id" not in keys:
            continue
        id_col, rev_col = keys.index("response_id"), keys.index("revision")
        for row in values[2:]:
            if len(row) > id_col and row[id_col]:
                found.append((title, row[id_col], int(row[rev_col])))
    return sorted(found)


def unbound(tabs: Tabs) -> Tabs:
    """The tabs as code before bindings wrote them: no `form:` cell in the key row."""
    return {
        t: [[None if str(v).startswith("form:") else v for v in values[0]], *values[1:]]
        for t, values in tabs.items()
    }


@pytest.mark.parametrize("new_title", ["DetaljPlan", "Detaljplaner"])
def test_a_renamed_checklist_keeps_one_tab_with_each_response_once(
    mirror: Mirror, new_title: str
) -> None:
    app = mirror.app
    first, second = submit(app), submit(app)
    mirror.run()
    publish_short_title(app, new_title)
    for resubmitted in ([first], [first, second], [first]):
        for rid in resubmitted:
            submit(app, comment=f"ändrat {rid}", response_id=rid)
        assert [r.outcome for r in mirror.run()] == ["written"]
    tabs = mirror.tabs()
    assert list(tabs) == [new_title]
    assert responses_in(tabs) == sorted([(new_title, first, 4), (new_title, second, 2)])


@pytest.mark.parametrize("new_title", ["DetaljPlan", "Detaljplaner"])
def test_sync_all_repairs_a_mirror_split_by_older_code(mirror: Mirror, new_title: str) -> None:
    app = mirror.app
    first, second = submit(app), submit(app)
    mirror.run()
    submit(app, comment="nyare", response_id=first)
    mirror.run()

    def split(tabs: Tabs) -> Tabs:
        # What the title-keyed code left: the old tab (with a person's note) keeps a
        # stale row, a second tab under the new title holds the newer revision.
        old = tabs["Detaljplan"]
        id_col = [str(k) for k in old[0]].index("response_id")
        width = len(old[0]) + 1  # a person's column right of the managed block
        old = [row + [None] * (width - len(row)) for row in old]
        old[1].append("Egen anteckning")
        old[2].append("ring Eva")
        stale = [old[0], old[1][:-1], *[r[:-1] for r in old[2:] if r[id_col] == first]]
        old_rows = [
            old[0],
            old[1],
            *[r if r[id_col] != first else _rev1(r, old[0]) for r in old[2:]],
        ]
        return {"Detaljplan": old_rows, new_title + ("1" if mirror.kind == "xlsx" else ""): stale}

    mirror.edit(lambda tabs: split(unbound(tabs)))
    assert len(responses_in(mirror.tabs())) == 3  # one response is there twice
    publish_short_title(app, new_title)

    result = CliRunner().invoke(sync, ["--all"], obj=_with_adapter(mirror))
    assert result.exit_code == 0, result.output
    tabs = mirror.tabs()
    assert list(tabs) == [new_title]
    assert responses_in(tabs) == sorted([(new_title, first, 2), (new_title, second, 1)])
    header, *rows = tabs[new_title][1:]
    note = header.index("Egen anteckning")
    assert [r[note] if len(r) > note else None for r in rows] == ["ring Eva", None]
    assert rows[0][[str(k) for k in tabs[new_title][0]].index("response_id")] == first


def _rev1(row: list[Any], keys: list[Any]) -> list[Any]:
    row = list(row)
    row[keys.index("revision")] = 1
    return row


def _with_adapter(mirror: Mirror) -> Flask:
    if mirror.kind == "google":
        reconfigure(mirror.app, sync_google_api_url=mirror.fake.base_url)
    return mirror.app


def test_a_peoples_tab_with_the_same_title_in_other_case_is_left_alone(
    fake: FakeSheets, gapp: Flask
) -> None:
    fake.spreadsheets[KARLSKRONA].sheets[0].title = "DETALJPLAN"
    fake.set_cell(KARLSKRONA, "DETALJPLAN", 0, 0, "Våra egna anteckningar")
    rid = submit(gapp)
    assert [r.outcome for r in google_worker(gapp, fake).run_once()] == ["written"]
    assert fake.spreadsheets[KARLSKRONA].titles() == ["DETALJPLAN", "Detaljplan (2)"]
    assert fake.values(KARLSKRONA, "DETALJPLAN") == [["Våra egna anteckningar"]]
    keys, _, first_row = fake.values(KARLSKRONA, "Detaljplan (2)")[:3]
    assert first_row[keys.index("response_id")] == rid
