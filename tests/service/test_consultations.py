"""Samråd through the test client: Karlskrona asks Region Blekinge and Trafikverket about a
detaljplan; they save drafts, send, add; Karlskrona replies, marks handled, closes; the next
stage shows what is still open; nothing is ever deleted."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from forms.clock import swedish_today
from service.consultations import requests
from service.db import get_db
from service.models import Consultation, ConsultationComment, ConsultationInvite
from tests.conftest import Browser, complete_answers
from tests.service.consultation_steps import (
    FORM,
    ask,
    counts,
    make_request,
    plan_id_of,
    post,
    submit_plan,
)


@pytest.fixture
def asked(app: Flask, sign_in: Any, catalogue: Any) -> tuple[Browser, str, str]:
    """Karlskrona's samråd stage, shared with Region Blekinge and Trafikverket."""
    return make_request(sign_in, catalogue)


def test_the_ask_form_offers_the_usual_organisations_and_three_weeks(
    app: Flask, sign_in: Any, catalogue: Any
) -> None:
    karlskrona = sign_in("karlskrona")
    response_id = submit_plan(karlskrona, catalogue.latest(FORM))
    plan_page = karlskrona.client.get(f"/plan/{plan_id_of(app, response_id)}").get_data(
        as_text=True
    )
    assert "Be om synpunkter på Samråd, version 1" in plan_page
    page = karlskrona.client.get(f"/svar/{response_id}/be-om-synpunkter").get_data(as_text=True)
    checked = set(re.findall(r'name="org" value="([a-z-]+)" checked', page))
    assert checked == {"region-blekinge", "lansstyrelsen-blekinge", "trafikverket"}
    assert 'value="ronneby"' in page and 'value="karlskrona"' not in page
    assert f'value="{requests.default_reply_by().isoformat()}"' in page
    assert requests.default_reply_by(dt.date(2026, 12, 20)) == dt.date(2027, 1, 10)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"org": []}, "Välj minst en organisation"),
        ({"org": ["karlskrona"]}, "Välj organisationerna i listan"),
        ({"org": ["finns-inte"]}, "Välj organisationerna i listan"),
        ({"reply_by": "2026-02-30"}, "ÅÅÅÅ-MM-DD"),
        ({"reply_by": "２０２６-03-15"}, "ÅÅÅÅ-MM-DD"),
        ({"reply_by": "2001-01-01"}, "kan inte ha passerat"),
        ({"reply_by": "2999-01-01"}, "högst ett år"),
        ({"message": "x" * 5001}, "högst 5000 tecken"),
        ({"by": "x" * 201}, "högst 200 tecken"),
    ],
)
def test_a_faulty_request_is_shown_again_with_the_fault_and_nothing_is_written(
    app: Flask, sign_in: Any, catalogue: Any, fields: dict[str, Any], message: str
) -> None:
    karlskrona = sign_in("karlskrona")
    response_id = submit_plan(karlskrona, catalogue.latest(FORM))
    data = {"org": ["trafikverket"], "message": "Vårt meddelande", **fields}
    reply = ask(karlskrona, response_id, **{"orgs": data.pop("org")}, **data)
    page = reply.get_data(as_text=True)
    assert reply.status_code == 400
    assert message in page and 'class="error-summary"' in page
    if "message" not in fields:
        assert "Vårt meddelande" in page  # what was typed is kept
    assert counts(app)[:3] == (0, 0, 0)


def test_the_whole_round(app: Flask, sign_in: Any, catalogue: Any, asked: Any) -> None:
    karlskrona, response_id, cid = asked
    form = catalogue.latest(FORM)
    items = list(form.items)
    region, verket, lan = (
        sign_in("region-blekinge"),
        sign_in("trafikverket"),
        sign_in("lansstyrelsen-blekinge"),
    )
    respond = f"/samrad/{cid}/yttrande"

    # Asked organisations see it on their home; one not asked does not.
    home = region.client.get("/hem").get_data(as_text=True)
    assert "Att yttra sig över" in home and respond in home and "Hästö 4:12" in home
    assert "Karlskrona kommun" in home and "Inte besvarad" in home
    assert respond not in lan.client.get("/hem").get_data(as_text=True)
    assert lan.client.get(respond).status_code == 404

    # The consultee's page: the answers read-only, a box at each question.
    page = region.client.get(respond).get_data(as_text=True)
    assert "Se 3." in page and items[0].question in page
    assert page.count('name="kind-') == form.item_count * 4
    assert f'name="{items[0].answer_name}"' not in page  # nothing of the form to change

    # A draft is seen only by its own organisation.
    draft = {
        "action": "draft",
        f"kind-{items[0].id}": "atgard",
        f"text-{items[0].id}": "Hållplatsen ligger för långt bort.",
        "by": "Kollektivtrafikplanerare",
    }
    assert post(region, respond, draft).status_code == 302
    assert "Hållplatsen ligger för långt bort." in region.client.get(respond).get_data(as_text=True)
    assert "Hållplatsen ligger" not in verket.client.get(respond).get_data(as_text=True)
    assert "Hållplatsen ligger" not in karlskrona.client.get(f"/samrad/{cid}").get_data(
        as_text=True
    )

    # Sending needs something to send.
    empty = post(verket, respond, {"action": "send"})
    assert empty.status_code == 400 and "minst en kommentar" in empty.get_data(as_text=True)
    # A comment without a kind is refused, and what was typed stays.
    no_kind = post(verket, respond, {"action": "send", f"text-{items[1].id}": "Utan sort"})
    assert no_kind.status_code == 400
    assert "Utan sort" in no_kind.get_data(
        as_text=True
    ) and "för din kommentar till fråga 2" in no_kind.get_data(as_text=True)
    assert counts(app)[2] == 1  # only the region's draft

    sent = {**draft, "action": "send", "statement": "Region Blekinge tillstyrker med ändringar."}
    reply = post(region, respond, sent)
    assert reply.status_code == 302
    assert "Dina synpunkter är skickade" in region.client.get(respond).get_data(as_text=True)
    verket_sent = {"action": "send", f"kind-{items[0].id}": "instammer", "by": "Trafikverket Syd"}
    assert post(verket, respond, verket_sent).status_code == 302

    # Sent comments of all consultees are visible to every consultee of the request.
    seen = verket.client.get(respond).get_data(as_text=True)
    assert "Hållplatsen ligger för långt bort." in seen and "tillstyrker med ändringar" in seen
    asker = karlskrona.client.get(f"/samrad/{cid}").get_data(as_text=True)
    assert "Besvarad av 2 av 2" in asker and "Kollektivtrafikplanerare" in asker
    assert "Behöver åtgärdas" in asker and "Inte hanterad ännu" in asker

    # After sending: a new comment is added to the thread; the first is never rewritten.
    added = {
        "action": "send",
        f"kind-{items[0].id}": "",
        f"text-{items[0].id}": "Tillägg: 600 m.",
    }
    assert post(region, respond, added).status_code == 302
    with app.app_context():
        rows = (
            get_db()
            .scalars(
                select(ConsultationComment)
                .where(ConsultationComment.org == "region-blekinge")
                .order_by(ConsultationComment.id)
            )
            .all()
        )
        first = rows[0]
        assert first.text == "Hållplatsen ligger för långt bort." and first.kind == "atgard"
        assert rows[-1].parent_id == first.id and rows[-1].text == "Tillägg: 600 m."
        invite = (
            get_db()
            .scalars(select(ConsultationInvite).where(ConsultationInvite.org == "region-blekinge"))
            .one()
        )
        assert invite.answered_by == "Kollektivtrafikplanerare"
        thread_id = first.id

    # The asking organisation replies and marks the thread handled with a note.
    page_url = f"/samrad/{cid}"
    no_text = post(
        karlskrona, f"{page_url}/tradar/{thread_id}/svar", {f"reply-{thread_id}": " "}, page_url
    )
    assert no_text.status_code == 400 and "Skriv ditt svar" in no_text.get_data(as_text=True)
    reply = post(
        karlskrona,
        f"{page_url}/tradar/{thread_id}/svar",
        {f"reply-{thread_id}": "Vi ser över läget."},
        page_url,
    )
    assert reply.status_code == 302
    assert "Vi ser över läget." in verket.client.get(respond).get_data(as_text=True)

    # The next stage shows the open "Behöver åtgärdas" at its question.
    plan_id = plan_id_of(app, response_id)
    start = post(
        karlskrona, f"/plan/{plan_id}/nytt-skede", {"stage": "granskning"}, f"/plan/{plan_id}"
    )
    next_form = karlskrona.client.get(start.location).get_data(as_text=True)
    assert "Behöver åtgärdas enligt samrådet: fråga 1" in next_form
    assert "Hållplatsen ligger för långt bort." in next_form and "Vi ser över läget." in next_form
    assert "Region Blekinge tillstyrker" not in next_form  # not raised as an action
    same_stage = karlskrona.client.get(f"/svar/{response_id}/andra").get_data(as_text=True)
    assert "Behöver åtgärdas enligt samrådet: fråga 1" in same_stage  # its next version too

    handled_url = f"{page_url}/tradar/{thread_id}/hanterad"
    no_note = post(karlskrona, handled_url, {f"note-{thread_id}": ""}, page_url)
    assert no_note.status_code == 400 and "Skriv hur synpunkten" in no_note.get_data(as_text=True)
    note = {f"note-{thread_id}": "Hållplatsen flyttad i granskningshandlingen"}
    assert post(karlskrona, handled_url, note, page_url).status_code == 302
    assert post(karlskrona, handled_url, note, page_url).status_code == 400  # only once
    assert "Behöver åtgärdas enligt samrådet" not in karlskrona.client.get(start.location).get_data(
        as_text=True
    )
    assert "Hållplatsen flyttad i granskningshandlingen" in region.client.get(respond).get_data(
        as_text=True
    )

    # Everyone has answered: the request can be closed; then nothing more can be sent.
    assert post(karlskrona, f"{page_url}/avsluta", {}, page_url).status_code == 302
    plan_page = karlskrona.client.get(f"/plan/{plan_id}").get_data(as_text=True)
    assert "Avslutad" in plan_page and f"/samrad/{cid}" in plan_page
    closed = post(
        region, respond, {"action": "send", "statement": "Sent"}, f"/samrad/{cid}/yttrande"
    )
    assert closed.status_code == 400
    assert respond not in region.client.get("/hem").get_data(as_text=True)


def test_closing_waits_for_every_answer_or_the_date(app: Flask, asked: Any) -> None:
    karlskrona, _response_id, cid = asked
    page_url = f"/samrad/{cid}"
    assert "Avsluta samrådet" not in karlskrona.client.get(page_url).get_data(as_text=True)
    early = post(karlskrona, f"{page_url}/avsluta", {}, page_url)
    assert early.status_code == 400 and "kan avslutas när" in early.get_data(as_text=True)
    with app.app_context():
        db = get_db()
        db.get(Consultation, cid).reply_by = swedish_today() - dt.timedelta(days=1)
        db.commit()
    page = karlskrona.client.get(page_url).get_data(as_text=True)
    assert "sista svarsdagen har passerat" in page and "Avsluta samrådet" in page
    assert post(karlskrona, f"{page_url}/avsluta", {}, page_url).status_code == 302


def test_overdue_requests_come_first_on_the_consultees_home(
    app: Flask, sign_in: Any, catalogue: Any, asked: Any
) -> None:
    _karlskrona, _response_id, first = asked
    ronneby = sign_in("ronneby")
    other = submit_plan(ronneby, catalogue.latest(FORM), **{"m-plan_name": "Ronneby centrum"})
    assert ask(ronneby, other, ["trafikverket"]).status_code == 302
    with app.app_context():
        db = get_db()
        db.get(Consultation, first).reply_by = swedish_today() - dt.timedelta(days=2)
        db.commit()
    home = sign_in("trafikverket").client.get("/hem").get_data(as_text=True)
    assert home.index("Hästö 4:12") < home.index("Ronneby centrum")
    assert "Försenad" in home


def test_withdrawing_marks_and_keeps_everything(app: Flask, sign_in: Any, asked: Any) -> None:
    karlskrona, response_id, cid = asked
    region = sign_in("region-blekinge")
    respond = f"/samrad/{cid}/yttrande"
    assert (
        post(region, respond, {"action": "send", "statement": "Vi hinner inte."}).status_code == 302
    )
    before = counts(app)
    assert post(karlskrona, f"/samrad/{cid}/aterkalla", {}, f"/samrad/{cid}").status_code == 302
    assert counts(app)[:3] == before[:3]  # nothing deleted
    with app.app_context():
        assert get_db().get(Consultation, cid).withdrawn_at is not None
    page = region.client.get(respond).get_data(as_text=True)
    assert "har återkallat begäran" in page and 'name="statement"' not in page
    assert "Vi hinner inte." not in page
    assert post(region, respond, {"action": "send", "statement": "x"}, "/hem").status_code == 400
    assert "Återkallad" in karlskrona.client.get(f"/plan/{plan_id_of(app, response_id)}").get_data(
        as_text=True
    )
    # The same revision can be shared again once the first request is withdrawn.
    assert ask(karlskrona, response_id, ["region-blekinge"]).status_code == 302


def test_an_emptied_draft_is_marked_not_deleted(
    app: Flask, sign_in: Any, catalogue: Any, asked: Any
) -> None:
    _karlskrona, _response_id, cid = asked
    item = next(catalogue.latest(FORM).items)
    region = sign_in("region-blekinge")
    respond = f"/samrad/{cid}/yttrande"
    post(
        region,
        respond,
        {"action": "draft", f"kind-{item.id}": "synpunkt", f"text-{item.id}": "Först"},
    )
    post(region, respond, {"action": "draft", f"kind-{item.id}": "", f"text-{item.id}": ""})
    with app.app_context():
        row = get_db().scalars(select(ConsultationComment)).one()
        assert row.text == "Först" and row.withdrawn_at is not None and row.sent_at is None
    assert "Först" not in region.client.get(respond).get_data(as_text=True)


def test_a_later_revision_can_be_shared_again(
    app: Flask, sign_in: Any, catalogue: Any, asked: Any
) -> None:
    karlskrona, response_id, _cid = asked
    form = catalogue.latest(FORM)
    again = ask(karlskrona, response_id, ["region-blekinge"])
    assert again.status_code == 400  # already asked about this revision
    data = {**complete_answers(form), "m-stage": "samrad", "m-plan_name": "Hästö 4:12"}
    karlskrona.post_form(f"/svar/{response_id}/andra", data)
    assert ask(karlskrona, response_id, ["region-blekinge"]).status_code == 302
    with app.app_context():
        revisions = sorted(get_db().scalars(select(Consultation.revision)).all())
    assert revisions == [1, 2]


def test_unknown_fields_and_kinds_are_refused(
    app: Flask, sign_in: Any, catalogue: Any, asked: Any
) -> None:
    _karlskrona, _response_id, cid = asked
    item = next(catalogue.latest(FORM).items)
    region = sign_in("region-blekinge")
    respond = f"/samrad/{cid}/yttrande"
    for data in (
        {"action": "send", "text-okand": "x"},
        {"action": "send", f"kind-{item.id}": "<script>", f"text-{item.id}": "x"},
        {"action": "publicera", "statement": "x"},
        {"action": "send", "statement": "y" * 10001},
    ):
        assert post(region, respond, data).status_code == 400
    assert counts(app)[2] == 0


def test_the_pages_in_english(app: Flask, sign_in: Any, asked: Any) -> None:
    karlskrona, response_id, cid = asked
    region = sign_in("region-blekinge")
    assert (
        post(region, f"/samrad/{cid}/yttrande", {"action": "send", "statement": "Ok"}).status_code
        == 302
    )
    for browser in (karlskrona, region):
        browser.client.set_cookie("checklistor_lang", "en")
    pages = [
        (karlskrona, f"/svar/{response_id}/be-om-synpunkter", "Ask for comments"),
        (karlskrona, f"/samrad/{cid}", "Answered by 1 of 2"),
        (karlskrona, f"/plan/{plan_id_of(app, response_id)}", "Consultation"),
        (region, f"/samrad/{cid}/yttrande", "Statement on"),
        (region, "/hem", "To comment on"),
    ]
    for browser, url, text in pages:
        reply = browser.client.get(url)
        assert reply.status_code == 200 and text in reply.get_data(as_text=True), url
