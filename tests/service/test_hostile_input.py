"""A battery of hostile values against every form and admin route: never a 500, and a
refusal stores nothing. Runs on PostgreSQL too (TEST_DATABASE_URL), where a NUL in text
is an error of its own."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import func, select

from forms import Form
from forms.xlsform_writer import write_xlsform
from service.db import get_db
from service.export_cli import export
from service.models import PublishedForm, Response, Revision
from support.answers import complete_answers
from tests.conftest import Browser

HOSTILE = [
    "",
    "\x00",
    "a\x00b",
    "²",
    "①",
    "１２",
    "-1",
    "1e9",
    "99999999999999999999999",
    "2026-W07-1",
    "2026031500",
    "9999-12-31",
    "0000-00-00",
    "2026-02-30",
    "\r\nSet-Cookie: x=1",
    "/\t/evil.example",
    "//evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://evil.example")',
    "' OR 1=1 --",
    "%00",
    "\u202e\ufeff",
    "x" * 5000,
]
IDS = [repr(v[:12]) for v in HOSTILE]


def counts(app: Flask) -> tuple[int, int, int, str]:
    """What is stored: responses, revisions, published versions, and all response data."""
    with app.app_context():
        db = get_db()
        data = repr(sorted(repr((r.id, r.data)) for r in db.scalars(select(Response))))
        return (
            db.scalar(select(func.count()).select_from(Response)) or 0,
            db.scalar(select(func.count()).select_from(Revision)) or 0,
            db.scalar(select(func.count()).select_from(PublishedForm)) or 0,
            data,
        )


def ok_or_refused(reply: Any, before: tuple[int, int, int, str], app: Flask) -> None:
    reply.close()  # a download holds its temporary file open until closed
    assert reply.status_code < 500, reply.get_data(as_text=True)[:500]
    if reply.status_code >= 400:
        assert counts(app) == before


@pytest.fixture
def draft(app: Flask, sign_in: Any, catalogue: Any) -> tuple[Browser, str]:
    browser = sign_in("karlskrona")
    form = catalogue.latest("detaljplan")
    reply = browser.post_form("/checklista/detaljplan/ny", complete_answers(form), "draft")
    assert reply.status_code == 302
    return browser, reply.location.split("/svar/")[1].split("/")[0]


@pytest.mark.parametrize("value", HOSTILE, ids=IDS)
def test_every_get_route_answers_hostile_values_without_a_500(
    app: Flask, admin: Browser, draft: tuple[Browser, str], value: str
) -> None:
    org, response_id = draft
    before = counts(app)
    query = {
        "next": value,
        "from": value,
        "to": value,
        "org": value,
        "form": value,
        "drafts": value,
        "revision": value,
    }
    paths = [
        "/",
        "/healthz",
        "/hem",
        f"/in/{value}",
        "/sprak/en",
        "/sprak/sv",
        f"/sprak/{value}",
        f"/checklista/{value}/ny",
        f"/svar/{value}",
        f"/svar/{value}/andra",
        f"/svar/{value}/kvitto/1",
        f"/svar/{response_id}",
        f"/svar/{response_id}/kvitto/1",
        "/hem/svar.xlsx",
        f"/svar/{value}/be-om-synpunkter",
        f"/svar/{response_id}/be-om-synpunkter",
        f"/samrad/{value}",
        f"/samrad/{value}/yttrande",
    ]
    admin_paths = [
        "/admin/",
        "/admin/export",
        "/admin/export.xlsx",
        "/admin/checklistor/",
        f"/admin/checklistor/{value}.xlsx",
        f"/svar/{value}",
        f"/svar/{response_id}",
    ]
    for client, urls in ((org.client, paths), (admin.client, admin_paths)):
        for url in urls:
            reply = client.get(url, query_string=query)
            ok_or_refused(reply, before, app)
            location = reply.headers.get("Location", "")
            # Redirects stay on this site: no other host, however the browser reads it.
            target = urlsplit(location.replace("\\", "/").replace("\t", ""))
            assert target.netloc in ("", "localhost"), location
            assert not target.path.startswith("//"), location
    assert counts(app) == before


@pytest.mark.parametrize("value", HOSTILE, ids=IDS)
def test_every_field_of_the_checklist_refuses_or_cleans_hostile_values(
    app: Flask, draft: tuple[Browser, str], catalogue: Any, value: str
) -> None:
    browser, response_id = draft
    form: Form = catalogue.latest("detaljplan")
    item = next(form.items)
    names = [spec.input_name for spec in form.metadata]
    names += [item.answer_name, item.comment_name, "lock_version", "action", "a-okand"]
    for url in ("/checklista/detaljplan/ny", f"/svar/{response_id}/andra"):
        for name in names:
            for action in ("draft", "submit"):
                before = counts(app)
                data = {**complete_answers(form), name: value}
                reply = browser.post_form(url, data, action)
                ok_or_refused(reply, before, app)


@pytest.mark.parametrize("value", HOSTILE, ids=IDS)
def test_admin_posts_refuse_hostile_values(
    app: Flask, admin: Browser, catalogue: Any, value: str
) -> None:
    before = counts(app)
    workbook = write_xlsform(catalogue.latest("detaljplan"))
    tokens = admin.tokens("/admin/checklistor/")
    for content in (value.encode(), workbook):
        reply = admin.client.post(
            "/admin/checklistor/forhandsgranska",
            data={**tokens, "workbook": (io.BytesIO(content), value)},
            content_type="multipart/form-data",
        )
        ok_or_refused(reply, before, app)
    for field in ("upload", "version", "filename", "workbook"):
        data = {**tokens, "upload": "x", "version": "2", "filename": "a.xlsx", field: value}
        reply = admin.client.post("/admin/checklistor/publicera", data=data)
        ok_or_refused(reply, before, app)
    reply = admin.client.post("/logga-ut", data={**tokens, "next": value})
    assert reply.status_code < 500
    assert counts(app) == before


@pytest.mark.parametrize("value", ["9999-12-31", "2026-W07-1", "2026031500", "²"])
def test_export_cli_takes_only_real_dates(app: Flask, tmp_path: Any, value: str) -> None:
    out = tmp_path / "x.xlsx"
    result = CliRunner().invoke(export, ["--to", value, "--out", str(out)], obj=app)
    if value == "9999-12-31":
        assert result.exit_code == 0, result.output
        assert out.exists()
    else:
        assert result.exit_code != 0 and "ÅÅÅÅ-MM-DD" in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    ("to", "status"), [("9999-12-31", 200), ("2026-W07-1", 400), ("2026031500", 400)]
)
def test_export_page_takes_only_real_dates(admin: Browser, to: str, status: int) -> None:
    reply = admin.client.get("/admin/export.xlsx", query_string={"to": to})
    reply.close()
    assert reply.status_code == status
    if status == 400:
        assert "ÅÅÅÅ-MM-DD" in reply.get_data(as_text=True)


@pytest.mark.parametrize(
    ("name", "value"),
    [("date", "2026-W07-1"), ("date", "2026031500"), ("date", "２０２６-03-15")]
    + [("number", v) for v in ("²", "①", "１２", "+5", " 5 5")],
)
def test_dates_and_integers_are_strict_and_keep_what_was_typed(
    app: Flask, sign_in: Any, catalogue: Any, name: str, value: str
) -> None:
    form: Form = catalogue.latest("detaljplan")
    kinds = {"date": "date", "number": "integer"}
    spec = next(s for s in form.metadata if s.type == kinds[name])
    browser = sign_in()
    data = {**complete_answers(form, text="Skriven text"), spec.input_name: value}
    reply = browser.post_form("/checklista/detaljplan/ny", data, "draft")
    assert reply.status_code == 422
    assert "Skriven text" in reply.get_data(as_text=True)
    assert counts(app)[0] == 0
