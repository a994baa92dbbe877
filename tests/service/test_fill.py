"""Filling in: rendering, drafts, submitting, revisions, and bad input storing nothing."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from forms import Form, load_catalogue
from service.db import get_db
from service.models import Response, Revision
from support.answers import complete_answers
from tests.conftest import CSRF_PATTERN, link_token

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def stored(app: Flask) -> list[Response]:
    with app.app_context():
        return list(get_db().scalars(select(Response)))


def revision_count(app: Flask) -> int:
    with app.app_context():
        return get_db().scalar(select(func.count()).select_from(Revision)) or 0


@pytest.mark.parametrize("form_id", [f.id for f in load_catalogue().current()])
def test_each_checklist_renders_with_all_items(sign_in: Any, catalogue: Any, form_id: str) -> None:
    form: Form = catalogue.latest(form_id)
    page = sign_in().client.get(f"/checklista/{form_id}/ny").get_data(as_text=True)
    for item in form.items:
        assert page.count(f'name="{item.answer_name}"') == 4
        assert f'name="{item.comment_name}"' in page
        if item.help:
            assert f'aria-describedby="{item.answer_name}-help"' in page
    assert page.count('<fieldset class="section"') == len(form.sections) + 1
    for spec in form.metadata:
        assert f'id="{spec.input_name}"' in page and f'for="{spec.input_name}"' in page


def test_full_submission_round_trip_stores_exactly_what_was_sent(
    app: Flask, sign_in: Any, catalogue: Any
) -> None:
    form = catalogue.latest("oversiktsplan")
    data = complete_answers(form)
    item = next(form.items)
    data[item.answer_name] = "delvis"
    data[item.comment_name] = "Busskörfält saknas\nmellan A och B <script>"
    browser = sign_in("ronneby")
    reply = browser.post_form("/checklista/oversiktsplan/ny", data)
    assert reply.status_code == 302 and "/kvitto/1" in reply.location

    [response] = stored(app)
    assert (response.org, response.form_id, response.form_version) == (
        "ronneby",
        "oversiktsplan",
        1,
    )
    assert response.status == "submitted" and response.revision == 1
    sent_meta = {k[2:]: v for k, v in data.items() if k.startswith("m-")}
    assert response.data["metadata"] == sent_meta
    for it in form.items:
        stored_answer = response.data["answers"][it.id]
        assert stored_answer["value"] == data[it.answer_name]
        assert stored_answer["comment"] == data[it.comment_name]
    assert revision_count(app) == 1

    receipt = browser.client.get(reply.location).get_data(as_text=True)
    year = response.created_at.year
    assert "Checklistan är inskickad" in receipt and f"OP-{year}-0001" in receipt
    assert f">{response.id}<" not in receipt  # the reference is what people quote
    view = browser.client.get(f"/svar/{response.id}").get_data(as_text=True)
    assert "Busskörfält saknas\nmellan A och B &lt;script&gt;" in view


def test_draft_saves_partial_answers_and_comes_back(
    app: Flask, sign_in: Any, catalogue: Any
) -> None:
    form = catalogue.latest("detaljplan")
    first = next(form.items)
    browser = sign_in()
    reply = browser.post_form(
        "/checklista/detaljplan/ny",
        {"m-plan_name": "Kv. Hamnen", first.answer_name: "nej"},
        action=f"draft@{first.section_id}",
    )
    assert reply.status_code == 302 and reply.location.endswith(f"/andra#{first.section_id}")
    [response] = stored(app)
    assert response.status == "draft" and response.revision == 0
    assert response.data == {
        "metadata": {"plan_name": "Kv. Hamnen"},
        "answers": {first.id: {"value": "nej", "comment": ""}},
    }
    assert revision_count(app) == 0
    page = browser.client.get(reply.location.split("#")[0]).get_data(as_text=True)
    assert "Utkastet är sparat" in page
    assert 'value="Kv. Hamnen"' in page
    assert re.search(rf'name="{first.answer_name}" value="nej" checked', page)
    home = browser.client.get("/hem").get_data(as_text=True)
    assert "Kv. Hamnen" in home and "1 av 36" in home


def test_missing_answers_come_back_with_summary_and_typed_text(
    app: Flask, sign_in: Any, catalogue: Any
) -> None:
    form = catalogue.latest("trafikforsorjningsprogram")
    items = list(form.items)
    browser = sign_in()
    data = {
        "m-plan_name": "TFP 2027–2030",
        "m-contact_email": "fel-adress",
        items[0].answer_name: "ja",
        items[0].comment_name: "Min kommentar som inte får försvinna",
    }
    reply = browser.post_form("/checklista/trafikforsorjningsprogram/ny", data)
    assert reply.status_code == 422
    page = reply.get_data(as_text=True)
    assert "fel att rätta" in page
    assert f'<a href="#{items[1].answer_name}">' in page and f'id="{items[1].answer_name}"' in page
    email = form.find_field("contact_email")
    assert email is not None
    assert f'<a href="#m-contact_email">{email.label}: ange en e-postadress' in page
    # Missing answers name the question's number and text, grouped under their section.
    assert f"Fråga 2, ”{items[1].question}”: välj ett svar." in page
    assert f"<h3>1. {form.sections[0].title}</h3>" in page
    assert 'id="m-contact_email-error"' in page
    assert 'aria-describedby="m-contact_email-error"' in page
    assert 'value="TFP 2027–2030"' in page and 'value="fel-adress"' in page
    assert "Min kommentar som inte får försvinna</textarea>" in page
    assert re.search(rf'name="{items[0].answer_name}" value="ja" checked', page)
    assert stored(app) == []


def test_changing_a_submitted_response_makes_a_new_revision(
    app: Flask, sign_in: Any, catalogue: Any
) -> None:
    form = catalogue.latest("detaljplan")
    browser = sign_in()
    data = complete_answers(form)
    browser.post_form("/checklista/detaljplan/ny", data)
    [response] = stored(app)
    item = next(form.items)

    data[item.answer_name] = "nej"
    edit_url = f"/svar/{response.id}/andra"
    browser.post_form(edit_url, data, action="draft")
    [response] = stored(app)
    assert response.unsubmitted_changes and response.revision == 1
    assert response.data["answers"][item.id]["value"] == "nej"

    reply = browser.post_form(edit_url, data)
    assert reply.location.endswith("/kvitto/2")
    with app.app_context():
        revisions = list(get_db().scalars(select(Revision).order_by(Revision.number)))
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[0].data["answers"][item.id]["value"] == "ja"
    assert revisions[1].data["answers"][item.id]["value"] == "nej"
    old = browser.client.get(f"/svar/{response.id}?revision=1").get_data(as_text=True)
    assert "det finns en senare version" in old


def test_a_stale_page_is_not_silently_overwritten(app: Flask, sign_in: Any, catalogue: Any) -> None:
    form = catalogue.latest("detaljplan")
    first = next(form.items)
    browser = sign_in()
    browser.post_form("/checklista/detaljplan/ny", {"m-plan_name": "A"}, action="draft")
    [response] = stored(app)
    url = f"/svar/{response.id}/andra"
    stale = browser.tokens(url)
    browser.post_form(url, {"m-plan_name": "B"}, action="draft")
    reply = browser.client.post(
        url, data={**stale, "m-plan_name": "C", first.answer_name: "ja", "action": "draft"}
    )
    assert reply.status_code == 409
    assert "ändrats någon annanstans" in reply.get_data(as_text=True)
    assert 'value="C"' in reply.get_data(as_text=True)
    assert stored(app)[0].data["metadata"]["plan_name"] == "B"
    # Saving again from the page shown with the conflict replaces the other version.
    again = browser.post_form(url, {"m-plan_name": "C"}, action="draft")
    assert again.status_code == 302 and stored(app)[0].data["metadata"]["plan_name"] == "C"


@pytest.mark.parametrize(
    ("fields", "status", "text"),
    [
        ({"a-finns_inte": "ja"}, 400, "inte hör till den här checklistan"),
        ({"m-okant_falt": "x"}, 400, "inte hör till den här checklistan"),
        ({"a-{item}": "kanske"}, 422, "välj ett av svarsalternativen"),
        ({"m-plan_name": "x" * 400}, 422, "högst 300 tecken"),
        ({"c-{item}": "x" * 6000}, 422, "högst 5000 tecken"),
    ],
)
def test_bad_input_gives_4xx_and_stores_nothing(
    app: Flask, sign_in: Any, catalogue: Any, fields: dict[str, str], status: int, text: str
) -> None:
    form = catalogue.latest("oversiktsplan")
    data = complete_answers(form)
    first = next(form.items).id
    data.update({name.format(item=first): value for name, value in fields.items()})
    for action in ("draft", "submit"):
        reply = sign_in().post_form("/checklista/oversiktsplan/ny", data, action=action)
        assert reply.status_code == status
        assert text in reply.get_data(as_text=True)
    assert stored(app) == []


def test_unknown_action_is_refused(app: Flask, sign_in: Any) -> None:
    reply = sign_in().post_form("/checklista/detaljplan/ny", {"m-plan_name": "A"}, action="radera")
    assert reply.status_code == 400 and stored(app) == []


def test_missing_csrf_token_stores_nothing(app: Flask, sign_in: Any) -> None:
    browser = sign_in()
    reply = browser.client.post(
        "/checklista/detaljplan/ny", data={"m-plan_name": "A", "action": "draft"}
    )
    assert reply.status_code == 400
    assert "Sidan hann bli för gammal för att spara" in reply.get_data(as_text=True)
    assert stored(app) == []
    logout = browser.client.post("/logga-ut")  # every other form keeps the automatic check
    assert logout.status_code == 400 and "inget sparades" in logout.get_data(as_text=True)


def test_request_body_over_the_limit_gets_swedish_413(app: Flask, sign_in: Any) -> None:
    browser = sign_in()
    tokens = browser.tokens("/checklista/detaljplan/ny")
    huge = "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    reply = browser.client.post(
        "/checklista/detaljplan/ny", data={**tokens, "c-dp_x": huge, "action": "draft"}
    )
    assert reply.status_code == 413
    assert "För mycket text på en gång" in reply.get_data(as_text=True)
    assert stored(app) == []


@pytest.mark.parametrize("url", ["/checklista/finns-inte/ny", "/svar/0123456789abcdef/andra"])
def test_unknown_form_or_response_is_404(sign_in: Any, url: str) -> None:
    reply = sign_in().client.get(url)
    assert reply.status_code == 404 and "Sidan finns inte" in reply.get_data(as_text=True)


def test_a_stale_page_keeps_what_was_typed(app: Flask, sign_in: Any, catalogue: Any) -> None:
    form = catalogue.latest("detaljplan")
    first = next(form.items)
    browser = sign_in()
    typed = {"m-plan_name": "Norra hamnen", first.comment_name: "Viktig kommentar"}
    reply = browser.client.post(
        "/checklista/detaljplan/ny", data={**typed, "csrf_token": "gammal", "action": "draft"}
    )
    assert reply.status_code == 400
    page = reply.get_data(as_text=True)
    assert "Sidan hann bli för gammal för att spara" in page
    assert 'value="Norra hamnen"' in page and "Viktig kommentar</textarea>" in page
    assert stored(app) == []
    again = browser.client.post(
        "/checklista/detaljplan/ny",
        data={**typed, "csrf_token": CSRF_PATTERN.search(page).group(1), "action": "draft"},
    )
    assert (
        again.status_code == 302 and stored(app)[0].data["metadata"]["plan_name"] == "Norra hamnen"
    )


def test_signed_out_while_typing_loses_nothing(app: Flask, sign_in: Any, catalogue: Any) -> None:
    form = catalogue.latest("detaljplan")
    first = next(form.items)
    browser = sign_in()
    tokens = browser.tokens("/checklista/detaljplan/ny")
    link_token(app, "karlskrona", rotate=True)  # the session ends while the page is open
    typed = {"m-plan_name": 'Kv. "Ankaret"', first.comment_name: "rad 1\nrad 2"}
    reply = browser.client.post(
        "/checklista/detaljplan/ny", data={**tokens, **typed, "action": "submit"}
    )
    assert reply.status_code == 401
    page = reply.get_data(as_text=True)
    assert "Det du skickade är inte sparat ännu" in page
    echoed = {name: html.unescape(value) for name, value in HIDDEN.findall(page)}
    assert echoed == {**typed, "lock_version": "0"}
    assert stored(app) == []

    browser.client.get(f"/in/{link_token(app, 'karlskrona')}")  # signs in again, new tab
    back = browser.client.post("/checklista/detaljplan/ny", data={**echoed, "action": "draft"})
    assert back.status_code == 400
    text = html.unescape(back.get_data(as_text=True))
    assert 'value="Kv. "Ankaret""' in text and "rad 1\nrad 2</textarea>" in text
    assert stored(app) == []


def test_a_database_failure_while_saving_keeps_what_was_typed(
    app: Flask, sign_in: Any, catalogue: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    from service import responses

    def database_away(*_args: Any, **_kwargs: Any) -> None:
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    form = catalogue.latest("detaljplan")
    data = complete_answers(form)
    data["m-plan_name"] = "Södra kajen"
    browser = sign_in()
    monkeypatch.setattr(responses, "submit", database_away)
    reply = browser.post_form("/checklista/detaljplan/ny", data)
    assert reply.status_code == 503
    page = reply.get_data(as_text=True)
    assert "Checklistan kunde inte sparas just nu" in page and 'value="Södra kajen"' in page
    assert "database is locked" not in page
    assert stored(app) == []
    monkeypatch.undo()
    retry = browser.client.post(
        "/checklista/detaljplan/ny",
        data={**data, "csrf_token": CSRF_PATTERN.search(page).group(1), "action": "submit"},
    )
    assert (
        retry.status_code == 302 and stored(app)[0].data["metadata"]["plan_name"] == "Södra kajen"
    )
