"""Queueing messages in the caller's transaction, and claiming them for one sending pass.

A claim is one UPDATE that only takes rows nobody else holds (or whose holder's lease ran
out, or whose holder died on this host), so any number of sending processes can run on
SQLite or PostgreSQL without taking the same message twice. Each message is marked sent
in its own commit right after the server accepted it: a process killed between messages
leaves only unsent messages behind, which the next pass takes over.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from email.utils import make_msgid

from sqlalchemy import ColumnElement, and_, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from service.models import MailMessage

# The sheet sync's test for a claim held by a process on this host that has died.
from service.sync.outbox import _claim_is_dead as claim_is_dead

LEASE = dt.timedelta(minutes=5)
MAIL_RETRY_MAX_WAIT = dt.timedelta(minutes=30)  # between two tries of one message
BATCH = 50


@dataclass(frozen=True)
class Outgoing:
    """A message to queue: one recipient, a Swedish subject, plain text and HTML."""

    key: str
    recipient: str
    subject: str
    text: str
    html: str


# Built once: a statement made anew costs more than the database's answer to it.
_QUEUED = select(MailMessage.id).where(MailMessage.key == bindparam("key"))


def enqueue(db: Session, message: Outgoing, domain: str) -> bool:
    """Queue `message` in the caller's transaction (no commit); False if its key was queued."""
    if db.scalar(_QUEUED, {"key": message.key}) is not None:
        return False
    db.add(
        MailMessage(
            key=message.key,
            recipient=message.recipient,
            subject=" ".join(message.subject.split())[:300],  # one line, whatever was typed
            body_text=message.text,
            body_html=message.html,
            message_id=make_msgid("checklistor", domain=domain),
            attempts=0,
        )
    )
    return True


def _unsent() -> ColumnElement[bool]:
    return and_(MailMessage.sent_at.is_(None), MailMessage.failed_at.is_(None))


def claim(
    db: Session, owner: str, now: dt.datetime, *, force: bool = False, limit: int = BATCH
) -> list[MailMessage]:
    """Take up to `limit` unsent messages for `owner` until now + LEASE; commits.

    Messages waiting out a pause after a refusal are left alone unless `force`.
    """
    free = or_(MailMessage.claimed_until.is_(None), MailMessage.claimed_until < now)
    holders = db.scalars(
        select(MailMessage.claimed_by)
        .where(_unsent(), MailMessage.claimed_until >= now, MailMessage.claimed_by != owner)
        .distinct()
    )
    # A holder is "host:pid:pass"; the process is what may have died.
    dead = [h for h in holders if h and claim_is_dead(h.rpartition(":")[0])]
    if dead:
        free = or_(free, MailMessage.claimed_by.in_(dead))
    due = or_(MailMessage.next_attempt_at.is_(None), MailMessage.next_attempt_at <= now)
    wanted = select(MailMessage.id).where(_unsent(), free, *(() if force else (due,)))
    ids = list(db.scalars(wanted.order_by(MailMessage.id).limit(limit)))
    if not ids:
        db.rollback()
        return []
    token = f"{owner}:{uuid.uuid4().hex[:8]}"
    # Conditions again in the UPDATE: a row another process took meanwhile is not taken.
    db.execute(
        update(MailMessage)
        .where(MailMessage.id.in_(ids), _unsent(), free)
        .values(claimed_by=token, claimed_until=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    db.commit()
    rows = db.scalars(
        select(MailMessage)
        .where(MailMessage.claimed_by == token)
        .order_by(MailMessage.id)
        .execution_options(populate_existing=True)
    )
    return list(rows)


def mark_sent(db: Session, message: MailMessage, now: dt.datetime) -> None:
    message.sent_at = now
    message.attempts += 1
    message.claimed_by = message.claimed_until = None
    message.last_error = None
    db.commit()


def mark_retry(db: Session, message: MailMessage, now: dt.datetime, reason: str) -> None:
    """Refused for now: try again after a pause that grows with each refusal."""
    message.attempts += 1
    delay = dt.timedelta(seconds=30 * 2 ** min(message.attempts - 1, 12))
    message.next_attempt_at = now + min(delay, MAIL_RETRY_MAX_WAIT)
    message.last_error = reason
    message.claimed_by = message.claimed_until = None
    db.commit()


def mark_failed(db: Session, message: MailMessage, now: dt.datetime, reason: str) -> None:
    """Refused for good (the server says the address or message cannot be delivered)."""
    message.attempts += 1
    message.failed_at = now
    message.last_error = reason
    message.claimed_by = message.claimed_until = None
    db.commit()


def counts(db: Session) -> dict[str, int]:
    """Messages by state: waiting, sent, failed."""

    def count(condition: ColumnElement[bool]) -> int:
        return db.scalar(select(func.count()).select_from(MailMessage).where(condition)) or 0

    return {
        "waiting": count(_unsent()),
        "sent": count(MailMessage.sent_at.is_not(None)),
        "failed": count(MailMessage.failed_at.is_not(None)),
    }
