"""Sessions that end: signing out, rotating the link or staying idle ends a session on the
server, so a copied cookie stops working too, on every instance. Also the secret key's
strength check and the caching headers of answers."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from service import create_app
from service.config import secret_bits
from service.db import get_db
from service.errors import StartupError
from service.models import AccessLink, SignedInSession
from service.runtime import settings_of
from tests.conftest import Browser, link_token

COOKIE = "checklistor_session"


def copy_of(browser: Browser, app: Flask) -> FlaskClient:
    """Another client holding the same session cookie, as a thief with a copy would."""
    thief = app.test_client()
    cookie = browser.client.get_cookie(COOKIE)
    assert cookie is not None
    thief.set_cookie(COOKIE, cookie.value)
    return thief


def test_signing_out_ends_the_session_for_every_copy_of_the_cookie(
    app: Flask, sign_in: Any
) -> None:
    browser = sign_in("karlskrona")
    thief = copy_of(browser, app)
    assert thief.get("/hem").status_code == 200
    reply = browser.client.post("/logga-ut", data=browser.tokens("/hem"))
    assert reply.status_code == 302
    assert browser.client.get("/hem").status_code == 401
    assert thief.get("/hem").status_code == 401
    assert thief.get("/hem/svar.xlsx").status_code == 401


def test_rotating_the_link_ends_its_sessions(app: Flask, sign_in: Any) -> None:
    browser, other = sign_in("karlskrona"), sign_in("ronneby")
    link_token(app, "karlskrona", rotate=True)
    assert browser.client.get("/hem").status_code == 401
    assert other.client.get("/hem").status_code == 200


def test_an_idle_session_ends_and_use_keeps_one_alive(app: Flask, sign_in: Any) -> None:
    idle = dt.timedelta(minutes=settings_of(app).session_idle_minutes)
    assert idle == dt.timedelta(hours=8)
    active, sleeper = sign_in("karlskrona"), sign_in("ronneby")

    def age(subject: str, by: dt.timedelta) -> None:
        with app.app_context():
            db = get_db()
            for row in db.scalars(
                select(SignedInSession).where(SignedInSession.subject == subject)
            ):
                row.last_seen -= by
            db.commit()

    age("karlskrona", idle - dt.timedelta(minutes=5))
    assert active.client.get("/hem").status_code == 200  # used: idle time starts again
    age("karlskrona", dt.timedelta(minutes=10))
    assert active.client.get("/hem").status_code == 200
    age("ronneby", idle + dt.timedelta(minutes=1))
    assert sleeper.client.get("/hem").status_code == 401


def test_a_cookie_from_before_server_side_sessions_is_not_accepted(
    app: Flask, sign_in: Any
) -> None:
    """A cookie signed with the right key but naming no session (the old format held the
    subject itself) is no sign-in."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["subject"] = "karlskrona"
        session["generation"] = 1
        session["sid"] = "made-up"
    link_token(app, "karlskrona")
    assert client.get("/hem").status_code == 401


def test_signing_out_on_one_instance_ends_the_session_on_another(
    tmp_path: Path, database_url: str
) -> None:
    key = secrets.token_urlsafe(32)
    config = {"SECRET_KEY": key, "DATABASE_URL": database_url, "TESTING": True}
    one = create_app({**config, "INSTANCE_PATH": str(tmp_path / "one")})
    two = create_app({**config, "INSTANCE_PATH": str(tmp_path / "two")})
    browser = Browser(one, AccessLink.ADMIN)
    elsewhere = copy_of(browser, two)
    assert elsewhere.get("/admin/").status_code == 200
    browser.client.post("/logga-ut", data=browser.tokens("/admin/"))
    assert elsewhere.get("/admin/").status_code == 401


@pytest.mark.parametrize(
    "key",
    ["s", "test-secret", "a" * 200, "correcthorsebatterystaple" * 4, secrets.token_urlsafe(24)],
)
def test_a_weak_secret_key_stops_the_start_with_how_to_make_one(
    tmp_path: Path, database_url: str, key: str
) -> None:
    with pytest.raises(StartupError) as caught:
        create_app(
            {"SECRET_KEY": key, "DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path)}
        )
    assert "SECRET_KEY är för svag" in str(caught.value)
    assert "secrets.token_urlsafe(32)" in str(caught.value)


def test_random_keys_made_the_usual_ways_pass() -> None:
    for _ in range(500):
        assert secret_bits(secrets.token_urlsafe(32)) >= 256
        assert secret_bits(secrets.token_hex(32)) >= 256


def test_the_generated_default_key_starts(tmp_path: Path, database_url: str) -> None:
    app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path)})
    assert secret_bits(app.config["SECRET_KEY"]) >= 256
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_downloads_holding_answers_are_never_cached(admin: Browser, sign_in: Any) -> None:
    org = sign_in("karlskrona")
    for client, url in (
        (org.client, "/hem/svar.xlsx"),
        (admin.client, "/admin/export.xlsx"),
        (admin.client, "/admin/checklistor/detaljplan.xlsx"),
        (org.client, "/hem"),
    ):
        reply = client.get(url)
        reply.close()
        assert reply.status_code == 200, url
        assert reply.headers["Cache-Control"] == "no-store, private", url
