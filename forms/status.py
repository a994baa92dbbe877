"""Where a response stands. The values are what the database and the spreadsheets store."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"  # being filled in; never mirrored
    SUBMITTED = "submitted"  # sent in at least once (later changes may wait as a draft)
