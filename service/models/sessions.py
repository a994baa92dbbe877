"""Signed-in browsers, kept on the server."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, utcnow


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
