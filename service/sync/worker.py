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
from typing import Any

from forms import Catalogue
from service.catalogue import catalogue_for
from service.models import SyncTarget, utcnow
from service.organisations import Organisation
from service.runtime import Runtime
from service.settings import Settings
from service.sync import health, outbox, registry
from service.sync.batches import BatchMaker, load_records
from service.sync.kind import Context, SinkKind
from service.sync.sinks import PermanentSyncError, Sink, SyncError, TransientSyncError

log = logging.getLogger(__name__)

# A parked target is tried again by the watcher this often (a manual `sync` tries at once).
PARK_RETRY = dt.timedelta(minutes=15)
SHEET_RETRY_MAX_WAIT = dt.timedelta(minutes=5)  # between two passes at a failing sheet
# How often a watching worker records that it is alive (well within SYNC_STALE_SECONDS).
HEARTBEAT_EVERY = dt.timedelta(seconds=30)


@dataclass(frozen=True)
class TargetResult:
    target: str
    outcome: str  # "written", "parked", "failed" or "waiting"
    responses: int = 0
    reason: str = ""


def describe(settings: Settings, org: Organisation) -> str:
    """Where the organisation's answers are mirrored, for operators."""
    target = org.spreadsheet or registry.default_target()
    return target.describe(org.slug, Context(settings))


class Worker:
    """Runs passes over the outbox; `now` and `after_write` are seams for tests.

    It needs no web app: the runtime (service/runtime.py) brings the settings, the
    database, the organisations and the shipped checklists.
    """

    def __init__(
        self,
        runtime: Runtime,
        *,
        google_adapter: Any = None,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], dt.datetime] = utcnow,
        after_write: Callable[[str], None] | None = None,
        owner: str | None = None,
    ) -> None:
        self.runtime = runtime
        self.settings = runtime.settings
        self.sessionmaker = runtime.sessionmaker
        self.catalogue: Catalogue = runtime.forms
        self.directory = runtime.organisations
        self.context = Context(self.settings, sleep=sleep, seams={"google": google_adapter})
        self.sleep = sleep
        self.now = now
        self.after_write = after_write
        self.owner = owner or outbox.worker_id()
        self.lease = dt.timedelta(seconds=self.settings.sync_lease_seconds)
        self._beaten: dt.datetime | None = None
        self._use_catalogue(self.catalogue, force=True)

    def _use_catalogue(self, catalogue: Catalogue, force: bool = False) -> None:
        """Batches for `catalogue`; a version published since the last pass brings its columns."""
        if catalogue is self.catalogue and not force:
            return
        self.catalogue = catalogue
        self._batches: dict[tuple[int, bool], BatchMaker] = {}

    def _batch_maker(self, kind: SinkKind) -> BatchMaker:
        """One batch maker per kind of cell (limit, dates as text) and catalogue."""
        key = (kind.cell_limit, kind.dates_as_text)
        if key not in self._batches:
            names = {org.slug: org.name for org in self.directory}
            self._batches[key] = BatchMaker(self.catalogue, names, *key)
        return self._batches[key]

    def run_once(self, force: bool = False) -> list[TargetResult]:
        """One pass over every target with pending work; `force` retries parked targets."""
        with self.sessionmaker() as db:
            self._use_catalogue(catalogue_for(self.runtime, db))
            targets = outbox.targets_with_work(db)
            db.commit()
            results = [self._sync_target(db, target, force) for target in sorted(targets)]
            now = self.now()
            if self._beaten is None or now - self._beaten >= HEARTBEAT_EVERY:
                health.beat(db, self.owner, now)
                self._beaten = now
            return results

    def watch(
        self,
        interval: float,
        should_stop: Callable[[], bool],
        also: Callable[[], object] | None = None,
        wait: Callable[[float, Callable[[], bool]], object] | None = None,
    ) -> None:
        """Pass after pass until `should_stop()`; a failing target never stops the loop.

        `also` runs once per pass beside the sheets (the mail outbox), on its own.
        `wait(interval, should_stop)` waits between passes and may end early when woken
        (service/sync/wakeup.py); without it the worker sleeps the whole interval.
        """
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
            try:
                if also is not None:
                    also()
            except Exception:
                log.exception("pass beside the sync failed")
            if wait is not None:
                wait(interval, should_stop)
                continue
            waited = 0.0
            while waited < interval and not should_stop():
                self.sleep(min(0.5, interval))
                waited += min(0.5, interval)

    def sink_for(self, org: Organisation) -> tuple[Sink, BatchMaker]:
        target = org.spreadsheet or registry.default_target()
        return target.build(org.slug, self.context), self._batch_maker(target.kind)

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
            state.description = describe(self.settings, org)
            sink, maker = self.sink_for(org)
            records = load_records(db, {e.response_id for e in entries})
            sink.write(maker.batches(records))
        except SyncError as exc:
            return self._failed(db, state, exc)
        except MemoryError:
            # Trying again would only fail the same way: a person must make the sheet smaller.
            reason = (
                f"{state.description}: för stor för att läsas in; ta bort det som inte hör dit."
            )
            return self._failed(db, state, PermanentSyncError(reason))
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
        park_after = getattr(exc, "park_after", None)  # trouble that parks when it lasts
        if isinstance(exc, PermanentSyncError) or (park_after and state.failures >= park_after):
            state.parked_reason, state.parked_at = str(exc), now
            outcome = "parked"
        else:
            delay = min(
                dt.timedelta(seconds=5 * 2 ** min(state.failures - 1, 10)), SHEET_RETRY_MAX_WAIT
            )
            state.next_attempt_at = now + delay
            outcome = "failed"
        outbox.release(state, self.owner)
        db.commit()
        return TargetResult(state.target, outcome, reason=str(exc))


def _resting(state: SyncTarget, now: dt.datetime) -> bool:
    if state.parked_reason and state.parked_at:
        return now < state.parked_at + PARK_RETRY
    return bool(state.next_attempt_at and now < state.next_attempt_at)
