"""Plans, their stages (responses) and each stage's submitted revisions.

The database is the system of record; spreadsheets only mirror it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, utcnow


class Plan(Base):
    """What people work on: one organisation's plan or programme, filled in stage by stage.

    `reference` (e.g. DP-2026-0007: checklist, year, running number) is what people quote;
    it is unique per organisation. Name and diarienummer follow the latest saved stage.
    """

    __tablename__ = "plans"
    __table_args__ = (
        UniqueConstraint("org", "reference"),
        Index("ix_plans_org_updated_at", "org", "updated_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=lambda: uuid.uuid4().hex)
    org: Mapped[str] = mapped_column(String(64))
    form_id: Mapped[str] = mapped_column(String(64))
    reference: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(300), default="")
    diarienummer: Mapped[str] = mapped_column(String(300), default="")
    # Name, diarienummer and reference casefolded, for a search that ignores case on
    # every database (SQLite's LIKE folds only ASCII).
    search_text: Mapped[str] = mapped_column(String(700), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    stages: Mapped[list[Response]] = relationship(
        back_populates="plan", order_by="Response.created_at"
    )


class PlanNumber(Base):
    """The last running number given out per organisation and series (e.g. "DP-2026").

    Plans take their numbers by incrementing this row, which holds a lock until commit:
    two plans started at once wait for each other instead of both taking the same number.
    """

    __tablename__ = "plan_numbers"

    org: Mapped[str] = mapped_column(String(64), primary_key=True)
    series: Mapped[str] = mapped_column(String(24), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Response(Base):
    """One organisation's answer to one checklist: a working copy plus its history.

    A response is one stage of its plan (samråd, granskning, …).

    `data` is what the organisation sees when editing (drafts included); every
    *Skicka in* freezes a copy as a new Revision.
    """

    __tablename__ = "responses"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=lambda: uuid.uuid4().hex)
    org: Mapped[str] = mapped_column(String(64), index=True)
    form_id: Mapped[str] = mapped_column(String(64), index=True)
    form_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    unsubmitted_changes: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # Optimistic locking: a save from a stale page is caught, not silently lost.
    lock_version: Mapped[int] = mapped_column(Integer, default=1)
    # Set for every response the service makes; a row without one gets its plan on first use.
    plan_id: Mapped[str | None] = mapped_column(ForeignKey("plans.id"), index=True, default=None)
    # "Ditt namn eller din roll" of the last save; stays in the service, never in a sheet.
    updated_by: Mapped[str | None] = mapped_column(String(200), default=None)
    # A stage started from the previous one: {"stage", "revision", "sections": [ids not yet
    # looked at]}; None once every carried-over section has been looked at.
    carried_over: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)

    revisions: Mapped[list[Revision]] = relationship(
        back_populates="response", order_by="Revision.number", cascade="all, delete-orphan"
    )
    plan: Mapped[Plan | None] = relationship(back_populates="stages")

    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012

    @property
    def title(self) -> str:
        return str((self.data or {}).get("metadata", {}).get("plan_name") or "Namnlöst svar")


class Revision(Base):
    """A submitted state of a response, never changed after it is written."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("response_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[str] = mapped_column(ForeignKey("responses.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    form_version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    submitted_by: Mapped[str | None] = mapped_column(String(200), default=None)

    response: Mapped[Response] = relationship(back_populates="revisions")
