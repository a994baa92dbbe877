"""`checklistor sync`: drain the outbox once, keep draining (--watch), or report (--status).

The sheets need no web app: the worker gets the runtime built from the settings alone.
With --watch, the samråd reminders beside it make the web app on first use (their mails
are rendered from its templates).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import subprocess
import sys
import time
from typing import Any

import click

from service import logs
from service.cli_app import command_app, command_runtime
from service.consultations.cli import Reminders
from service.dates import local_datetime
from service.mail.sender import send_pending
from service.runtime import Runtime
from service.sync import outbox, wakeup
from service.sync.health import sync_health
from service.sync.status import target_status
from service.sync.worker import Worker

log = logging.getLogger(__name__)
WORDS = {"ok": "går som den ska", "behind": "ligger efter", "stopped": "HAR STANNAT"}


def print_status(runtime: Runtime) -> None:
    with runtime.session() as db:
        stale = dt.timedelta(seconds=runtime.settings.sync_stale_seconds)
        state = sync_health(db, stale)
        waiting = (
            "" if state.oldest_waiting_s is None else f", äldsta väntar {state.oldest_waiting_s} s"
        )
        passed = local_datetime(state.last_pass_at) or "aldrig"
        click.echo(f"Synken: {WORDS[state.state]} (senaste varv {passed}{waiting})")
        for row in target_status(runtime, db):
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
    runtime = command_runtime()
    if show_status:
        print_status(runtime)
        return
    if resend:
        with runtime.session() as db:
            click.echo(f"{outbox.enqueue_all(db)} svar köade för synk.")
    worker = Worker(runtime)
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
    # Samråd reminders, every few minutes: their mails are rendered from the web's
    # templates, so only they bring the web app (made on first use); the sheets do not.
    reminders = Reminders(command_app)

    def beside() -> None:
        try:
            reminders()
        except Exception:  # a failing reminder pass must not hold up the mail
            log.exception("samråd reminders failed")
        send_pending(runtime, batches=1)  # the mail outbox, a batch per pass

    woken = wakeup.listener(runtime.engine)  # a new submission starts a pass
    try:
        worker.watch(
            interval,
            lambda: bool(stopping) or (stop_with_parent and os.getppid() != parent),
            also=beside,
            wait=woken.wait,
        )
    finally:
        woken.close()


WATCHER = [sys.executable, "-m", "service.sync.cli", "--watch", "--stop-with-parent"]
RESTART_FIRST, RESTART_MAX = 1.0, 60.0  # seconds before restarting a watcher that died
HEALTHY_RUN = 300.0  # a watcher that ran this long starts again without waiting


def _why(code: int) -> str:
    return f"signal {-code}" if code < 0 else f"exit code {code}"


def run_beside(
    command: list[str],
    watcher: list[str] | None = None,
    poll: float = 0.5,
    first_delay: float = RESTART_FIRST,
) -> int:
    """Run `command` (the web server) with a sync watcher beside it; stop both together.

    A watcher that dies (killed, out of memory, a crash) is started again, after a
    delay that doubles while it keeps dying, so mirroring never stops silently.
    """
    watcher = watcher or WATCHER
    server = subprocess.Popen(command)
    child = subprocess.Popen(watcher)
    started, delay, restart_at = time.monotonic(), first_delay, None

    def forward(signum: int, _frame: Any) -> None:
        server.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    try:
        while server.poll() is None:
            time.sleep(poll)
            if restart_at is None and child.poll() is not None:
                if time.monotonic() - started >= HEALTHY_RUN:
                    delay = first_delay
                log.warning(
                    "the sync watcher stopped (%s); starting it again in %.0f s",
                    _why(child.returncode),
                    delay,
                )
                restart_at = time.monotonic() + delay
                delay = min(delay * 2, RESTART_MAX)
            if restart_at is not None and time.monotonic() >= restart_at:
                child = subprocess.Popen(watcher)
                started, restart_at = time.monotonic(), None
        return server.returncode
    finally:
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


if __name__ == "__main__":
    sync()
