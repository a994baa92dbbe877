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
from typing import cast

from sqlalchemy import Table, bindparam, delete, literal, select, update
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


# Built once, and of table columns rather than objects: a statement made anew, or rows
# made into objects, cost more than the database's answer. Every request asks it.
_SESSIONS = cast(Table, SignedInSession.__table__)
_SESSION = (
    select(
        _SESSIONS.c.subject,
        _SESSIONS.c.generation,
        _SESSIONS.c.created_at,
        _SESSIONS.c.last_seen,
        AccessLink.__table__.c.generation,
    )
    .join_from(_SESSIONS, AccessLink.__table__, AccessLink.subject == _SESSIONS.c.subject)
    .where(_SESSIONS.c.token_hash == bindparam("hashed"))
)
_WITH_PUBLISHED = _SESSION.add_columns(form_store.latest_id_column())
_WITHOUT_PUBLISHED = _SESSION.add_columns(literal(None))
_END = delete(_SESSIONS).where(_SESSIONS.c.token_hash == bindparam("hashed"))
_SEEN = (
    update(_SESSIONS)
    .where(_SESSIONS.c.token_hash == bindparam("hashed"))
    .values(last_seen=bindparam("now"))
)


def lookup(
    db: Session, token: object, idle: dt.timedelta, lifetime: dt.timedelta
) -> tuple[str | None, int | None]:
    """The subject of the live session for `token` (its last use noted; None if ended, idle
    or unknown), and the newest publication's id read in the same statement (None if it
    was not read), so a signed-in request asks the database one question, not two."""
    if not isinstance(token, str) or not token or len(token) > 100:
        return None, None
    key = {"hashed": _hash(token)}
    connection = db.connection()
    try:
        row = connection.execute(_WITH_PUBLISHED, key).first()
    except SQLAlchemyError:
        # The published versions cannot be read: sign-in does not depend on them.
        db.rollback()
        connection = db.connection()
        row = connection.execute(_WITHOUT_PUBLISHED, key).first()
    if row is None:
        return None, None
    subject, generation, created_at, last_seen, link_generation, published = row
    now = utcnow()
    if generation != link_generation or now - last_seen > idle or now - created_at > lifetime:
        connection.execute(_END, key)
        db.commit()
        return None, published
    if now - last_seen > TOUCH_EVERY:
        connection.execute(_SEEN, {**key, "now": now})
        db.commit()
    return subject, published


def end(db: Session, token: object) -> None:
    """Sign out: the session stops working everywhere."""
    if isinstance(token, str) and token:
        db.execute(_END, {"hashed": _hash(token)})
        db.commit()


def end_all(db: Session, subject: str) -> None:
    """End every session of `subject` (its link is rotated), in the caller's transaction."""
    db.execute(delete(SignedInSession).where(SignedInSession.subject == subject))
