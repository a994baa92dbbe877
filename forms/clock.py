"""Time as the service keeps it: naive UTC in storage, Swedish time for people."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def utcnow() -> dt.datetime:
    """Naive UTC: stored the same way on SQLite and PostgreSQL."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def swedish_today() -> dt.date:
    """Today in Sweden: reply-by dates and reminders are Swedish calendar days."""
    return dt.datetime.now(STOCKHOLM).date()


def in_stockholm(moment: dt.datetime) -> dt.datetime:
    """A stored moment (naive UTC) as Swedish time, with its zone."""
    return moment.replace(tzinfo=dt.UTC).astimezone(STOCKHOLM)


def local(moment: dt.datetime) -> dt.datetime:
    """A stored moment (naive UTC) as naive Swedish time, which is what people read in Excel."""
    return in_stockholm(moment).replace(tzinfo=None)
