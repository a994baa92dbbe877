"""`checklistor notify`: queue the samråd reminders due today, then send what waits.

Run it from a scheduler (e.g. every hour), or leave it to the sync process beside
`serve`, which runs the reminder pass every few minutes (`Reminders`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import click
from flask import Flask

from service.cli_app import command_app
from service.consultations.notices import remind_pass
from service.mail.cli import report
from service.mail.sender import send_pending
from service.runtime import runtime_of

REMIND_EVERY = 300.0  # seconds between reminder passes in the sync process


@click.command("notify")
def notify() -> None:
    """Köa dagens påminnelser om samråd och skicka det som väntar i e-postutkorgen."""
    app = command_app()
    queued = remind_pass(app)
    click.echo(f"{queued} påminnelser om samråd köade.")
    runtime = runtime_of(app)
    report(runtime, send_pending(runtime))


class Reminders:
    """The reminder pass at most every `every` seconds, for the sync process's loop.

    `app` is the web app, or a function that makes it on first use (the sync process
    needs it only for these mails' templates)."""

    def __init__(
        self,
        app: Flask | Callable[[], Flask],
        every: float = REMIND_EVERY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app, self.every, self.clock = app, every, clock
        self._next: float | None = None

    def __call__(self) -> int:
        now = self.clock()
        if self._next is not None and now < self._next:
            return 0
        self._next = now + self.every
        if not isinstance(self.app, Flask):
            self.app = self.app()
        return remind_pass(self.app)
