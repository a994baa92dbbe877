"""Sign-in links: one current link per organisation, and one for the region's admins."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, utcnow


class AccessLink(Base):
    """The current sign-in link of one subject (an organisation's slug, or ADMIN)."""

    __tablename__ = "access_links"

    ADMIN = "@admin"

    subject: Mapped[str] = mapped_column(String(64), primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=1)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
