"""Samråd routes: 404 for every organisation it is not for, 401 without a session, and
nothing written by a refused request."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from service.access import directory
from service.consultations.requests import default_reply_by
from service.db import get_db
from service.models import ConsultationComment
from tests.service.consultation_steps import counts, make_request, plan_id_of, post, submit_plan

# (method, route, posted fields); {r} the stage, {c} the request, {t} a comment thread.
ASKER_ROUTES = [
    ("GET", "/svar/{r}/be-om-synpunkter", {}),
    ("POST", "/svar/{r}/be-om-synpunkter", {"org": "ronneby", "reply_by": "{d}"}),
    ("GET", "/samrad/{c}", {}),
    ("POST", "/samrad/{c}/tradar/{t}/svar", {"reply-{t}": "Svar"}),
    ("POST", "/samrad/{c}/tradar/{t}/hanterad", {"note-{t}": "Klart"}),
    ("POST", "/samrad/{c}/avsluta", {}),
    ("POST", "/samrad/{c}/aterkalla", {}),
]
CONSULTEE_ROUTES = [
    ("GET", "/samrad/{c}/yttrande", {}),
    ("POST", "/samrad/{c}/yttrande", {"action": "send", "statement": "Yttrande"}),
]
ASKER = "karlskrona"
ASKED = {"region-blekinge", "trafikverket"}


@pytest.fixture
def ids(app: Flask, sign_in: Any, catalogue: Any) -> dict[str, str]:
    """A request with one sent comment thread: the ids the routes take."""
    _karlskrona, response_id, cid = make_request(sign_in, catalogue)
    region = sign_in("region-blekinge")
    reply = post(region, f"/samrad/{cid}/yttrande", {"action": "send", "statement": "Först"})
    assert reply.status_code == 302
    with app.app_context():
        thread = get_db().scalars(select(ConsultationComment.id)).one()
    verket = sign_in("trafikverket")  # everyone has answered: the request may be closed
    assert (
        post(verket, f"/samrad/{cid}/yttrande", {"action": "send", "statement": "Ok"}).status_code
        == 302
    )
    return {"r": response_id, "c": cid, "t": str(thread), "d": default_reply_by().isoformat()}


def fill(text: str, ids: dict[str, str]) -> str:
    return text.format(**ids)


def call(browser: Any, method: str, url: str, data: dict[str, str]) -> Any:
    if method == "GET":
        return browser.client.get(url)
    return post(browser, url, data, "/hem")


def others(app: Flask, allowed: set[str]) -> list[str]:
    with app.app_context():
        return [slug for slug in directory().slugs() if slug not in allowed]


@pytest.mark.parametrize(("method", "route", "fields"), ASKER_ROUTES + CONSULTEE_ROUTES)
def test_every_samrad_route_is_404_for_every_other_organisation(
    app: Flask, sign_in: Any, ids: dict[str, str], method: str, route: str, fields: dict[str, str]
) -> None:
    url = fill(route, ids)
    data = {fill(k, ids): fill(v, ids) for k, v in fields.items()}
    allowed = ASKED if (method, route, fields) in CONSULTEE_ROUTES else {ASKER}
    before = counts(app)
    for slug in others(app, allowed):
        reply = call(sign_in(slug), method, url, data)
        assert reply.status_code == 404, (slug, reply.status_code)
        page = reply.get_data(as_text=True)
        assert "Hästö" not in page and "Först" not in page
    assert counts(app) == before  # nothing written
    owner = sign_in(sorted(allowed)[0])
    page = owner.client.get(url) if method == "GET" else call(owner, method, url, data)
    assert page.status_code in (200, 302), page.get_data(as_text=True)[:1000]


@pytest.mark.parametrize(("method", "route", "fields"), ASKER_ROUTES + CONSULTEE_ROUTES)
def test_without_a_session_every_samrad_route_asks_for_the_link(
    app: Flask, client: Any, ids: dict[str, str], method: str, route: str, fields: dict[str, str]
) -> None:
    url = fill(route, ids)
    before = counts(app)
    if method == "GET":
        reply = client.get(url)
        assert reply.status_code == 401
        assert "Logga in med din organisations länk" in reply.get_data(as_text=True)
    else:
        reply = client.post(url, data={fill(k, ids): fill(v, ids) for k, v in fields.items()})
        assert reply.status_code in (400, 401)
    assert ids["c"] not in reply.get_data(as_text=True)
    assert counts(app) == before


def test_the_admin_is_sent_to_the_overview(admin: Any, ids: dict[str, str]) -> None:
    for route in ("/samrad/{c}", "/samrad/{c}/yttrande", "/svar/{r}/be-om-synpunkter"):
        assert admin.client.get(fill(route, ids)).status_code == 403


def test_a_consultee_sees_nothing_else_of_the_asking_organisation(
    app: Flask, sign_in: Any, catalogue: Any, ids: dict[str, str]
) -> None:
    """Not the plan, not the stage, not the asker's other plans, not another's drafts."""
    karlskrona = sign_in(ASKER)
    other = submit_plan(karlskrona, catalogue.latest("detaljplan"), **{"m-plan_name": "Annan plan"})
    verket = sign_in("trafikverket")
    item = next(catalogue.latest("detaljplan").items)
    draft = {"action": "draft", f"kind-{item.id}": "synpunkt", f"text-{item.id}": "Verkets utkast"}
    assert post(verket, fill("/samrad/{c}/yttrande", ids), draft).status_code == 302
    region = sign_in("region-blekinge")
    for url in (
        f"/plan/{plan_id_of(app, ids['r'])}",
        fill("/svar/{r}", ids),
        fill("/svar/{r}/andra", ids),
        f"/svar/{other}",
        f"/plan/{plan_id_of(app, other)}",
        fill("/svar/{r}/version/1.pdf", ids),
    ):
        assert region.client.get(url).status_code == 404, url
    assert "Verkets utkast" not in region.client.get(fill("/samrad/{c}/yttrande", ids)).get_data(
        as_text=True
    )
    assert "Annan plan" not in region.client.get("/hem").get_data(as_text=True)
