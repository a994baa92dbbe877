"""The outbox: enqueue in the response's transaction, claim with an expiry, ack when written.

Several workers may run later: a claim is an UPDATE guarded by "unclaimed or expired",
so two workers never hold the same entry at once, and a worker that dies only delays its
entries until the claim runs out. (On PostgreSQL a later step adds FOR UPDATE SKIP LOCKED.)
"""

from __future__ import annotations

import datetime as dt
import os
import socket

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from service.models import Response
from service.sync.models import OutboxEntry

DEFAULT_LEASE = dt.timedelta(minutes=10)


def enqueue(db: Session, response: Response) -> None:
    """Mirror the response's current revision; call before the response's commit."""
    if response.status != "submitted":
        return  # drafts are not mirrored: the sheet shows submitted revisions only
    db.add(OutboxEntry(target=response.org, response=response, revision=response.revision))


def enqueue_all(db: Session, target: str | None = None) -> int:
    """Queue every submitted response again (a deleted or new sheet is rebuilt); commits."""
    query = select(Response).where(Response.status == "submitted")
    if target:
        query = query.where(Response.org == target)
    count = 0
    for response in db.scalars(query):
        enqueue(db, response)
        count += 1
    db.commit()
    return count


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _claim_is_dead(owner: str) -> bool:
    """A claim by a process on this host that no longer runs."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def claim(
    db: Session, target: str, owner: str, now: dt.datetime, lease: dt.timedelta = DEFAULT_LEASE
) -> list[OutboxEntry]:
    """Take the target's free entries for `lease`; commits the claim."""
    owners = db.scalars(
        select(OutboxEntry.claimed_by)
        .where(OutboxEntry.target == target, OutboxEntry.claimed_until > now)
        .distinct()
    )
    dead = [o for o in owners if o and o != owner and _claim_is_dead(o)]
    free = or_(OutboxEntry.claimed_until.is_(None), OutboxEntry.claimed_until <= now)
    if dead:
        free = or_(free, OutboxEntry.claimed_by.in_(dead))
    db.execute(
        update(OutboxEntry)
        .where(OutboxEntry.target == target, free)
        .values(claimed_by=owner, claimed_until=now + lease, attempts=OutboxEntry.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.commit()
    return list(
        db.scalars(
            select(OutboxEntry)
            .where(
                OutboxEntry.target == target,
                OutboxEntry.claimed_by == owner,
                OutboxEntry.claimed_until > now,
            )
            .order_by(OutboxEntry.id)
        )
    )


def ack(db: Session, entries: list[OutboxEntry], owner: str) -> None:
    """The sheet holds these entries: remove them (only while still ours). Does not commit."""
    ids = [e.id for e in entries]
    db.execute(
        delete(OutboxEntry)
        .where(OutboxEntry.id.in_(ids), OutboxEntry.claimed_by == owner)
        .execution_options(synchronize_session=False)
    )


def release(db: Session, entries: list[OutboxEntry], owner: str) -> None:
    """Give the entries back for a later pass. Does not commit."""
    ids = [e.id for e in entries]
    db.execute(
        update(OutboxEntry)
        .where(OutboxEntry.id.in_(ids), OutboxEntry.claimed_by == owner)
        .values(claimed_by=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )


def targets_with_work(db: Session) -> list[str]:
    return list(db.scalars(select(OutboxEntry.target).distinct()))


def pending_counts(db: Session) -> dict[str, int]:
    rows = db.execute(select(OutboxEntry.target, func.count()).group_by(OutboxEntry.target))
    return {target: n for target, n in rows}
