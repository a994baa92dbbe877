"""Samråd: requests for comments, the organisations asked, and their comments."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, utcnow


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
