"""Server-side sessions: revocable, ending after an idle time, shared by every instance.

The signed session cookie holds a random session token; the database holds its hash, the
subject and the link generation it was opened with. A request counts as signed in only
while that row exists, its generation is still the link's, and it was used within the idle
time (and not opened longer ago than the cookie's lifetime).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, literal, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from service import form_store
from service.models import AccessLink, SignedInSession, utcnow

# last_seen is written at most this often: a page view is not a database write.
TOUCH_EVERY = dt.timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(db: Session, link: AccessLink, lifetime: dt.timedelta) -> str:
    """A new session for the subject of `link`; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    db.execute(delete(SignedInSession).where(SignedInSession.last_seen < utcnow() - lifetime))
    db.add(
        SignedInSession(token_hash=_hash(token), subject=link.subject, generation=link.generation)
    )
    db.commit()
    return token


def current(
    db: Session, token: object, idle: dt.timedelta, lifetime: dt.timedelta
) -> SignedInSession | None:
    """The live session for `token`, its last use noted; None if ended, idle or unknown."""
    return lookup(db, token, idle, lifetime)[0]


def lookup(
    db: Session, token: object, idle: dt.timedelta, lifetime: dt.timedelta
) -> tuple[SignedInSession | None, int | None]:
    """current(), and the newest publication's id read in the same statement (None if it
    was not read), so a signed-in request asks the database one question, not two."""
    if not isinstance(token, str) or not token or len(token) > 100:
        return None, None
    query = (
        select(SignedInSession, AccessLink.generation)
        .join(AccessLink, AccessLink.subject == SignedInSession.subject)
        .where(SignedInSession.token_hash == _hash(token))
    )
    try:
        row = db.execute(query.add_columns(form_store.latest_id_column())).first()
    except SQLAlchemyError:
        # The published versions cannot be read: sign-in does not depend on them.
        db.rollback()
        row = db.execute(query.add_columns(literal(None))).first()
    if row is None:
        return None, None
    record, generation, published = row
    return _check(db, record, generation, idle, lifetime), published


def _check(
    db: Session,
    record: SignedInSession,
    generation: int,
    idle: dt.timedelta,
    lifetime: dt.timedelta,
) -> SignedInSession | None:
    now = utcnow()
    if (
        record.generation != generation
        or now - record.last_seen > idle
        or now - record.created_at > lifetime
    ):
        db.delete(record)
        db.commit()
        return None
    if now - record.last_seen > TOUCH_EVERY:
        record.last_seen = now
        db.commit()
    return record


def end(db: Session, token: object) -> None:
    """Sign out: the session stops working everywhere."""
    if isinstance(token, str) and token:
        db.execute(delete(SignedInSession).where(SignedInSession.token_hash == _hash(token)))
        db.commit()


def end_all(db: Session, subject: str) -> None:
    """End every session of `subject` (its link is rotated), in the caller's transaction."""
    db.execute(delete(SignedInSession).where(SignedInSession.subject == subject))
