"""The sync: the outbox, each target's state and each worker's heartbeat."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, utcnow
from service.models.plans import Response


class OutboxEntry(Base):
    """One response revision still to be mirrored into one target.

    A target is an organisation's spreadsheet, named by the organisation's slug; which
    sink serves it is decided when the entry is synced, so a changed configuration
    applies to everything still pending. Entries are deleted once the sheet holds them.
    """

    __tablename__ = "sync_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target: Mapped[str] = mapped_column(String(64), index=True)
    response_id: Mapped[str] = mapped_column(ForeignKey("responses.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    response: Mapped[Response] = relationship()


class SyncTarget(Base):
    """One target's claim and what its last passes achieved (`sync --status`, admin page)."""

    __tablename__ = "sync_targets"

    target: Mapped[str] = mapped_column(String(64), primary_key=True)
    description: Mapped[str] = mapped_column(String(300), default="")
    last_success_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    last_error_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    # Transient failures: the watcher waits until then before trying again.
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # Permanent failures park the target until someone fixes the cause.
    parked_reason: Mapped[str | None] = mapped_column(Text, default=None)
    parked_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # The worker that holds this target, until when: one writer per sheet, in order.
    # A worker that dies only delays the target until its claim runs out.
    claimed_by: Mapped[str | None] = mapped_column(String(128), default=None)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(default=None)


class SyncWorker(Base):
    """One sync process's heartbeat: when it last finished a pass (`/healthz`, admin page)."""

    __tablename__ = "sync_workers"

    worker: Mapped[str] = mapped_column(String(128), primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_pass_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
