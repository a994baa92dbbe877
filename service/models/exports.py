"""Background builds of the region's workbook, stored in chunks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, utcnow

# A background export that has not reported for this long has stopped (its process went).
EXPORT_STALLED = dt.timedelta(minutes=5)


class ExportJob(Base):
    """One background build of the region's workbook."""

    __tablename__ = "export_jobs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    selection: Mapped[dict[str, Any]] = mapped_column(JSON)
    filename: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="running")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    size: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    @property
    def state(self) -> str:
        """running, done or failed (a running job nobody has reported on for a while)."""
        if self.status == "running" and utcnow() - self.updated_at > EXPORT_STALLED:
            return "failed"
        return self.status


class ExportChunk(Base):
    """Part `seq` of a finished job's workbook."""

    __tablename__ = "export_chunks"

    job_id: Mapped[str] = mapped_column(ForeignKey("export_jobs.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
