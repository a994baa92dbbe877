"""Published checklist versions (XLSForm workbooks) and uploads awaiting publication."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, utcnow


class PublishedForm(Base):
    """One published version of one checklist; rows are never changed or deleted."""

    __tablename__ = "form_versions"
    __table_args__ = (UniqueConstraint("form_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    xlsform: Mapped[bytes] = mapped_column(LargeBinary)
    filename: Mapped[str] = mapped_column(String(255), default="")
    published_by: Mapped[str] = mapped_column(String(64), default="")
    published_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PendingUpload(Base):
    """An uploaded workbook between its preview and its publication (or abandonment).

    The preview page names it by a random one-time id, so a workbook of any accepted size
    goes from the preview to the publication without travelling through the page again.
    """

    __tablename__ = "pending_uploads"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    filename: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
