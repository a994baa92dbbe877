"""Access without accounts: sign-in links, rotation, and who may open what."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from service.db import get_db
from service.models import AccessLink, Response
from support.answers import complete_answers
from support.live import TEST_SECRET_KEY
from tests.conftest import link_token

OWN_ROUTES = [
    ("GET", "/svar/{id}"),
    ("GET", "/svar/{id}?revision=1"),
    ("GET", "/svar/{id}/andra"),
    ("POST", "/svar/{id}/andra"),
    ("GET", "/svar/{id}/kvitto/1"),
    ("GET", "/svar/{id}/version/1.pdf"),
]


@pytest.fixture
def submitted(app: Flask, sign_in: Any, catalogue: Any) -> str:
    """The id of a response submitted by Karlskrona."""
    form = catalogue.latest("detaljplan")
    sign_in("karlskrona").post_form("/checklista/detaljplan/ny", complete_answers(form))
    with app.app_context():
        return get_db().scalars(select(Response.id)).one()


def request(browser: Any, method: str, url: str) -> Any:
    if method == "POST":
        # The page's own tokens where it opens; otherwise a valid CSRF token from home.
        page = url if browser.client.get(url).status_code == 200 else "/hem"
        return browser.client.post(url, data={**browser.tokens(page), "action": "draft"})
    return browser.client.get(url)


@pytest.mark.parametrize(("method", "route"), OWN_ROUTES)
def test_every_route_with_an_id_is_404_for_another_organisation(
    app: Flask, sign_in: Any, submitted: str, method: str, route: str
) -> None:
    owner, other = sign_in("karlskrona"), sign_in("ronneby")
    url = route.format(id=submitted)
    assert request(owner, method, url).status_code in (200, 302)
    reply = request(other, method, url)
    assert reply.status_code == 404
    assert submitted not in reply.get_data(as_text=True)
    with app.app_context():
        assert get_db().get(Response, submitted).revision == 1  # nothing changed


@pytest.mark.parametrize(("method", "route"), OWN_ROUTES)
def test_without_a_session_every_route_asks_for_the_link(
    client: Any, submitted: str, method: str, route: str
) -> None:
    url = route.format(id=submitted)
    reply = client.get(url) if method == "GET" else client.post(url, data={"action": "draft"})
    assert reply.status_code in (400, 401)
    assert submitted not in reply.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/hem", "/checklista/detaljplan/ny", "/admin/"])
def test_pages_that_need_a_session(client: Any, url: str) -> None:
    reply = client.get(url)
    assert reply.status_code == 401
    assert "Logga in med din organisations länk" in reply.get_data(as_text=True)


def test_home_lists_only_own_plans(app: Flask, sign_in: Any, submitted: str) -> None:
    with app.app_context():
        plan = get_db().get(Response, submitted).plan
        link, reference = f"/plan/{plan.id}", plan.reference
    own = sign_in("karlskrona").client.get("/hem").get_data(as_text=True)
    assert link in own and reference in own
    assert link not in sign_in("ronneby").client.get("/hem").get_data(as_text=True)


def test_admin_sees_overview_and_may_read_but_not_edit(admin: Any, submitted: str) -> None:
    page = admin.client.get("/admin/").get_data(as_text=True)
    assert "Karlskrona kommun" in page and ">1 plan</a>" in page
    assert admin.client.get(f"/svar/{submitted}").status_code == 200
    assert admin.client.get(f"/svar/{submitted}/andra").status_code == 403
    assert admin.client.get("/hem").status_code == 403


def test_organisation_cannot_open_admin(sign_in: Any) -> None:
    assert sign_in("karlskrona").client.get("/admin/").status_code == 404


def test_sign_in_link_starts_a_session(app: Flask, client: Any) -> None:
    reply = client.get(f"/in/{link_token(app, 'solvesborg')}")
    assert reply.status_code == 302 and reply.location.endswith("/hem")
    assert "Sölvesborgs kommun" in client.get("/hem").get_data(as_text=True)
    cookie = reply.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_invalid_link_is_refused(client: Any) -> None:
    reply = client.get("/in/helt-fel-token")
    assert reply.status_code == 404
    assert "Länken fungerar inte" in reply.get_data(as_text=True)


def test_rotating_ends_the_old_link_and_its_sessions(app: Flask, client: Any) -> None:
    old = link_token(app, "karlshamn")
    assert link_token(app, "karlshamn") == old  # printing again gives the same link
    client.get(f"/in/{old}")
    assert client.get("/hem").status_code == 200
    new = link_token(app, "karlshamn", rotate=True)
    assert new != old
    assert client.get("/hem").status_code == 401
    assert client.get(f"/in/{old}").status_code == 404
    assert client.get(f"/in/{new}").status_code == 302


def test_links_are_stored_only_as_hashes(app: Flask) -> None:
    token = link_token(app, "olofstrom")
    with app.app_context():
        row = get_db().get(AccessLink, "olofstrom")
    assert row is not None and token not in row.token_hash and len(row.token_hash) == 64


def test_secure_cookie_when_configured(tmp_path: Any) -> None:
    from service import create_app

    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "i"),
            "SECRET_KEY": TEST_SECRET_KEY,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
            "SECURE_COOKIES": True,
        }
    )
    reply = app.test_client().get(f"/in/{link_token(app, 'ronneby')}")
    assert "Secure" in reply.headers["Set-Cookie"]


def test_two_processes_making_the_first_link_at_once_agree(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from service import access

    made_elsewhere = link_token(app, "ronneby")  # the other process's insert
    with app.app_context():
        db = get_db()
        real_get = db.get
        looks: list[str] = []

        def racing_get(entity: Any, key: Any, **kwargs: Any) -> Any:
            looks.append(key)  # the first look came before the other process committed
            return None if len(looks) == 1 else real_get(entity, key, **kwargs)

        monkeypatch.setattr(db, "get", racing_get)
        token = access.issue_link(db, app.config["SECRET_KEY"], "ronneby")
    assert token == made_elsewhere
    assert looks == ["ronneby", "ronneby"]  # the insert failed and the row was read instead
