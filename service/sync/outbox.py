"""The outbox: enqueue in the response's transaction, claim a target, ack when written.

Any number of workers may run. A worker claims a whole target (one organisation's
spreadsheet) for a lease: the claim reads the target's row with FOR UPDATE SKIP LOCKED
on PostgreSQL, so workers pass over a target another is claiming instead of queueing
behind it, and one sheet always has one writer, which writes its entries in order. A
worker that dies leaves its claim to run out; then another takes the target over.
"""

from __future__ import annotations

import datetime as dt
import os
import socket

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from forms import Status
from service.models import OutboxEntry, Response, SyncTarget
from service.sync import wakeup

DEFAULT_LEASE = dt.timedelta(minutes=10)


def enqueue(db: Session, response: Response) -> None:
    """Mirror the response's current revision; call before the response's commit."""
    if response.status != Status.SUBMITTED:
        return  # drafts are not mirrored: the sheet shows submitted revisions only
    db.add(OutboxEntry(target=response.org, response=response, revision=response.revision))
    wakeup.expect(db)  # a waiting worker starts its pass as soon as this commits


def enqueue_all(db: Session, target: str | None = None) -> int:
    """Queue every submitted response again (a deleted or new sheet is rebuilt); commits."""
    query = select(Response).where(Response.status == Status.SUBMITTED)
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


def _ensure_target(db: Session, target: str) -> None:
    if db.get(SyncTarget, target) is not None:
        return
    try:
        db.add(SyncTarget(target=target, failures=0))
        db.commit()
    except IntegrityError:  # another worker made it at the same moment
        db.rollback()


def _locked(db: Session, target: str, *, skip_locked: bool) -> SyncTarget | None:
    return db.scalars(
        select(SyncTarget)
        .where(SyncTarget.target == target)
        .with_for_update(skip_locked=skip_locked)
        .execution_options(populate_existing=True)
    ).first()


def claim_target(
    db: Session, target: str, owner: str, now: dt.datetime, lease: dt.timedelta = DEFAULT_LEASE
) -> SyncTarget | None:
    """Hold `target` for `lease`, or None while another live worker holds it; commits."""
    _ensure_target(db, target)
    state = _locked(db, target, skip_locked=True)
    held_by_other = (
        state is not None
        and state.claimed_by not in (None, owner)
        and state.claimed_until is not None
        and state.claimed_until > now
        and not _claim_is_dead(state.claimed_by or "")
    )
    if state is None or held_by_other:
        db.rollback()
        return None
    state.claimed_by, state.claimed_until = owner, now + lease
    db.commit()
    return state


def pending(db: Session, target: str) -> list[OutboxEntry]:
    """The target's entries, oldest first."""
    return list(
        db.scalars(select(OutboxEntry).where(OutboxEntry.target == target).order_by(OutboxEntry.id))
    )


def ack(db: Session, entries: list[OutboxEntry], owner: str) -> bool:
    """The sheet holds these entries: delete them if the target is still ours. No commit.

    False when the claim was lost (it ran out and another worker took over): the entries
    stay, and a later pass writes the same rows again, in place.
    """
    if not entries:
        return True
    state = _locked(db, entries[0].target, skip_locked=False)
    if state is None or state.claimed_by != owner:
        return False
    db.execute(
        delete(OutboxEntry)
        .where(OutboxEntry.id.in_([e.id for e in entries]))
        .execution_options(synchronize_session=False)
    )
    return True


def release(state: SyncTarget, owner: str) -> None:
    """Let go of the target (the caller commits)."""
    if state.claimed_by == owner:
        state.claimed_by = state.claimed_until = None


def targets_with_work(db: Session) -> list[str]:
    return list(db.scalars(select(OutboxEntry.target).distinct()))


def pending_counts(db: Session) -> dict[str, int]:
    rows = db.execute(select(OutboxEntry.target, func.count()).group_by(OutboxEntry.target))
    return {target: n for target, n in rows}
