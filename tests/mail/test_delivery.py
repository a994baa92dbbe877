"""Delivery guarantees: retried while the server refuses or is away, refused addresses
given up, exactly once across a kill and a restart of the sending process."""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select

from service.mail import outbox
from service.mail.cli import mail_group
from service.mail.sender import send_pending
from service.models import MailMessage, utcnow
from service.runtime import reconfigure, runtime_of
from support.live import BIN, TEST_SECRET_KEY, service_env, stop
from tests.mail.conftest import MAIL_FROM, smtp_url
from tests.mail.smtp_server import Certificates, smtp_server


def queue(app: Flask, *recipients: str) -> None:
    """Queue one message per recipient in one transaction, as an event would."""
    with runtime_of(app).session() as db:
        for n, recipient in enumerate(recipients):
            message = outbox.Outgoing(
                key=f"test:{n}:{recipient}",
                recipient=recipient,
                subject=f"Meddelande {n} om checklistan",
                text=f"Hej! Meddelande {n}.",
                html=f"<p>Hej! Meddelande {n}.</p>",
            )
            assert outbox.enqueue(db, message, "checklistor.example.se")
        db.commit()


def rows(app: Flask) -> list[MailMessage]:
    with runtime_of(app).session() as db:
        return list(db.scalars(select(MailMessage).order_by(MailMessage.id)))


def test_the_same_event_never_queues_two_messages(mail_app: Callable[..., Flask]) -> None:
    app = mail_app(None)
    queue(app, "a@kommun.se")
    with runtime_of(app).session() as db:
        again = outbox.Outgoing("test:0:a@kommun.se", "a@kommun.se", "x", "x", "x")
        assert not outbox.enqueue(db, again, "checklistor.example.se")
    assert len(rows(app)) == 1


def test_refused_messages_wait_and_are_retried_until_the_server_takes_them(
    mail_app: Callable[..., Flask], port: int, trust: Certificates
) -> None:
    app = mail_app(port)
    queue(app, "a@kommun.se", "b@kommun.se")
    start = utcnow()
    clock = [start]
    with smtp_server(trust, port) as inbox:
        inbox.refuse_next = 3  # a busy server: 451 to the next three messages
        first = send_pending(runtime_of(app), now=lambda: clock[0])
        assert (first.sent, first.retrying) == (0, 2)
        assert "451" in first.error
        waiting = rows(app)
        assert all(m.sent_at is None and m.attempts == 1 for m in waiting)
        assert all(m.next_attempt_at and m.next_attempt_at > start for m in waiting)

        # Within the pause nothing is tried; after it, the third refusal and one success.
        assert send_pending(runtime_of(app), now=lambda: clock[0]).sent == 0
        assert inbox.refuse_next == 1
        clock[0] = start + dt.timedelta(minutes=2)
        second = send_pending(runtime_of(app), now=lambda: clock[0])
        assert (second.sent, second.retrying) == (1, 1)
        clock[0] = start + dt.timedelta(hours=1)
        assert send_pending(runtime_of(app), now=lambda: clock[0]).sent == 1
        assert send_pending(runtime_of(app), force=True).sent == 0

    assert sorted(a.envelope_to[0] for a in inbox.arrived) == ["a@kommun.se", "b@kommun.se"]
    assert all(m.sent_at is not None and m.last_error is None for m in rows(app))


def test_a_server_that_is_away_is_waited_for(
    mail_app: Callable[..., Flask], port: int, trust: Certificates
) -> None:
    app = mail_app(port)
    queue(app, "a@kommun.se")
    away = send_pending(runtime_of(app))
    assert (away.sent, away.retrying) == (0, 1)
    assert f"smtp://127.0.0.1:{port} kan inte nås" in away.error
    assert rows(app)[0].last_error == away.error
    with smtp_server(trust, port) as inbox:
        assert send_pending(runtime_of(app), force=True).sent == 1
    assert len(inbox.arrived) == 1


def test_an_address_refused_for_good_is_not_retried_and_the_rest_go(
    mail_app: Callable[..., Flask], port: int, trust: Certificates
) -> None:
    app = mail_app(port)
    queue(app, "finns-inte@kommun.se", "b@kommun.se")
    with smtp_server(trust, port) as inbox:
        inbox.reject = {"finns-inte@kommun.se"}
        result = send_pending(runtime_of(app))
        assert result.sent == 1
        assert result.failed == [
            "finns-inte@kommun.se: e-postservern svarade 550 5.1.1 Adressen finns inte"
        ]
        assert send_pending(runtime_of(app), force=True).sent == 0
    assert [a.envelope_to for a in inbox.arrived] == [["b@kommun.se"]]
    refused = rows(app)[0]
    assert refused.failed_at is not None and refused.sent_at is None


def test_a_wrong_password_waits_with_a_clear_reason(
    mail_app: Callable[..., Flask], port: int, trust: Certificates
) -> None:
    app = mail_app(port)
    reconfigure(app, smtp_url=f"smtp://checklistor:fel@127.0.0.1:{port}")
    queue(app, "a@kommun.se")
    with smtp_server(trust, port) as inbox:
        result = send_pending(runtime_of(app))
    assert result.retrying == 1 and "inloggningen på" in result.error and "nekades" in result.error
    assert not inbox.arrived


def test_the_command_sends_now_and_reports(
    mail_app: Callable[..., Flask], port: int, trust: Certificates
) -> None:
    app = mail_app(port)
    queue(app, "a@kommun.se", "b@kommun.se")
    runner = CliRunner()
    away = runner.invoke(mail_group, ["send"], obj=app)
    assert away.exit_code == 1 and "2 väntar och provas igen" in away.output
    status = runner.invoke(mail_group, ["status"], obj=app)
    assert "väntar: 2, skickade: 0, avvisade: 0" in status.output
    with smtp_server(trust, port):
        sent = runner.invoke(mail_group, ["send"], obj=app)
    assert sent.exit_code == 0, sent.output
    assert f"2 meddelanden skickade (smtp://127.0.0.1:{port})" in sent.output
    status = runner.invoke(mail_group, ["status"], obj=app)
    assert "väntar: 0, skickade: 2, avvisade: 0" in status.output


def test_exactly_once_across_a_kill_and_a_restart_of_the_sync_process(
    mail_app: Callable[..., Flask],
    port: int,
    trust: Certificates,
    tmp_path: Path,
    database_url: str,
) -> None:
    """The sync process sends; it is killed (SIGKILL) while the server holds the third
    message, and a new one takes over: every message arrives, none twice."""
    app = mail_app(port)
    recipients = [f"planerare{n}@kommun.se" for n in range(6)]
    queue(app, *recipients)
    env = service_env(
        tmp_path / "instance",
        SECRET_KEY=TEST_SECRET_KEY,
        DATABASE_URL=database_url,
        CHECKLISTOR_SMTP_URL=smtp_url(port),
        CHECKLISTOR_MAIL_FROM=MAIL_FROM,
        SSL_CERT_FILE=str(trust.authority),
    )
    command = [str(BIN / "checklistor"), "sync", "--watch", "--interval", "0.2"]
    log = (tmp_path / "sync.log").open("w")
    with smtp_server(trust, port) as inbox:
        inbox.hold_at = 3
        first = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            assert inbox.holding.wait(60), "the sync process never reached the third message"
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        finally:
            stop(first)
        inbox.release.set()
        assert len(inbox.arrived) == 2
        second = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while len(inbox.arrived) < 6 and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(1)  # a few more passes: nothing more may arrive
        finally:
            stop(second)
            log.close()
    counts = Counter(a.envelope_to[0] for a in inbox.arrived)
    assert counts == Counter(recipients), (tmp_path / "sync.log").read_text()
    assert len({a.message["Message-ID"] for a in inbox.arrived}) == 6
    assert all(m.sent_at is not None for m in rows(app))


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"SMTP_URL": "http://mail.example.se"}, "CHECKLISTOR_SMTP_URL ska se ut som"),
        ({"SMTP_URL": "smtp://mail.example.se:587"}, "CHECKLISTOR_MAIL_FROM behövs"),
        ({"MAIL_FROM": "inte en adress"}, "CHECKLISTOR_MAIL_FROM 'inte en adress'"),
        (
            {"SMTP_URL": "smtp://namn:lösen@mail.example.se", "MAIL_FROM": "a@b.se"},
            "bara innehålla ASCII-tecken",
        ),
    ],
)
def test_faulty_mail_settings_stop_start_up_with_one_line(
    mail_app: Callable[..., Flask], settings: dict[str, str], message: str
) -> None:
    from service.errors import StartupError

    with pytest.raises(StartupError) as caught:
        mail_app(None, **settings)
    assert message in str(caught.value)


def test_typed_line_breaks_never_make_headers_and_a_bad_address_never_blocks_the_rest(
    mail_app: Callable[..., Flask], port: int, trust: Certificates
) -> None:
    app = mail_app(port)
    with runtime_of(app).session() as db:
        sneaky = outbox.Outgoing(
            "test:sneaky", "a@kommun.se", "Kvitto: Plan\r\nBcc: x@annan.se", "x", "<p>x</p>"
        )
        broken = outbox.Outgoing("test:broken", "fel\r\n@kommun.se", "Kvitto", "x", "<p>x</p>")
        last = outbox.Outgoing("test:last", "b@kommun.se", "Kvitto", "x", "<p>x</p>")
        for message in (sneaky, broken, last):
            outbox.enqueue(db, message, "example.se")
        db.commit()
    with smtp_server(trust, port) as inbox:
        result = send_pending(runtime_of(app))
    assert result.sent == 2 and len(result.failed) == 1
    assert [a.envelope_to for a in inbox.arrived] == [["a@kommun.se"], ["b@kommun.se"]]
    first = inbox.arrived[0].message
    assert first["Subject"] == "Kvitto: Plan Bcc: x@annan.se" and first["Bcc"] is None


def test_the_sync_watcher_sends_one_batch_between_its_sheet_passes(
    mail_app: Callable[..., Flask],
) -> None:
    app = mail_app(None)
    queue(app, *(f"p{n}@kommun.se" for n in range(outbox.BATCH + 10)))
    assert send_pending(runtime_of(app), batches=1).sent == outbox.BATCH
    assert send_pending(runtime_of(app)).sent == 10
