"""`checklistor notify`: queue the samråd reminders due today, then send what waits.

Run it from a scheduler (e.g. every hour), or leave it to the sync process beside
`serve`, which runs the reminder pass every few minutes (`Reminders`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import click
from flask import Flask

from service.consultations.notices import remind_pass
from service.mail.sender import send_pending
from service.mail.transport import mail_dir, smtp_settings

REMIND_EVERY = 300.0  # seconds between reminder passes in the sync process


def _app() -> Flask:
    """The app passed as the click context's object (tests), else one built from settings."""
    given = click.get_current_context().obj
    if isinstance(given, Flask):
        return given
    from service import create_app

    return create_app()


@click.command("notify")
def notify() -> None:
    """Köa dagens påminnelser om samråd och skicka det som väntar i e-postutkorgen."""
    app = _app()
    queued = remind_pass(app)
    click.echo(f"{queued} påminnelser om samråd köade.")
    result = send_pending(app)
    settings = smtp_settings(app.config.get("SMTP_URL"))
    where = settings.label if settings else f"filer i {mail_dir(app)}"
    click.echo(f"{result.sent} meddelanden skickade ({where}).")
    for line in result.failed:
        click.echo(f"Avvisat för gott: {line}", err=True)
    if result.retrying:
        click.echo(f"{result.retrying} väntar och provas igen: {result.error}", err=True)
    if result.failed or result.retrying:
        raise SystemExit(1)


class Reminders:
    """The reminder pass at most every `every` seconds, for the sync process's loop."""

    def __init__(
        self, app: Flask, every: float = REMIND_EVERY, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.app, self.every, self.clock = app, every, clock
        self._next: float | None = None

    def __call__(self) -> int:
        now = self.clock()
        if self._next is not None and now < self._next:
            return 0
        self._next = now + self.every
        return remind_pass(self.app)
