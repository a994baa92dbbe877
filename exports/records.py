"""What exports read: a plain record of one response, independent of the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ResponseRecord:
    """One response (or one revision of it) as the spreadsheets show it.

    `data` is the stored submission: {"metadata": {...}, "answers": {item: {value, comment}}}.
    Times are naive UTC, as stored.
    """

    id: str
    org: str
    form_id: str
    form_version: int
    status: str  # a forms.Status value, as stored
    revision: int
    updated_at: dt.datetime
    submitted_at: dt.datetime | None = None
    data: dict[str, Any] = field(default_factory=dict)
