"""What the pages list: a consultee's "Att yttra sig över", a plan's requests, and the open
"Behöver åtgärdas" threads of a plan that nobody has handled yet."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from forms.clock import swedish_today
from service.consultations import comments, requests
from service.models import Consultation, ConsultationInvite, Plan, Response, Revision


@dataclass(frozen=True)
class Assignment:
    """One request an organisation is asked to comment on."""

    consultation: Consultation
    invite: ConsultationInvite
    plan: Plan
    revision: Revision
    overdue: bool


def to_answer(db: Session, org: str, day: dt.date | None = None) -> list[Assignment]:
    """Open requests to `org`, overdue ones first, then by reply-by date."""
    day = day or swedish_today()
    rows = db.execute(
        select(ConsultationInvite, Consultation, Plan, Revision)
        .join(Consultation, ConsultationInvite.consultation_id == Consultation.id)
        .join(Plan, Consultation.plan_id == Plan.id)
        .join(
            Revision,
            (Revision.response_id == Consultation.response_id)
            & (Revision.number == Consultation.revision),
        )
        .where(
            ConsultationInvite.org == org,
            Consultation.withdrawn_at.is_(None),
            Consultation.closed_at.is_(None),
        )
    ).all()
    found = [
        Assignment(
            consultation,
            invite,
            plan,
            revision,
            invite.answered_at is None and day > consultation.reply_by,
        )
        for invite, consultation, plan, revision in rows
    ]
    return sorted(
        found,
        key=lambda a: (not a.overdue, a.consultation.reply_by, a.consultation.created_at),
    )


@dataclass(frozen=True)
class PlanRequest:
    """A request on one of the plan's stages, as the plan page lists it."""

    consultation: Consultation
    response: Response
    state: requests.State


def for_plan(db: Session, plan: Plan, day: dt.date | None = None) -> list[PlanRequest]:
    """The plan's requests, newest first (only the plan's own organisation sees them)."""
    rows = db.scalars(
        select(Consultation)
        .where(Consultation.plan_id == plan.id, Consultation.org == plan.org)
        .order_by(Consultation.created_at.desc(), Consultation.id)
        .options(selectinload(Consultation.invites))
    ).all()
    stages = {response.id: response for response in plan.stages}
    return [
        PlanRequest(row, stages[row.response_id], requests.state(row, day))
        for row in rows
        if row.response_id in stages
    ]


def open_actions(db: Session, response: Response) -> dict[str | None, list[comments.Thread]]:
    """Threads marked "Behöver åtgärdas" in the plan's requests and not yet handled, by
    question: what the next stage (or the next version of this one) must not forget."""
    if response.plan_id is None:
        return {}
    earlier = db.scalars(
        select(Consultation).where(
            Consultation.plan_id == response.plan_id,
            Consultation.org == response.org,
            Consultation.withdrawn_at.is_(None),
        )
    ).all()
    found: dict[str | None, list[comments.Thread]] = defaultdict(list)
    for consultation in earlier:
        for question_id, threads in comments.threads_of(db, consultation).items():
            found[question_id].extend(t for t in threads if t.open_action)
    return {question: threads for question, threads in found.items() if threads}
