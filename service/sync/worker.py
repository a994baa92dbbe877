"""The sync worker: drains the outbox into each organisation's sink, target by target.

One pass: for every target with pending entries, claim them, load the latest revision
of each response, let the sink write all of them at once, then delete the entries. A
crash after the write and before the delete only means the next pass writes the same
rows again, in place (rows are found by response id), so nothing is lost or doubled.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask

from exports.guard import EXCEL_CELL_LIMIT, GOOGLE_CELL_LIMIT
from forms import Catalogue
from service.catalogue import catalogue_for
from service.models import utcnow
from service.organisations import Directory, Organisation
from service.sync import outbox
from service.sync.batches import BatchMaker, load_records
from service.sync.models import SyncTarget
from service.sync.sinks import PermanentSyncError, Sink, SyncError, TransientSyncError
from service.sync.sinks.xlsx import XlsxSink

log = logging.getLogger(__name__)

# A parked target is tried again by the watcher this often (a manual `sync` tries at once).
PARK_RETRY = dt.timedelta(minutes=15)
MAX_BACKOFF = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class TargetResult:
    target: str
    outcome: str  # "written", "parked", "failed" or "waiting"
    responses: int = 0
    reason: str = ""


def sheets_dir(app: Flask) -> Path:
    configured = app.config.get("SHEETS_DIR")
    return Path(configured) if configured else Path(app.instance_path) / "sheets"


def describe(app: Flask, org: Organisation) -> str:
    key = (org.spreadsheet or {}).get("google_key")
    if key:
        return f"Google-kalkylark {key}"
    return f"Lokal arbetsbok {sheets_dir(app) / (org.slug + '.xlsx')}"


class Worker:
    """Runs passes for one app; `now` and `after_write` are seams for tests."""

    def __init__(
        self,
        app: Flask,
        *,
        google_adapter: Any = None,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], dt.datetime] = utcnow,
        after_write: Callable[[str], None] | None = None,
        owner: str | None = None,
    ) -> None:
        self.app = app
        self.sessionmaker = app.extensions["checklistor.sessionmaker"]
        self.catalogue: Catalogue = app.extensions["checklistor.forms"]
        self.directory: Directory = app.extensions["checklistor.organisations"]
        self.google_adapter = google_adapter
        self.sleep = sleep
        self.now = now
        self.after_write = after_write
        self.owner = owner or outbox.worker_id()
        self.lease = dt.timedelta(seconds=int(app.config.get("SYNC_LEASE_SECONDS", 600)))
        self._google: Any = None
        self._use_catalogue(self.catalogue, force=True)

    def _use_catalogue(self, catalogue: Catalogue, force: bool = False) -> None:
        """Batches for `catalogue`; a version published since the last pass brings its columns."""
        if catalogue is self.catalogue and not force:
            return
        self.catalogue = catalogue
        names = {org.slug: org.name for org in self.directory}
        self._xlsx_batches = BatchMaker(self.catalogue, names, EXCEL_CELL_LIMIT, as_text=False)
        self._google_batches = BatchMaker(self.catalogue, names, GOOGLE_CELL_LIMIT, as_text=True)

    def run_once(self, force: bool = False) -> list[TargetResult]:
        """One pass over every target with pending work; `force` retries parked targets."""
        with self.sessionmaker() as db:
            self._use_catalogue(catalogue_for(self.app, db))
            targets = outbox.targets_with_work(db)
            db.commit()
            return [self._sync_target(db, target, force) for target in sorted(targets)]

    def watch(self, interval: float, should_stop: Callable[[], bool]) -> None:
        """Pass after pass until `should_stop()`; a failing target never stops the loop."""
        while not should_stop():
            try:
                for result in self.run_once():
                    fields = {"target": result.target, "event": result.outcome}
                    if result.outcome in ("parked", "failed"):
                        log.warning("sync %s: %s", result.target, result.reason, extra=fields)
                    elif result.outcome == "written":
                        log.info(
                            "sync %s: %d written", result.target, result.responses, extra=fields
                        )
            except Exception:
                log.exception("sync pass failed")
            waited = 0.0
            while waited < interval and not should_stop():
                self.sleep(min(0.5, interval))
                waited += min(0.5, interval)

    def sink_for(self, org: Organisation) -> tuple[Sink, BatchMaker]:
        key = (org.spreadsheet or {}).get("google_key")
        if key:
            from service.sync.sinks.gsheets import GoogleSheetSink

            return GoogleSheetSink(self._google_client(), str(key)), self._google_batches
        return XlsxSink(sheets_dir(self.app) / f"{org.slug}.xlsx"), self._xlsx_batches

    def _google_client(self) -> Any:
        if self._google is None:
            from service.sync import google

            path = self.app.config.get("GOOGLE_CREDENTIALS")
            try:
                self._google = google.connect(
                    path,
                    writes_per_minute=int(self.app.config.get("SYNC_WRITES_PER_MINUTE", 60)),
                    timeout=float(self.app.config.get("SYNC_GOOGLE_TIMEOUT", 60)),
                    adapter=self.google_adapter
                    or google.api_adapter(self.app.config.get("SYNC_GOOGLE_API_URL")),
                    sleep=self.sleep,
                )
            except (ValueError, KeyError, OSError) as exc:
                raise PermanentSyncError(
                    f"Nyckelfilen för Google (GOOGLE_CREDENTIALS={path or 'inte satt'}) "
                    f"kan inte användas: {exc}"
                ) from None
        return self._google

    def _sync_target(self, db: Any, target: str, force: bool) -> TargetResult:
        now = self.now()
        state = outbox.claim_target(db, target, self.owner, now, self.lease)
        if state is None:
            return TargetResult(target, "waiting", reason="en annan synkprocess skriver just nu")
        entries = [] if not force and _resting(state, now) else outbox.pending(db, target)
        if not entries:
            outbox.release(state, self.owner)
            db.commit()
            return TargetResult(target, "waiting", reason=state.parked_reason or "")
        try:
            org = self.directory.get(target)
            if org is None:
                raise PermanentSyncError(
                    f"Organisationen '{target}' finns inte i organisationsfilen; "
                    "dess svar väntar tills den finns igen."
                )
            state.description = describe(self.app, org)
            sink, maker = self.sink_for(org)
            records = load_records(db, {e.response_id for e in entries})
            sink.write(maker.batches(records))
        except SyncError as exc:
            return self._failed(db, state, exc)
        except Exception as exc:  # a bug or an unforeseen library error: keep the rest going
            log.exception("sync %s", target, extra={"target": target, "event": "failed"})
            return self._failed(db, state, TransientSyncError(f"Oväntat fel: {exc!r}"))
        if self.after_write:
            self.after_write(target)
        if not outbox.ack(db, entries, self.owner):
            db.rollback()
            return TargetResult(target, "waiting", reason="anspråket gick ut; skrivs igen")
        state.last_success_at = self.now()
        state.failures = 0
        state.next_attempt_at = None
        state.parked_reason = state.parked_at = None
        state.last_error = state.last_error_at = None
        outbox.release(state, self.owner)
        db.commit()
        return TargetResult(target, "written", len(records))

    def _failed(self, db: Any, state: SyncTarget, exc: SyncError) -> TargetResult:
        db.rollback()
        db.add(state)
        now = self.now()
        state.last_error, state.last_error_at = str(exc), now
        state.failures = (state.failures or 0) + 1
        if isinstance(exc, PermanentSyncError):
            state.parked_reason, state.parked_at = str(exc), now
            outcome = "parked"
        else:
            delay = min(dt.timedelta(seconds=5 * 2 ** min(state.failures - 1, 10)), MAX_BACKOFF)
            state.next_attempt_at = now + delay
            outcome = "failed"
        outbox.release(state, self.owner)
        db.commit()
        return TargetResult(state.target, outcome, reason=str(exc))


def _resting(state: SyncTarget, now: dt.datetime) -> bool:
    if state.parked_reason and state.parked_at:
        return now < state.parked_at + PARK_RETRY
    return bool(state.next_attempt_at and now < state.next_attempt_at)
