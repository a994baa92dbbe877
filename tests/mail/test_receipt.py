"""The receipt e-mail, sent through a real SMTP server on loopback and read from it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from forms import Form
from service.mail.sender import send_pending
from service.models import MailMessage, Response
from service.runtime import runtime_of
from support.answers import complete_answers
from tests.conftest import Browser
from tests.mail.conftest import MAIL_FROM
from tests.mail.smtp_server import USER, Certificates, smtp_server


def submit(app: Flask, form: Form, **answers: str) -> str:
    """Submit a complete detaljplan as Karlskrona; returns the response id."""
    browser = Browser(app, "karlskrona")
    data = {**complete_answers(form), **answers}
    posted = browser.post_form(f"/checklista/{form.id}/ny", data)
    assert posted.status_code == 302, posted.get_data(as_text=True)
    return posted.headers["Location"].split("/")[2]


def queued(app: Flask) -> list[MailMessage]:
    with runtime_of(app).session() as db:
        return list(db.scalars(select(MailMessage).order_by(MailMessage.id)))


def test_the_receipt_arrives_once_in_swedish_with_text_and_html(
    mail_app: Callable[..., Flask], port: int, trust: Certificates, catalogue: Any
) -> None:
    app = mail_app(port)
    form = catalogue.get("detaljplan")
    with smtp_server(trust, port) as inbox:
        response_id = submit(
            app, form, **{"m-plan_name": "Hästö 4:12", "m-diarienummer": "SBN 2026/117"}
        )
        assert not inbox.arrived  # queued with the submission, sent by the pass after commit
        assert [m.recipient for m in queued(app)] == ["planerare@karlskrona.se"]

        first = send_pending(runtime_of(app))
        again = send_pending(runtime_of(app), force=True)

    assert (first.sent, again.sent) == (1, 0)
    assert len(inbox.arrived) == 1
    arrived = inbox.arrived[0]
    assert arrived.envelope_to == ["planerare@karlskrona.se"]
    assert arrived.user == USER and arrived.tls  # logged in, after STARTTLS
    mail = arrived.message
    assert mail["Subject"] == "Kvitto: Detaljplan för Hästö 4:12, Planbesked"
    assert mail["From"].addresses[0].addr_spec == MAIL_FROM
    assert mail["From"].addresses[0].display_name == "Region Blekinge – Checklistor"
    assert mail["Reply-To"].addresses[0].addr_spec == "region@regionblekinge.se"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["Message-ID"].endswith("@checklistor.example.se>")
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    page = f"https://checklistor.example.se/svar/{response_id}"
    for body in (text, html):
        assert "Karlskrona kommun har skickat in Checklista vid framtagande av detaljplan" in body
        assert "SBN 2026/117" in body and "Planbesked" in body
        assert page in body
        assert "/in/" not in body  # never a sign-in link
        assert "som Region Blekinge driver" in body  # who sent it
        assert "Din e-postadress angavs som kontaktperson" in body  # and why
    assert "Version av svaret: 1" in text
    assert f'<a href="{page}">' in html and "<strong>Hästö 4:12</strong>" in html


def test_each_submission_gets_its_own_receipt_and_a_draft_none(
    mail_app: Callable[..., Flask], port: int, trust: Certificates, catalogue: Any
) -> None:
    app = mail_app(port)
    form = catalogue.get("detaljplan")
    browser = Browser(app, "karlskrona")
    response_id = submit(app, form)
    edit = f"/svar/{response_id}/andra"
    browser.post_form(edit, complete_answers(form), action="draft")
    browser.post_form(edit, complete_answers(form, "nej", email="ny@karlskrona.se"))
    with smtp_server(trust, port) as inbox:
        assert send_pending(runtime_of(app)).sent == 2
    assert [a.envelope_to for a in inbox.arrived] == [
        ["planerare@karlskrona.se"],
        ["ny@karlskrona.se"],
    ]
    assert "Version av svaret: 2" in inbox.arrived[1].message.get_body(("plain",)).get_content()


# aiosmtpd cannot tell that TLS from the first byte is TLS, so AUTH is allowed by hand.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_implicit_tls_with_smtps(
    mail_app: Callable[..., Flask], port: int, trust: Certificates, catalogue: Any
) -> None:
    app = mail_app(port, scheme="smtps")
    submit(app, catalogue.get("oversiktsplan"))
    with smtp_server(trust, port, implicit_tls=True) as inbox:
        assert send_pending(runtime_of(app)).sent == 1
    assert inbox.arrived[0].user == USER
    assert inbox.arrived[0].message["Subject"].startswith("Kvitto: Översiktsplan för ")


def test_without_smtp_the_receipt_is_an_eml_file_in_the_instance_folder(
    mail_app: Callable[..., Flask], catalogue: Any, tmp_path: Path
) -> None:
    app = mail_app(None)
    submit(app, catalogue.get("detaljplan"), **{"m-plan_name": "Vämö park"})
    assert send_pending(runtime_of(app)).sent == 1
    files = list((tmp_path / "instance" / "mail").glob("*.eml"))
    assert len(files) == 1
    text = files[0].read_text(encoding="utf-8")
    assert "To: planerare@karlskrona.se" in text
    assert re.search(r"^Subject: .+", text, re.M)
    assert send_pending(runtime_of(app), force=True).sent == 0
    assert len(list((tmp_path / "instance" / "mail").glob("*.eml"))) == 1
    with runtime_of(app).session() as db:
        response = db.scalars(select(Response)).one()
        assert response.title == "Vämö park"
        assert isinstance(db.scalars(select(MailMessage.sent_at)).one(), dt.datetime)
