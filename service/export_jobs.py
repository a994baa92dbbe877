"""The region's workbook built in the background, so a large export cannot time out.

A request for a large export records a job and starts building it in a thread of the
process that got the request; the page it is sent to shows the progress and then the
file. The job's progress and the finished file (in chunks of CHUNK bytes) live in the
database, so the page and the download work on every instance, and the download is
streamed chunk by chunk: memory stays flat however large the workbook is.

A job whose builder stops reporting (its process was stopped) counts as failed after
STALLED; finished jobs are forgotten after KEEP.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from exports.filters import ExportFilter
from service import export_query
from service.catalogue import catalogue_for
from service.db import new_session
from service.models import ExportChunk, ExportJob, utcnow
from service.organisations import Directory
from service.runtime import runtime_of

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024
REPORT_EVERY = 500  # responses between progress updates
KEEP = dt.timedelta(hours=24)


@dataclass(frozen=True)
class Started:
    job_id: str
    thread: threading.Thread


def to_json(selection: ExportFilter) -> dict[str, Any]:
    return {
        "from": selection.date_from.isoformat() if selection.date_from else None,
        "to": selection.date_to.isoformat() if selection.date_to else None,
        "orgs": sorted(selection.orgs),
        "forms": sorted(selection.forms),
        "drafts": selection.with_drafts,
    }


def from_json(data: dict[str, Any]) -> ExportFilter:
    def day(text: str | None) -> dt.date | None:
        return dt.date.fromisoformat(text) if text else None

    return ExportFilter(
        day(data.get("from")),
        day(data.get("to")),
        frozenset(data.get("orgs") or ()),
        frozenset(data.get("forms") or ()),
        bool(data.get("drafts")),
    )


def start(
    app: Flask, db: Session, orgs: Directory, selection: ExportFilter, filename: str
) -> Started:
    """Record a job and start building it in a thread of this process."""
    old = select(ExportJob.id).where(ExportJob.created_at < utcnow() - KEEP)
    db.execute(delete(ExportChunk).where(ExportChunk.job_id.in_(old)))
    db.execute(delete(ExportJob).where(ExportJob.created_at < utcnow() - KEEP))
    job = ExportJob(
        id=secrets.token_urlsafe(24),
        selection=to_json(selection),
        filename=filename,
        total=export_query.count(db, selection),
    )
    db.add(job)
    db.commit()
    thread = threading.Thread(
        target=_build, args=(app, job.id, orgs, selection), name=f"export-{job.id[:8]}", daemon=True
    )
    thread.start()
    return Started(job.id, thread)


def _build(app: Flask, job_id: str, orgs: Directory, selection: ExportFilter) -> None:
    """The thread: write the workbook to a temporary file, then into the database."""
    reads, notes = new_session(app), new_session(app)  # progress commits beside the reading
    done = 0

    def report(_record: object) -> None:
        nonlocal done
        done += 1
        if done % REPORT_EVERY == 0:
            _update(notes, job_id, done=done)

    try:
        with tempfile.TemporaryFile() as spool:
            catalogue = catalogue_for(runtime_of(app), reads)
            export_query.regional_workbook(reads, catalogue, orgs, selection, spool, report)
            reads.rollback()
            size = spool.tell()
            spool.seek(0)
            seq = 0
            while chunk := spool.read(CHUNK):
                notes.add(ExportChunk(job_id=job_id, seq=seq, data=chunk))
                notes.commit()
                notes.expunge_all()
                seq += 1
        _update(notes, job_id, done=done, size=size, status="done")
    except Exception:
        log.exception("building export %s failed", job_id)
        notes.rollback()
        _update(notes, job_id, status="failed")
    finally:
        reads.close()
        notes.close()


def _update(db: Session, job_id: str, **values: Any) -> None:
    job = db.get(ExportJob, job_id)
    if job is None:
        return
    for name, value in values.items():
        setattr(job, name, value)
    job.updated_at = utcnow()
    db.commit()


def find(db: Session, job_id: str) -> ExportJob | None:
    if not 20 <= len(job_id) <= 64 or not job_id.replace("-", "").replace("_", "").isalnum():
        return None
    return db.get(ExportJob, job_id)


def chunks(app: Flask, job_id: str) -> Iterator[bytes]:
    """The finished workbook, one chunk at a time, each read in a short session."""
    with new_session(app) as db:
        count = db.scalar(select(func.count()).where(ExportChunk.job_id == job_id)) or 0
    for seq in range(count):
        with new_session(app) as db:
            data = db.scalar(
                select(ExportChunk.data).where(ExportChunk.job_id == job_id, ExportChunk.seq == seq)
            )
        if data is None:
            return
        yield data
