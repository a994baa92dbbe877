"""Is mirroring keeping up? Heartbeats of the workers and the age of the oldest entry.

"ok"       nothing waits, or a worker made a pass recently and nothing waits long
"behind"   entries have waited longer than SYNC_STALE_SECONDS, but workers run
           (a parked sheet, quota): a person should look at the admin page
"stopped"  entries wait and no worker has made a pass for SYNC_STALE_SECONDS:
           `/healthz` answers 503 so a container check or load balancer notices
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from service.models import OutboxEntry, SyncWorker, utcnow

DEFAULT_STALE = dt.timedelta(minutes=5)
FORGET = dt.timedelta(days=1)  # heartbeats of workers gone this long are deleted


@dataclass(frozen=True)
class SyncHealth:
    state: str  # "ok", "behind" or "stopped"
    oldest_waiting_s: int | None  # seconds the oldest pending entry has waited
    last_pass_at: dt.datetime | None  # the newest pass of any worker


def beat(db: Session, worker: str, now: dt.datetime | None = None) -> None:
    """Record that `worker` finished a pass; commits."""
    now = now or utcnow()
    row = db.get(SyncWorker, worker)
    if row is None:
        db.add(SyncWorker(worker=worker, started_at=now, last_pass_at=now))
    else:
        row.last_pass_at = now
    db.execute(delete(SyncWorker).where(SyncWorker.last_pass_at < now - FORGET))
    db.commit()


def sync_health(
    db: Session, stale: dt.timedelta = DEFAULT_STALE, now: dt.datetime | None = None
) -> SyncHealth:
    now = now or utcnow()
    oldest = db.scalar(select(func.min(OutboxEntry.created_at)))
    last_pass = db.scalar(select(func.max(SyncWorker.last_pass_at)))
    waited = None if oldest is None else max(0, int((now - oldest).total_seconds()))
    if waited is None:
        state = "ok"
    elif last_pass is None or now - last_pass > stale:
        state = "stopped" if waited > stale.total_seconds() or last_pass is not None else "ok"
    else:
        state = "behind" if waited > stale.total_seconds() else "ok"
    return SyncHealth(state, waited, last_pass)
