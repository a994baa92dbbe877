"""Asking for comments on a submitted revision of a stage, withdrawing and closing the
request, and the state it is in ("Besvarad av 2 av 3").

Every write joins the caller's transaction: the caller commits, so the notices of what
happened can be added to the same transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from forms.clock import swedish_today
from service.models import Consultation, ConsultationInvite, Response, utcnow
from service.organisations import Directory, Organisation

# Three weeks, the usual time for a remiss between the region's organisations.
REPLY_DAYS = 21
# The furthest reply-by date the form takes.
LONGEST = dt.timedelta(days=366)
CONSULTATION_ID = re.compile(r"[0-9a-f]{32}")


def default_reply_by(day: dt.date | None = None) -> dt.date:
    return (day or swedish_today()) + dt.timedelta(days=REPLY_DAYS)


def default_invitees(directory: Directory, form_id: str, asking: str) -> list[Organisation]:
    """Those the organisations file says are usually consulted on this checklist."""
    return [org for org in directory if form_id in org.consulted_on and org.slug != asking]


def already_asked(db: Session, response: Response) -> set[str]:
    """Organisations with an open request on the response's current revision."""
    rows = db.scalars(
        select(ConsultationInvite.org)
        .join(Consultation)
        .where(
            Consultation.response_id == response.id,
            Consultation.revision == response.revision,
            Consultation.withdrawn_at.is_(None),
            Consultation.closed_at.is_(None),
        )
    )
    return set(rows)


def ask(
    db: Session,
    response: Response,
    orgs: Iterable[str],
    message: str,
    reply_by: dt.date,
    by: str | None,
) -> Consultation:
    """A request for comments on the response's latest submitted revision.

    The transaction stays open: the caller adds what the request causes and commits.
    """
    assert response.plan_id is not None and response.revision > 0
    consultation = Consultation(
        org=response.org,
        plan_id=response.plan_id,
        response_id=response.id,
        revision=response.revision,
        message=message,
        reply_by=reply_by,
        created_by=by,
    )
    consultation.invites = [ConsultationInvite(org=slug) for slug in dict.fromkeys(orgs)]
    db.add(consultation)
    db.flush()
    return consultation


def withdraw(consultation: Consultation) -> None:
    """Marked, never deleted: what was sent stays in the record."""
    if consultation.withdrawn_at is None and consultation.closed_at is None:
        consultation.withdrawn_at = utcnow()


def may_close(consultation: Consultation, day: dt.date | None = None) -> bool:
    """Open, and every organisation asked has answered or the reply-by date has passed."""
    if not is_open(consultation):
        return False
    everyone = all(invite.answered_at for invite in consultation.invites)
    return everyone or (day or swedish_today()) > consultation.reply_by


def close(consultation: Consultation, by: str | None) -> None:
    consultation.closed_at = utcnow()
    consultation.closed_by = by


def is_open(consultation: Consultation) -> bool:
    return consultation.withdrawn_at is None and consultation.closed_at is None


class Phase(StrEnum):
    SENT = "sent"
    ANSWERED = "answered"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class State:
    """Where a request stands, for the plan page and the lists."""

    phase: Phase
    answered: int
    asked: int
    overdue: bool

    def text(self) -> str:
        """In Swedish, as the plan page says it (for the workbook and the notices; the pages
        build it from translated parts)."""
        if self.phase is Phase.WITHDRAWN:
            return "Återkallad"
        if self.phase is Phase.CLOSED:
            return "Avslutad"
        if self.phase is Phase.SENT:
            return "Skickad"
        late = ", svarsdatum passerat" if self.overdue else ""
        return f"Besvarad av {self.answered} av {self.asked}{late}"


def state(consultation: Consultation, day: dt.date | None = None) -> State:
    answered = sum(1 for invite in consultation.invites if invite.answered_at)
    asked = len(consultation.invites)
    if consultation.withdrawn_at is not None:
        phase = Phase.WITHDRAWN
    elif consultation.closed_at is not None:
        phase = Phase.CLOSED
    else:
        phase = Phase.ANSWERED if answered else Phase.SENT
    overdue = (
        phase in (Phase.SENT, Phase.ANSWERED)
        and answered < asked
        and (day or swedish_today()) > consultation.reply_by
    )
    return State(phase, answered, asked, overdue)


def valid_id(consultation_id: str) -> bool:
    """Ids are uuid4 hex; anything else cannot exist (and a NUL upsets PostgreSQL)."""
    return bool(CONSULTATION_ID.fullmatch(consultation_id))


def asked_by(db: Session, consultation_id: str, org: str) -> Consultation | None:
    """The request if `org` made it."""
    if not valid_id(consultation_id):
        return None
    found = db.get(Consultation, consultation_id)
    return found if found is not None and found.org == org else None


def invite_of(db: Session, consultation_id: str, org: str) -> ConsultationInvite | None:
    """`org`'s invitation to the request, if it was asked."""
    if not valid_id(consultation_id):
        return None
    return db.scalars(
        select(ConsultationInvite).where(
            ConsultationInvite.consultation_id == consultation_id,
            ConsultationInvite.org == org,
        )
    ).first()
