"""Database tables: sign-in links, plans, responses (a plan's stages) and their revisions.

The database is the system of record; spreadsheets only mirror it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from forms.clock import utcnow


class Base(DeclarativeBase):
    pass


class AccessLink(Base):
    """The current sign-in link of one subject (an organisation's slug, or ADMIN)."""

    __tablename__ = "access_links"

    ADMIN = "@admin"

    subject: Mapped[str] = mapped_column(String(64), primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=1)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


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


class SignedInSession(Base):
    """One signed-in browser. The cookie carries a random token; only its SHA-256 is kept.

    Deleting the row (signing out, rotating the link) or leaving it idle ends the session
    on every instance, whatever copies of the cookie exist.
    """

    __tablename__ = "sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    subject: Mapped[str] = mapped_column(String(64), index=True)
    generation: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


# A background export that has not reported for this long has stopped (its process went).
EXPORT_STALLED = dt.timedelta(minutes=5)


class ExportJob(Base):
    """One background build of the region's workbook."""

    __tablename__ = "export_jobs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    selection: Mapped[dict[str, Any]] = mapped_column(JSON)
    filename: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="running")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    size: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    @property
    def state(self) -> str:
        """running, done or failed (a running job nobody has reported on for a while)."""
        if self.status == "running" and utcnow() - self.updated_at > EXPORT_STALLED:
            return "failed"
        return self.status


class ExportChunk(Base):
    """Part `seq` of a finished job's workbook."""

    __tablename__ = "export_chunks"

    job_id: Mapped[str] = mapped_column(ForeignKey("export_jobs.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Consultation(Base):
    """Samråd: one organisation asks others for comments on a submitted revision of a stage.

    Nothing is deleted: a request is withdrawn or closed with a mark and a time.
    """

    __tablename__ = "consultations"
    __table_args__ = (Index("ix_consultations_org_created_at", "org", "created_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=lambda: uuid.uuid4().hex)
    # The asking organisation, the plan, the stage and the revision number that is shared.
    org: Mapped[str] = mapped_column(String(64))
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    response_id: Mapped[str] = mapped_column(ForeignKey("responses.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text, default="")
    reply_by: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(200), default=None)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    closed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    closed_by: Mapped[str | None] = mapped_column(String(200), default=None)

    invites: Mapped[list[ConsultationInvite]] = relationship(
        back_populates="consultation", order_by="ConsultationInvite.id"
    )


class ConsultationInvite(Base):
    """One organisation asked in a consultation; `answered_at` is when it first sent."""

    __tablename__ = "consultation_invites"
    __table_args__ = (UniqueConstraint("consultation_id", "org"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[str] = mapped_column(ForeignKey("consultations.id"), index=True)
    org: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    answered_by: Mapped[str | None] = mapped_column(String(200), default=None)

    consultation: Mapped[Consultation] = relationship(back_populates="invites")


class ConsultationComment(Base):
    """A consultee's comment on one question (`question_id`; None: the overall statement),
    or a message in its thread (`parent_id`): the asking organisation's reply, or the
    consultee's correction. A draft (`sent_at` None) is seen only by its own organisation;
    sent text is never rewritten, only withdrawn with a mark. The thread's first comment
    carries its handling ("Hanterad" and how).
    """

    __tablename__ = "consultation_comments"

    # Kinds of a consultee's comment, as stored.
    KINDS = ("instammer", "synpunkt", "atgard")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[str] = mapped_column(ForeignKey("consultations.id"), index=True)
    org: Mapped[str] = mapped_column(String(64))
    author: Mapped[str | None] = mapped_column(String(200), default=None)
    question_id: Mapped[str | None] = mapped_column(String(64), default=None)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_comments.id"), index=True, default=None
    )
    kind: Mapped[str | None] = mapped_column(String(16), default=None)
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    handled_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    handled_by: Mapped[str | None] = mapped_column(String(200), default=None)
    handled_note: Mapped[str | None] = mapped_column(Text, default=None)
