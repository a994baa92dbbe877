"""Downloads: the admin's filtered regional workbook, an organisation's own, the query, the CLI."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from flask import Flask

from exports.filters import ExportFilter
from service import export_query
from service.db import get_db
from service.export_cli import export
from service.models import Response, Revision
from support.answers import complete_answers
from tests.exports.helpers import has_formula

ITEM = "dp_natpaverkan"


def add(
    app: Flask,
    org: str,
    form_id: str = "detaljplan",
    *,
    status: str = "submitted",
    when: dt.datetime = dt.datetime(2026, 3, 10, 12, 0),
    value: str = "ja",
    draft_value: str | None = None,
) -> str:
    """A response stored directly; a submitted one gets revision 1 holding `value`.

    `draft_value` puts later, unsubmitted changes in the working copy.
    """
    data = {"metadata": {"plan_name": f"Plan {org}"}, "answers": {ITEM: {"value": value}}}
    with app.app_context():
        db = get_db()
        response = Response(
            org=org,
            form_id=form_id,
            form_version=1,
            status=status,
            data=data,
            updated_at=when,
            revision=1 if status == "submitted" else 0,
            submitted_at=when if status == "submitted" else None,
        )
        db.add(response)
        if status == "submitted":
            db.add(
                Revision(response=response, number=1, form_version=1, data=data, submitted_at=when)
            )
            if draft_value:
                response.data = {**data, "answers": {ITEM: {"value": draft_value}}}
                response.unsubmitted_changes = True
        db.commit()
        return response.id


@pytest.fixture
def responses(app: Flask) -> dict[str, str]:
    return {
        "k_jan": add(app, "karlskrona", when=dt.datetime(2026, 1, 15, 10)),
        "k_mar": add(app, "karlskrona", when=dt.datetime(2026, 3, 10, 10), draft_value="nej"),
        "r_feb": add(app, "ronneby", when=dt.datetime(2026, 2, 20, 10), value="delvis"),
        "r_op": add(app, "ronneby", "oversiktsplan", when=dt.datetime(2026, 2, 21, 10)),
        "o_draft": add(app, "olofstrom", status="draft", when=dt.datetime(2026, 2, 22, 10)),
    }


def workbook(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def download(client: Any, url: str) -> Any:
    """GET a file and close the response, as a WSGI server does (that closes the file)."""
    with client.get(url) as reply:
        reply.get_data()
        return reply


def ids(ws: Any) -> list[str]:
    # The response id is the last column of the shared layout.
    return [row[-1] for row in ws.iter_rows(min_row=2, values_only=True) if row[-1]]


FILTERS = [
    ExportFilter(),
    ExportFilter(with_drafts=True),
    ExportFilter(date_from=dt.date(2026, 2, 1), date_to=dt.date(2026, 2, 28)),
    ExportFilter(date_from=dt.date(2026, 2, 21), with_drafts=True),
    ExportFilter(date_to=dt.date(2026, 1, 15)),
    ExportFilter(orgs=frozenset({"ronneby"})),
    ExportFilter(orgs=frozenset({"olofstrom", "karlskrona"}), with_drafts=True),
    ExportFilter(forms=frozenset({"oversiktsplan"})),
    ExportFilter(date_from=dt.date(2030, 1, 1)),
]


@pytest.mark.parametrize("selection", FILTERS)
def test_query_selects_what_the_filter_rule_says(
    app: Flask, responses: dict[str, str], selection: ExportFilter
) -> None:
    with app.app_context():
        db = get_db()
        everything = [
            r
            for form_id in ("detaljplan", "oversiktsplan")
            for r in export_query.records(db, ExportFilter(with_drafts=True), form_id)
        ]
        assert len(everything) == 5
        expected = {r.id for r in everything if selection.matches(r)}
        got = {
            r.id
            for form_id in ("detaljplan", "oversiktsplan")
            for r in export_query.records(db, selection, form_id, batch_size=2)
        }
        assert got == expected
        assert export_query.count(db, selection) == len(expected)


def test_submitted_responses_export_their_submitted_revision(
    app: Flask, responses: dict[str, str]
) -> None:
    with app.app_context():
        [record] = [
            r
            for r in export_query.records(get_db(), ExportFilter(), "detaljplan")
            if r.id == responses["k_mar"]
        ]
    assert record.data["answers"][ITEM]["value"] == "ja"  # not the unsubmitted "nej"


def test_times_match_the_mirror_first_and_latest_submission(app: Flask) -> None:
    first, second = dt.datetime(2026, 1, 5, 8), dt.datetime(2026, 3, 5, 8)
    rid = add(app, "karlshamn", when=first, value="nej")
    with app.app_context():
        db = get_db()
        response = db.get(Response, rid)
        assert response is not None
        data = {"metadata": {}, "answers": {ITEM: {"value": "ja"}}}
        response.data, response.revision, response.submitted_at = data, 2, second
        response.updated_at = second
        db.add(
            Revision(response=response, number=2, form_version=1, data=data, submitted_at=second)
        )
        db.commit()
        march = ExportFilter(date_from=dt.date(2026, 3, 1))
        [record] = export_query.records(db, march, "detaljplan")
        assert (record.submitted_at, record.updated_at, record.revision) == (first, second, 2)
        assert record.data["answers"][ITEM]["value"] == "ja"
        january = ExportFilter(date_to=dt.date(2026, 1, 31))
        assert list(export_query.records(db, january, "detaljplan")) == []


def test_admin_downloads_the_filtered_workbook(admin: Any, responses: dict[str, str]) -> None:
    page = admin.client.get("/admin/")
    assert "/admin/export" in page.get_data(as_text=True)
    form = admin.client.get("/admin/export").get_data(as_text=True)
    assert "Ladda ner arbetsboken (.xlsx)" in form and 'name="org" value="ronneby"' in form

    reply = download(
        admin.client, "/admin/export.xlsx?from=2026-02-01&org=ronneby&org=olofstrom&drafts=1"
    )
    assert reply.status_code == 200
    assert reply.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in reply.headers["Content-Disposition"]
    wb = workbook(reply.data)
    assert ids(wb["Detaljplan"]) == [responses["o_draft"], responses["r_feb"]]
    assert ids(wb["Översiktsplan"]) == [responses["r_op"]]

    only_op = workbook(download(admin.client, "/admin/export.xlsx?form=oversiktsplan").data)
    assert only_op.sheetnames == [
        "Översikt",
        "Karta Översiktsplan",
        "Översiktsplan",
        "Data",
        "Samråd",
        "Frågor",
        "Om arbetsboken",
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=igår", "är inget datum"),
        ("from=2026-03-01&to=2026-02-01", "startdatum ligger efter slutdatumet"),
        ("org=atlantis", "Organisationen du valde finns inte"),
        ("form=okand", "Checklistan du valde finns inte"),
    ],
)
def test_bad_filters_show_the_form_again_in_swedish(admin: Any, query: str, message: str) -> None:
    reply = admin.client.get(f"/admin/export.xlsx?{query}")
    assert reply.status_code == 400
    page = reply.get_data(as_text=True)
    assert message in page and 'class="error-summary"' in page


def test_only_admins_reach_the_regional_workbook(client: Any, sign_in: Any) -> None:
    assert client.get("/admin/export.xlsx").status_code == 401
    assert sign_in("karlskrona").client.get("/admin/export.xlsx").status_code == 404
    assert client.get("/hem/svar.xlsx").status_code == 401


def test_organisation_downloads_only_its_own_responses(
    app: Flask, sign_in: Any, catalogue: Any, responses: dict[str, str]
) -> None:
    add(app, "ronneby", status="draft")  # drafts are not in the mirror, nor here
    browser = sign_in("ronneby")
    data = complete_answers(catalogue.latest("detaljplan"))
    data["m-plan_name"] = '=HYPERLINK("http://evil.example","klicka")'
    assert browser.post_form("/checklista/detaljplan/ny", data).status_code == 302
    assert "/hem/svar.xlsx" in browser.client.get("/hem").get_data(as_text=True)

    reply = download(browser.client, "/hem/svar.xlsx")
    assert reply.status_code == 200
    wb = workbook(reply.data)
    assert wb.sheetnames == [
        "Översiktsplan",
        "Detaljplan",
        "Trafikförsörjningsprogram",
        "Samråd",
        "Om arbetsboken",
    ]
    rows = list(wb["Detaljplan"].iter_rows(min_row=2, values_only=True))
    assert {row[0] for row in rows} == {"Ronneby kommun"}
    assert len(rows) == 2
    assert '=HYPERLINK("http://evil.example","klicka")' in {row[1] for row in rows}
    path = Path(app.instance_path) / "own.xlsx"
    path.write_bytes(reply.data)
    assert not has_formula(path)


def test_cli_writes_the_workbook_and_one_summary_line(
    app: Flask, responses: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "region.xlsx"
    result = CliRunner().invoke(
        export, ["--out", str(out), "--org", "karlskrona", "--to", "2026-02-28"], obj=app
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("\n") == 1
    assert result.output.startswith("Skrev 1 svar från 1 organisationer")
    assert ids(openpyxl.load_workbook(out)["Detaljplan"]) == [responses["k_jan"]]
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "atlantis"], "'atlantis' finns inte"),
        (["--form", "okand"], "'okand' finns inte"),
        (["--from", "2026-13-01"], "är inget datum"),
        (["--from", "2026-03-01", "--to", "2026-01-01"], "startdatum ligger efter"),
    ],
)
def test_cli_refuses_bad_filters(app: Flask, tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "region.xlsx"
    result = CliRunner().invoke(export, ["--out", str(out), *args], obj=app)
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()
