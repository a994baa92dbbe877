"""`checklistor mail`: send what waits in the mail outbox now, or show where it stands."""

from __future__ import annotations

import click
from sqlalchemy import select

from service.cli_app import command_runtime
from service.mail import outbox
from service.mail.sender import PassResult, send_pending
from service.mail.transport import smtp_settings
from service.models import MailMessage
from service.runtime import Runtime


@click.group("mail", help="E-post från tjänsten (kvitton och aviseringar).")
def mail_group() -> None:
    pass


@mail_group.command("send")
def send() -> None:
    """Skicka allt som väntar i utkorgen nu, även det som väntar efter ett avvisat försök."""
    runtime = command_runtime()
    report(runtime, send_pending(runtime, force=True))


def report(runtime: Runtime, result: PassResult) -> None:
    """What a sending pass did, in Swedish; exit 1 if anything was refused or waits."""
    settings = smtp_settings(runtime.settings.smtp_url)
    where = settings.label if settings else f"filer i {runtime.settings.mail_folder}"
    click.echo(f"{result.sent} meddelanden skickade ({where}).")
    for line in result.failed:
        click.echo(f"Avvisat för gott: {line}", err=True)
    if result.retrying:
        click.echo(f"{result.retrying} väntar och provas igen: {result.error}", err=True)
    if result.failed or result.retrying:
        raise SystemExit(1)


@mail_group.command("status")
def status() -> None:
    """Visa hur många meddelanden som väntar, är skickade eller avvisade."""
    with command_runtime().session() as db:
        counts = outbox.counts(db)
        click.echo(
            f"väntar: {counts['waiting']}, skickade: {counts['sent']}, avvisade: {counts['failed']}"
        )
        waiting = db.scalars(
            select(MailMessage)
            .where(MailMessage.sent_at.is_(None), MailMessage.last_error.is_not(None))
            .order_by(MailMessage.id)
            .limit(20)
        )
        for message in waiting:
            state = "AVVISAT" if message.failed_at else f"försök {message.attempts}"
            click.echo(f"  {message.recipient} ({state}): {message.last_error}")
