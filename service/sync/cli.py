"""`checklistor sync`: drain the outbox once, keep draining (--watch), or report (--status)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

import click
from flask import Flask

from service import logs
from service.sync import outbox
from service.sync.status import target_status
from service.sync.worker import Worker
from service.views.formatting import local_datetime


def _app() -> Flask:
    """The app passed as the click context's object (tests), else one built from settings."""
    given = click.get_current_context().obj
    if isinstance(given, Flask):
        return given
    from service import create_app

    return create_app()


def print_status(app: Flask) -> None:
    with app.extensions["checklistor.sessionmaker"]() as db:
        for row in target_status(app, db):
            click.echo(f"{row.name} ({row.target}): {row.description}")
            click.echo(f"  väntar: {row.pending}")
            click.echo(f"  senast lyckad: {local_datetime(row.last_success_at) or 'aldrig'}")
            if row.parked_reason:
                click.echo(f"  PARKERAD: {row.parked_reason}")
            elif row.last_error:
                click.echo(f"  senaste fel ({local_datetime(row.last_error_at)}): {row.last_error}")


@click.command("sync")
@click.option("--watch", is_flag=True, help="Fortsätt synka tills processen avslutas.")
@click.option("--status", "show_status", is_flag=True, help="Visa läget per organisation.")
@click.option(
    "--all",
    "resend",
    is_flag=True,
    help="Köa alla inskickade svar på nytt (bygger upp ett raderat eller nytt kalkylblad).",
)
@click.option("--interval", default=2.0, show_default=True, help="Sekunder mellan varven.")
@click.option("--stop-with-parent", is_flag=True, hidden=True)
def sync(
    watch: bool, show_status: bool, resend: bool, interval: float, stop_with_parent: bool
) -> None:
    """Spegla inskickade svar till organisationernas kalkylblad."""
    app = _app()
    if show_status:
        print_status(app)
        return
    if resend:
        with app.extensions["checklistor.sessionmaker"]() as db:
            click.echo(f"{outbox.enqueue_all(db)} svar köade för synk.")
    worker = Worker(app)
    if not watch:
        failed = False
        for result in worker.run_once(force=True):
            if result.outcome == "written":
                click.echo(f"{result.target}: {result.responses} svar skrivna.")
            elif result.outcome in ("parked", "failed"):
                failed = True
                word = "PARKERAD" if result.outcome == "parked" else "misslyckades"
                click.echo(f"{result.target}: {word}: {result.reason}", err=True)
        if failed:
            raise SystemExit(1)
        return
    logs.configure()
    stopping: list[Any] = []
    parent = os.getppid()

    def stop(_signum: int, _frame: Any) -> None:
        stopping.append(True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"Synken körs (var {interval:g}:e sekund); avsluta med Ctrl+C.")
    worker.watch(interval, lambda: bool(stopping) or (stop_with_parent and os.getppid() != parent))


def run_beside(command: list[str]) -> int:
    """Run `command` (the web server) with a sync watcher beside it; stop both together."""
    watcher = subprocess.Popen(
        [sys.executable, "-m", "service.sync.cli", "--watch", "--stop-with-parent"]
    )
    server = subprocess.Popen(command)

    def forward(signum: int, _frame: Any) -> None:
        server.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    try:
        code = server.wait()
    finally:
        watcher.terminate()
        try:
            watcher.wait(timeout=30)
        except subprocess.TimeoutExpired:
            watcher.kill()
            watcher.wait()
    return code


if __name__ == "__main__":
    sync()
