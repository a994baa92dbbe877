"""Publishing a new checklist version from Excel: CLI, admin pages, instances, drafts.

Version 2 (tests.forms.xlsform_helpers.revised) drops dp_belysning, rewords dp_gena_vagar
and adds dp_laddning.
"""

from __future__ import annotations

import dataclasses
import io
import re
import secrets
from pathlib import Path
from typing import Any

import openpyxl
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import event, text
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from forms import Choice, Field, Form, load_catalogue, parse_fields
from forms.xlsform import read_xlsform
from forms.xlsform_writer import write_xlsform
from service import create_app, form_store, responses
from service.catalogue import current_catalogue
from service.db import get_db
from service.forms_cli import forms_group
from service.models import Response
from service.runtime import runtime_of, settings_of
from support.answers import complete_answers
from tests.conftest import Browser
from tests.forms.xlsform_helpers import revised

V1 = load_catalogue().latest("detaljplan")
V2 = revised(V1, 2)
DROPPED = "Är gång- och cykelvägarna till hållplatsen belysta?"


def forms_cli(app: Flask, *args: str) -> Any:
    return CliRunner().invoke(forms_group, list(args), obj=app)


def publish_v2(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "detaljplan-v2.xlsx"
    path.write_bytes(write_xlsform(V2))
    result = forms_cli(app, "publish", str(path))
    assert result.exit_code == 0, result.output


def same(a: Form, b: Form) -> bool:
    """Equal apart from where each was read from."""
    return dataclasses.replace(a, source=b.source) == b


def latest(app: Flask) -> Form:
    with app.test_request_context():
        return current_catalogue().latest("detaljplan")


def test_cli_exports_checks_and_publishes(app: Flask, tmp_path: Path) -> None:
    out = tmp_path / "detaljplan.xlsx"
    result = forms_cli(app, "export", "detaljplan", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert read_xlsform(out.read_bytes(), V1.source) == V1

    unchanged = forms_cli(app, "check", str(out))
    assert unchanged.exit_code == 0  # valid; there is simply nothing to publish
    assert "likadan som den publicerade version 1" in unchanged.output
    assert forms_cli(app, "publish", str(out)).exit_code == 1

    changed = tmp_path / "andrad.xlsx"
    changed.write_bytes(write_xlsform(V2))
    check = forms_cli(app, "check", str(changed))
    assert check.exit_code == 0, check.output
    assert "går att publicera som version 2 av Detaljplan" in check.output
    assert "Ny fråga: dp_laddning" in check.output
    assert f"Tas bort: dp_belysning: {DROPPED}" in check.output
    assert "Omformulerad: dp_gena_vagar" in check.output
    assert latest(app).version == 1  # checking publishes nothing

    result = forms_cli(app, "publish", str(changed))
    assert result.exit_code == 0, result.output
    assert "Publicerade Detaljplan version 2" in result.output
    assert same(latest(app), V2)
    with app.test_request_context():
        assert [f.version for f in current_catalogue().versions("detaljplan")] == [1, 2]

    broken = tmp_path / "trasig.xlsx"
    broken.write_bytes(b"not a workbook")
    refused = forms_cli(app, "publish", str(broken))
    assert refused.exit_code == 1
    assert "Arbetsboken: filen är inte en Excel-arbetsbok" in refused.output


def test_another_instance_sees_a_publication_without_restart(app: Flask, tmp_path: Path) -> None:
    other = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "other"),
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": settings_of(app).database,
        }
    )
    assert latest(other).version == 1
    publish_v2(app, tmp_path)
    assert same(latest(other), V2)

    statements: list[str] = []
    engine = runtime_of(other).engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        with other.test_request_context():
            for _ in range(3):
                current_catalogue()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(statements) == 1 and "form_versions" in statements[0]


def csrf(browser: Browser, url: str) -> str:
    return browser.tokens(url)["csrf_token"]


def upload(admin: Browser, data: bytes, name: str = "detaljplan.xlsx") -> Any:
    token = csrf(admin, "/admin/checklistor/")
    return admin.client.post(
        "/admin/checklistor/forhandsgranska",
        data={"csrf_token": token, "workbook": (io.BytesIO(data), name)},
    )


def test_admin_downloads_uploads_previews_and_publishes(app: Flask, admin: Browser) -> None:
    index = admin.client.get("/admin/checklistor/")
    assert index.status_code == 200
    assert "Ladda ner Detaljplan (.xlsx)" in index.get_data(as_text=True)
    assert "/admin/checklistor/" in admin.client.get("/admin/").get_data(as_text=True)
    download = admin.client.get("/admin/checklistor/detaljplan.xlsx")
    assert read_xlsform(download.data, V1.source) == V1

    bad = upload(admin, b"garbage", "fel.xlsx")
    assert bad.status_code == 422
    assert "fel.xlsx kan inte publiceras" in bad.get_data(as_text=True)
    assert latest(app).version == 1

    preview = upload(admin, write_xlsform(V2))
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Granska Detaljplan version 2" in page
    assert "Nya frågor (1)" in page and "dp_laddning" in page
    assert "Frågor som tas bort (1)" in page and DROPPED in page
    assert "<del>Finns gena gång- och cykelvägar till hållplatsen?</del>" in page
    assert "Finns laddplatser för elcyklar vid hållplatsen?" in page  # the preview itself
    assert latest(app).version == 1  # previewing publishes nothing

    fields = dict(re.findall(r'name="(csrf_token|upload|version)" value="([^"]*)"', page))
    assert "workbook" not in fields  # the workbook stays on the server
    published = admin.client.post("/admin/checklistor/publicera", data=fields)
    assert published.status_code == 302
    assert same(latest(app), V2)
    after = admin.client.get("/admin/checklistor/").get_data(as_text=True)
    assert "Detaljplan version 2 är publicerad" in after

    # Posting the same preview again publishes nothing more: its id is used up.
    again = admin.client.post("/admin/checklistor/publicera", data=fields)
    assert again.status_code == 422
    assert "finns inte längre" in again.get_data(as_text=True)
    assert latest(app).version == 2


def test_organisations_cannot_reach_the_form_admin(sign_in: Any) -> None:
    org = sign_in("karlskrona")
    for url in ("/admin/checklistor/", "/admin/checklistor/detaljplan.xlsx"):
        assert org.client.get(url).status_code in (401, 403, 404)


def test_a_removed_name_reused_for_another_question_is_refused(
    app: Flask, admin: Browser, tmp_path: Path
) -> None:
    publish_v2(app, tmp_path)
    v3 = dataclasses.replace(V2, version=3)
    section = v3.sections[2]
    reused = section.items[0].__class__("dp_belysning", "Finns det bänkar?", section.id)
    sections = list(v3.sections)
    sections[2] = section.__class__(section.id, section.title, (*section.items, reused))
    v3 = dataclasses.replace(v3, sections=tuple(sections))
    refused = upload(admin, write_xlsform(v3))
    assert refused.status_code == 422
    assert "Namnet dp_belysning användes till och med version 1" in refused.get_data(as_text=True)
    assert latest(app).version == 2


def test_a_draft_on_the_old_version_can_move_to_the_new_one(
    app: Flask, sign_in: Any, tmp_path: Path
) -> None:
    org = sign_in("karlskrona")
    draft = org.post_form(
        "/checklista/detaljplan/ny",
        {"m-plan_name": "Norra", "a-dp_belysning": "nej", "a-dp_gena_vagar": "ja"},
        action="draft",
    )
    draft_id = draft.headers["Location"].split("/")[2]
    done = org.post_form("/checklista/detaljplan/ny", complete_answers(V1))
    done_id = done.headers["Location"].split("/")[2]
    publish_v2(app, tmp_path)

    page = org.client.get(f"/svar/{draft_id}/andra").get_data(as_text=True)
    assert "Checklistan har fått en ny version (2)" in page
    assert f"Svaret på frågan ”{DROPPED}”" in page  # what would not come along
    assert DROPPED in page and "elcyklar" not in page  # still shown on version 1
    submitted = org.client.get(f"/svar/{done_id}/andra").get_data(as_text=True)
    assert "ny version" not in submitted and DROPPED in submitted

    stale = org.tokens(f"/svar/{draft_id}/andra")
    refused = org.client.post(f"/svar/{draft_id}/ny-version", data={**stale, "lock_version": "0"})
    assert refused.status_code == 302
    assert "har inte flyttats" in org.client.get(f"/svar/{draft_id}/andra").get_data(as_text=True)
    tokens = org.tokens(f"/svar/{draft_id}/andra")
    moved = org.client.post(f"/svar/{draft_id}/ny-version", data=tokens)
    assert moved.status_code == 302
    page = org.client.get(f"/svar/{draft_id}/andra").get_data(as_text=True)
    assert "Utkastet är flyttat till version 2" in page
    assert "elcyklar" in page and "Checklistan har fått en ny version" not in page
    with app.app_context():
        response = get_db().get(Response, draft_id)
        assert response is not None and response.form_version == 2
        assert response.data["metadata"] == {"plan_name": "Norra"}
        assert response.data["answers"] == {"dp_gena_vagar": {"value": "ja", "comment": ""}}
        kept = get_db().get(Response, done_id)
        assert kept is not None and kept.form_version == 1
    assert "elcyklar" in org.client.get("/checklista/detaljplan/ny").get_data(as_text=True)


def submit_on(app: Flask, form: Form, org: str, value: str) -> str:
    with runtime_of(app).session() as db:
        response = responses.create(db, org, form)
        responses.submit(db, response, parse_fields(form, complete_answers(form, value).items()))
        return response.id


def test_a_published_multichoice_field_is_filled_in_with_checkboxes(
    app: Flask, sign_in: Any
) -> None:
    topics = Field(
        "topics",
        "Trafikslag",
        "multichoice",
        False,
        "Välj alla som berörs.",
        (
            Choice("buss", "Buss"),
            Choice("tag", "Tåg"),
            Choice("farja", "Färja"),
        ),
    )
    v2 = dataclasses.replace(V1, version=2, metadata=(*V1.metadata, topics))
    with app.app_context():
        form_store.publish(get_db(), current_catalogue(), write_xlsform(v2), "v2.xlsx", "test")
    org = sign_in("karlskrona")
    page = org.client.get("/checklista/detaljplan/ny").get_data(as_text=True)
    assert re.search(r"<legend>(<span[^>]*>)?Trafikslag(</span>)? <span class=\"optional\">", page)
    assert 'type="checkbox" id="m-topics" name="m-topics" value="buss"' in page
    assert 'type="checkbox" id="m-topics-tag" name="m-topics" value="tag"' in page

    tokens = org.tokens("/checklista/detaljplan/ny")
    saved = org.client.post(
        "/checklista/detaljplan/ny",
        data={**tokens, "action": "draft", "m-plan_name": "Norra", "m-topics": ["buss", "farja"]},
    )
    assert saved.status_code == 302
    draft_id = saved.headers["Location"].split("/")[2].split("#")[0]
    with app.app_context():
        response = get_db().get(Response, draft_id)
        assert response is not None and response.data["metadata"]["topics"] == "buss farja"
    edit = org.client.get(f"/svar/{draft_id}/andra").get_data(as_text=True)
    assert 'value="farja" checked' in edit and 'value="tag" checked' not in edit
    assert "Buss, Färja" in org.client.get(f"/svar/{draft_id}").get_data(as_text=True)


def test_pages_keep_working_when_versions_cannot_be_checked(app: Flask, client: Any) -> None:
    with app.app_context():
        get_db().execute(text("DROP TABLE form_versions"))
        get_db().commit()
    page = client.get("/")
    assert page.status_code == 200
    assert "Checklista vid framtagande av detaljplan" in page.get_data(as_text=True)


def test_a_preview_overtaken_by_another_publication_is_shown_again(
    app: Flask, admin: Browser, tmp_path: Path
) -> None:
    page = upload(admin, write_xlsform(V2)).get_data(as_text=True)
    fields = dict(re.findall(r'name="(csrf_token|upload|version)" value="([^"]*)"', page))
    retitled = tmp_path / "rubrik.xlsx"
    retitled.write_bytes(write_xlsform(dataclasses.replace(V1, title="Ny rubrik", version=2)))
    assert forms_cli(app, "publish", str(retitled)).exit_code == 0

    overtaken = admin.client.post("/admin/checklistor/publicera", data=fields)
    text_ = overtaken.get_data(as_text=True)
    assert overtaken.status_code == 409
    assert "Någon annan publicerade version 2 medan du granskade" in text_
    assert "Granska Detaljplan version 3" in text_
    assert latest(app).version == 2 and latest(app).title == "Ny rubrik"

    fields = dict(re.findall(r'name="(csrf_token|upload|version)" value="([^"]*)"', text_))
    assert admin.client.post("/admin/checklistor/publicera", data=fields).status_code == 302
    assert latest(app).version == 3 and latest(app).find_item("dp_laddning") is not None


def test_a_workbook_near_the_upload_limit_previews_and_then_publishes(
    app: Flask, admin: Browser
) -> None:
    """The preview sends back only an id, so what previews also publishes (no 413)."""
    book = openpyxl.load_workbook(io.BytesIO(write_xlsform(V2)))
    notes = book.create_sheet("anteckningar")
    for _ in range(1800):
        notes.append([secrets.token_urlsafe(450)])  # incompressible: the file stays large
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    assert 750_000 < len(data) < app.config["MAX_CONTENT_LENGTH"] - 10_000
    # Encoded here in memory: the test client would spool a body this large to a file it
    # never closes.
    boundary, body = encode_multipart(
        {
            "csrf_token": csrf(admin, "/admin/checklistor/"),
            "workbook": FileStorage(io.BytesIO(data), "stor.xlsx"),
        }
    )
    page = admin.client.post(
        "/admin/checklistor/forhandsgranska",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    ).get_data(as_text=True)
    assert "Granska Detaljplan version 2" in page
    fields = dict(re.findall(r'name="(csrf_token|upload|version)" value="([^"]*)"', page))
    published = admin.client.post("/admin/checklistor/publicera", data=fields)
    assert published.status_code == 302
    assert same(latest(app), V2)
