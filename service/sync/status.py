"""Per organisation: pending entries, last success, last error, parked reason; overall health."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db import get_db
from service.models import SyncTarget
from service.runtime import Runtime, current_settings
from service.sync import outbox
from service.sync.health import SyncHealth, sync_health
from service.sync.registry import default_target
from service.sync.worker import describe


@dataclass(frozen=True)
class TargetStatus:
    target: str
    name: str
    description: str  # names files and keys: for operators (sync --status), not web pages
    kind_label: str
    pending: int
    last_success_at: dt.datetime | None
    last_error: str | None
    last_error_at: dt.datetime | None
    parked_reason: str | None

    @property
    def healthy(self) -> bool:
        return not self.parked_reason and not self.last_error


def target_status(runtime: Runtime, db: Session) -> list[TargetStatus]:
    """Every organisation in the file, then any unknown target that still has work."""
    directory, settings = runtime.organisations, runtime.settings
    pending = outbox.pending_counts(db)
    states = {s.target: s for s in db.scalars(select(SyncTarget))}
    rows: list[TargetStatus] = []
    names = {
        org.slug: (
            org.name,
            describe(settings, org),
            (org.spreadsheet or default_target()).kind.label,
        )
        for org in directory
    }
    for target in [*names, *sorted(set(pending) - set(names))]:
        name, description, kind_label = names.get(target, (target, "okänd organisation", ""))
        state = states.get(target)
        rows.append(
            TargetStatus(
                target=target,
                name=name,
                description=description,
                kind_label=kind_label,
                pending=pending.get(target, 0),
                last_success_at=state.last_success_at if state else None,
                last_error=state.last_error if state else None,
                last_error_at=state.last_error_at if state else None,
                parked_reason=state.parked_reason if state else None,
            )
        )
    return rows


def sync_state() -> SyncHealth:
    """The mirroring's health for the current app (`/healthz`, the admin page)."""
    stale = dt.timedelta(seconds=current_settings().sync_stale_seconds)
    return sync_health(get_db(), stale)
