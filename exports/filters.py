"""Which responses an export includes: a period, organisations, checklists, drafts or not.

The service turns a filter into SQL; `matches` is the same rule in Python, so the pure
workbook code applies it too and the two can be tested against each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from exports.records import ResponseRecord
from forms.status import Status
from forms.validation import parse_iso_date


class FilterError(ValueError):
    """A filter that cannot be used; str() is a Swedish sentence for the person."""


@dataclass(frozen=True)
class ExportFilter:
    """Empty sets mean "all". Dates are inclusive calendar days (UTC, as stored)."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    orgs: frozenset[str] = frozenset()
    forms: frozenset[str] = frozenset()
    with_drafts: bool = False
    # Stage codes (the metadata field `stage`); matched in Python, not in SQL.
    stages: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise FilterError("Periodens startdatum ligger efter slutdatumet.")

    @property
    def statuses(self) -> tuple[Status, ...]:
        return (Status.SUBMITTED, Status.DRAFT) if self.with_drafts else (Status.SUBMITTED,)

    @property
    def before(self) -> dt.datetime | None:
        """The first moment after the period (exclusive upper bound)."""
        if self.date_to is None or self.date_to >= dt.date.max:
            return None  # the last day there is: no upper bound
        return dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time())

    @property
    def since(self) -> dt.datetime | None:
        return dt.datetime.combine(self.date_from, dt.time()) if self.date_from else None

    def includes_org(self, org: str) -> bool:
        return not self.orgs or org in self.orgs

    def includes_form(self, form_id: str) -> bool:
        return not self.forms or form_id in self.forms

    def matches(self, record: ResponseRecord) -> bool:
        if record.status not in self.statuses:
            return False
        if not (self.includes_org(record.org) and self.includes_form(record.form_id)):
            return False
        if not self.includes_stage(record):
            return False
        moment = dated(record)
        since, before = self.since, self.before
        return (since is None or moment >= since) and (before is None or moment < before)

    def includes_stage(self, record: ResponseRecord) -> bool:
        return not self.stages or stage_of(record) in self.stages

    def describe(
        self,
        org_names: Mapping[str, str],
        form_titles: Mapping[str, str],
        stage_labels: Mapping[str, str] | None = None,
    ) -> list[tuple[str, str]]:
        """(label, value) lines in Swedish for the overview sheet."""
        stage_labels = stage_labels or {}
        period = "Alla datum"
        if self.date_from or self.date_to:
            start = self.date_from.isoformat() if self.date_from else "början"
            end = self.date_to.isoformat() if self.date_to else "i dag"
            period = f"{start} – {end}"
        orgs = ", ".join(org_names.get(o, o) for o in sorted(self.orgs)) or "Alla"
        forms = ", ".join(form_titles.get(f, f) for f in sorted(self.forms)) or "Alla"
        drafts = "Inskickade svar och utkast" if self.with_drafts else "Endast inskickade svar"
        lines = [
            ("Period", period),
            ("Organisationer", orgs),
            ("Checklistor", forms),
            ("Svar", drafts),
        ]
        if self.stages:
            lines.append(("Skede", ", ".join(stage_labels.get(s, s) for s in sorted(self.stages))))
        return lines


def year_period(year: int | None) -> tuple[dt.date | None, dt.date | None]:
    """(first day, last day) of a calendar year; (None, None) for every year."""
    if year is None:
        return None, None
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def stage_of(record: ResponseRecord) -> str | None:
    """The stage code the response is for (its metadata field `stage`), if any."""
    stage = ((record.data or {}).get("metadata") or {}).get("stage")
    return str(stage) if stage else None


def dated(record: ResponseRecord) -> dt.datetime:
    """The moment a response counts at: its latest submission, or a draft's last change.

    As in the spreadsheet mirror, a submitted record's `updated_at` is the time of the
    revision it shows (its latest submission) and `submitted_at` its first submission.
    """
    return record.updated_at


def parse_date(text: str | None, label: str) -> dt.date | None:
    """A YYYY-MM-DD date from a form or command line; FilterError in Swedish otherwise."""
    if text is None or not text.strip():
        return None
    day = parse_iso_date(text.strip())
    if day is None:
        raise FilterError(
            f"{label} ”{text.strip()[:20]}” är inget datum. Skriv det som ÅÅÅÅ-MM-DD."
        )
    return day
