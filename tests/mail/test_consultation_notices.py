"""Samråd notices, sent through a real SMTP server on loopback and read from it."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from pathlib import Path

from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select

from forms.clock import swedish_today
from service.consultations import notices
from service.consultations.cli import Reminders, notify
from service.db import new_session
from service.mail.sender import send_pending
from service.models import Consultation, MailMessage
from service.runtime import runtime_of, settings_of
from support.live import service_env, stop, sync_worker
from tests.consultation_rows import ask, organisations_file, submitted_plan, update, write
from tests.mail.smtp_server import Arrived, Certificates, smtp_server

PUBLIC = "https://checklistor.example.se"
REGION, TRAFIKVERKET, KARLSKRONA = (
    "samrad@regionblekinge.se",
    "samrad@trafikverket.se",
    "plan@karlskrona.se",
)


def make_app(
    mail_app: Callable[..., Flask], port: int | None, tmp_path: Path, **boxes: str
) -> Flask:
    path = organisations_file(tmp_path / "orgs", boxes) if boxes else organisations_file(tmp_path)
    return mail_app(port, ORGANISATIONS=str(path))


def consultation(app: Flask, consultation_id: str) -> Consultation:
    with new_session(app) as db:
        found = db.get(Consultation, consultation_id)
        assert found is not None
        found.invites  # noqa: B018 (loaded before the session closes)
        return found


def queue(app: Flask, action: Callable[..., object], *args: object) -> object:
    """Run a notice in a session and commit, as the page that causes it does."""
    with app.app_context(), new_session(app) as db:
        result = action(db, *args)
        db.commit()
        return result


def bodies(arrived: Arrived) -> tuple[str, str]:
    mail = arrived.message
    return mail.get_body(("plain",)).get_content(), mail.get_body(("html",)).get_content()


def no_sign_in_link(arrived: list[Arrived]) -> None:
    for one in arrived:
        for body in bodies(one):
            assert "/in/" not in body
            assert "ingen inloggningslänk" in body


def test_each_consultee_with_a_mailbox_is_asked_once(
    mail_app: Callable[..., Flask], port: int, trust: Certificates, tmp_path: Path
) -> None:
    app = make_app(mail_app, port, tmp_path)
    response = submitted_plan(app)
    reply_by = dt.date(2026, 12, 18)
    asked_id = ask(app, response, reply_by=reply_by, message="Se <b>hållplatslägena</b> & gatan.")
    request = consultation(app, asked_id)
    assert queue(app, notices.asked, request) == 2  # Länsstyrelsen has no mailbox
    assert queue(app, notices.asked, request) == 0  # exactly once, however often called
    with smtp_server(trust, port) as inbox:
        assert send_pending(runtime_of(app)).sent >= 2  # the receipt of the submission goes too
    asked = [a for a in inbox.arrived if "ber om synpunkter" in a.message["Subject"]]
    assert sorted(a.envelope_to[0] for a in asked) == [REGION, TRAFIKVERKET]
    mail = asked[0].message
    assert mail["Subject"].startswith("Karlskrona kommun ber om synpunkter: Hästö 4:12 (DP-")
    text, html = bodies(asked[0])
    for body in (text, html):
        assert "18 december 2026" in body and "Samråd" in body  # reply-by date and stage
        assert "hållplatslägena" in body  # the asking organisation's message
        assert f"{PUBLIC}/samrad/{asked_id}/yttrande" in body  # the page to comment on
    assert f'<a href="{PUBLIC}/samrad/{asked_id}/yttrande">' in html
    assert "Se <b>hållplatslägena</b> & gatan." in text
    assert "Se &lt;b&gt;hållplatslägena&lt;/b&gt; &amp; gatan." in html  # as text, not markup
    no_sign_in_link(inbox.arrived)


def test_no_mailbox_no_mail(mail_app: Callable[..., Flask], tmp_path: Path) -> None:
    app = make_app(mail_app, None, tmp_path, trafikverket=TRAFIKVERKET)
    response = submitted_plan(app)
    request = consultation(app, ask(app, response, reply_by=dt.date(2026, 12, 18)))
    assert queue(app, notices.asked, request) == 1
    write(app, request.id, "region-blekinge", "Bra.", question_id="dp_op_strak", kind="instammer")
    assert queue(app, notices.answered, request, "region-blekinge") is False  # Karlskrona: none
    with new_session(app) as db:
        keys = list(db.scalars(select(MailMessage.key).where(MailMessage.key.like("consult%"))))
    assert keys == [f"consultation-asked:{request.id}:trafikverket"]


def test_the_asking_organisation_hears_of_each_send_once(
    mail_app: Callable[..., Flask], port: int, trust: Certificates, tmp_path: Path
) -> None:
    app = make_app(mail_app, port, tmp_path)
    response = submitted_plan(app)
    request = consultation(app, ask(app, response, reply_by=dt.date(2026, 12, 18)))
    assert queue(app, notices.answered, request, "trafikverket") is False  # nothing sent yet
    write(app, request.id, "trafikverket", "Utkast", question_id="dp_natpaverkan", sent=False)
    assert queue(app, notices.answered, request, "trafikverket") is False  # a draft is not sent
    first = write(
        app,
        request.id,
        "trafikverket",
        "Flytta hållplatsen.",
        question_id="dp_op_strak",
        kind="atgard",
    )
    write(
        app, request.id, "trafikverket", "Bra läge.", question_id="dp_gangavstand", kind="instammer"
    )
    assert queue(app, notices.answered, request, "trafikverket") is True
    assert queue(app, notices.answered, request, "trafikverket") is False  # the same send
    with smtp_server(trust, port) as inbox:
        send_pending(runtime_of(app))
        # Later the same organisation adds a correction: a new send, a new notice.
        write(app, request.id, "trafikverket", "Norra sidan.", parent_id=first)
        assert queue(app, notices.answered, request, "trafikverket") is True
        assert send_pending(runtime_of(app)).sent == 1
    answered = [a for a in inbox.arrived if a.message["Subject"].startswith("Synpunkter från")]
    assert [a.envelope_to for a in answered] == [[KARLSKRONA], [KARLSKRONA]]
    assert answered[0].message["Subject"].startswith("Synpunkter från Trafikverket: Hästö 4:12")
    text, html = bodies(answered[0])
    plan_page = f"{PUBLIC}/plan/{response.plan_id}"
    for body in (text, html):
        assert plan_page in body
        assert "Instämmer 1, Behöver åtgärdas 1" in body
        assert "Utkast" not in body
    no_sign_in_link(inbox.arrived)


def reminder_keys(app: Flask) -> list[str]:
    with new_session(app) as db:
        query = select(MailMessage.key).where(MailMessage.key.like("consultation-%"))
        return sorted(k for k in db.scalars(query) if "-asked:" not in k)


def test_reminders_three_days_before_and_when_the_date_has_passed_each_once(
    mail_app: Callable[..., Flask], port: int, trust: Certificates, tmp_path: Path
) -> None:
    app = make_app(mail_app, port, tmp_path)
    response = submitted_plan(app)
    day = dt.date(2026, 12, 18)
    open_id = ask(app, response, reply_by=day)
    withdrawn = ask(app, response, ("trafikverket",), reply_by=day)
    closed = ask(app, response, ("trafikverket",), reply_by=day)
    update(app, Consultation, withdrawn, withdrawn_at=dt.datetime(2026, 12, 1))
    update(app, Consultation, closed, closed_at=dt.datetime(2026, 12, 1))
    write(app, open_id, "region-blekinge", "Bra.", kind="instammer")  # the region has answered

    def remind(today: dt.date) -> int:
        return int(queue(app, notices.remind, today))  # type: ignore[call-overload]

    assert remind(day - dt.timedelta(days=4)) == 0
    assert remind(day - dt.timedelta(days=3)) == 1  # Trafikverket; Länsstyrelsen has no mailbox
    assert remind(day - dt.timedelta(days=3)) == 0
    assert remind(day - dt.timedelta(days=1)) == 0
    assert remind(day) == 0
    assert remind(day + dt.timedelta(days=1)) == 1
    assert remind(day + dt.timedelta(days=1)) == 0
    assert remind(day + dt.timedelta(days=2)) == 0
    assert reminder_keys(app) == [
        f"consultation-late:{open_id}:trafikverket:{day}",
        f"consultation-soon:{open_id}:trafikverket:{day}",
    ]
    with smtp_server(trust, port) as inbox:
        send_pending(runtime_of(app))
    subjects = {a.message["Subject"]: a for a in inbox.arrived if a.envelope_to == [TRAFIKVERKET]}
    soon = next(a for s, a in subjects.items() if s.startswith("Påminnelse"))
    late = next(a for s, a in subjects.items() if s.startswith("Svarsdatumet har passerat"))
    assert "senast 18 december 2026" in soon.message["Subject"]
    assert "har inte fått något svar från Trafikverket" in bodies(late)[0]
    no_sign_in_link(inbox.arrived)


def test_a_late_reminder_is_not_sent_long_after_nor_a_soon_one_to_a_short_request(
    mail_app: Callable[..., Flask], tmp_path: Path
) -> None:
    app = make_app(mail_app, None, tmp_path)
    response = submitted_plan(app)
    day = dt.date(2026, 12, 18)
    ask(app, response, ("trafikverket",), reply_by=day, created_at=dt.datetime(2026, 12, 16, 9))
    assert queue(app, notices.remind, day - dt.timedelta(days=2)) == 0  # asked two days before
    assert queue(app, notices.remind, day + notices.LATE_WINDOW + dt.timedelta(days=1)) == 0
    assert queue(app, notices.remind, day + dt.timedelta(days=3)) == 1  # caught up, once


def test_checklistor_notify_queues_and_sends_once(
    mail_app: Callable[..., Flask], port: int, trust: Certificates, tmp_path: Path
) -> None:
    app = make_app(mail_app, port, tmp_path)
    response = submitted_plan(app)
    today = swedish_today()
    ask(app, response, ("region-blekinge",), reply_by=today + dt.timedelta(days=3))
    runner = CliRunner()
    with smtp_server(trust, port) as inbox:
        first = runner.invoke(notify, [], obj=app)
        again = runner.invoke(notify, [], obj=app)
    assert first.exit_code == 0, first.output
    assert "1 påminnelser om samråd köade." in first.output
    assert "0 påminnelser om samråd köade." in again.output
    assert "0 meddelanden skickade" in again.output
    reminders = [a for a in inbox.arrived if a.message["Subject"].startswith("Påminnelse")]
    assert [a.envelope_to for a in reminders] == [[REGION]]
    no_sign_in_link(inbox.arrived)


def test_the_sync_process_runs_the_reminder_pass_every_few_minutes(
    mail_app: Callable[..., Flask], tmp_path: Path
) -> None:
    app = make_app(mail_app, None, tmp_path)
    response = submitted_plan(app)
    today = swedish_today()
    asked_id = ask(app, response, ("trafikverket",), reply_by=today + dt.timedelta(days=2))
    clock = [1000.0]
    reminders = Reminders(app, every=300, clock=lambda: clock[0])
    assert reminders() == 1
    ask(app, response, ("region-blekinge",), reply_by=today + dt.timedelta(days=1))
    clock[0] += 299
    assert reminders() == 0  # not yet: the pass waits its turn
    clock[0] += 1
    assert reminders() == 1  # the new request's reminder; the first is not sent again
    assert len([k for k in reminder_keys(app) if asked_id in k]) == 1


def test_the_sync_watcher_beside_serve_sends_the_reminder(
    mail_app: Callable[..., Flask], tmp_path: Path, database_url: str
) -> None:
    """A real `checklistor sync --watch` process queues and sends the reminder (as a file)."""
    app = make_app(mail_app, None, tmp_path)
    response = submitted_plan(app)
    ask(app, response, ("trafikverket",), reply_by=swedish_today())
    env = service_env(
        Path(app.instance_path),
        CHECKLISTOR_DATABASE_URL=database_url,
        CHECKLISTOR_ORGANISATIONS=str(settings_of(app).organisations),
        CHECKLISTOR_PUBLIC_URL=PUBLIC,
    )
    outbox = Path(app.instance_path) / "mail"

    def reminders() -> list[EmailMessage]:
        found = [
            BytesParser(policy=default).parsebytes(path.read_bytes())
            for path in outbox.glob("*.eml")
        ]
        return [
            m
            for m in found
            if isinstance(m, EmailMessage) and m["Subject"].startswith("Påminnelse")
        ]

    watcher = sync_worker(env, interval=0.2)
    try:
        deadline = time.monotonic() + 60
        while not reminders():
            assert watcher.poll() is None, "the watcher stopped"
            assert time.monotonic() < deadline, "no reminder within a minute"
            time.sleep(0.2)
        time.sleep(1)  # more passes: nothing is sent twice
    finally:
        stop(watcher)
    assert len(reminders()) == 1
    assert reminders()[0]["To"] == TRAFIKVERKET
