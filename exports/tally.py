"""Aggregates for the overview and the heat maps, gathered in one streaming pass.

Memory grows with organisations × items, never with the number of responses: each
record is counted as it streams past on its way into the checklist's sheet.

Score: Ja = 1, Delvis = ½, Nej = 0, and *Ej aktuellt* is left out (the region agreed it is
not a failure); a score is the mean over the answers behind it. Worked example, one
organisation, one item, answers Ja, Delvis, Nej, Ej aktuellt -> (1 + ½ + 0) / 3 = 0.5 from
3 answers. The county's score is the mean of the organisations' scores, so an organisation
with many plans counts once: Karlskrona 1.0 (from 4 answers) and Ronneby 0.0 (from 1) ->
county 0.5, not 0.8.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from exports.filters import stage_of
from exports.items import ItemInfo
from exports.records import ResponseRecord
from forms import ANSWER_SCALE, Status

ANSWER_CODES: tuple[str, ...] = tuple(c.value for c in ANSWER_SCALE)
ANSWER_LABELS: tuple[str, ...] = tuple(c.label for c in ANSWER_SCALE)
POINTS = {"ja": 1.0, "delvis": 0.5, "nej": 0.0}  # "ej_aktuellt" is left out
K = TypeVar("K")


@dataclass
class OrgTally:
    submitted: int = 0
    drafts: int = 0
    latest: dt.datetime | None = None  # latest submission (a revision's time), naive UTC
    latest_stage: str | None = None  # the stage code of that latest submission
    answers: Counter[str] = field(default_factory=Counter)

    @property
    def responses(self) -> int:
        return self.submitted + self.drafts


def scored(counts: Counter[str]) -> int:
    """How many answers a score rests on (Ja, Delvis and Nej)."""
    return sum(counts[c] for c in POINTS)


def score(counts: Counter[str]) -> float | None:
    """The mean score of the answers (Ja 1, Delvis ½, Nej 0); None when none of them."""
    total = scored(counts)
    return sum(counts[c] * p for c, p in POINTS.items()) / total if total else None


def mean(values: Iterable[float | None]) -> float | None:
    """The mean of the values that exist; None when none does."""
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


class FormTally:
    """Counts for one checklist: per organisation, per (organisation, item), per section."""

    def __init__(self, infos: Sequence[ItemInfo]) -> None:
        self._section_of = {info.id: info.section_id for info in infos}
        self.orgs: dict[str, OrgTally] = {}
        self.items: dict[tuple[str, str], Counter[str]] = {}
        self.sections: dict[str, Counter[str]] = {}
        self.org_sections: dict[tuple[str, str], Counter[str]] = {}

    @property
    def responses(self) -> int:
        return sum(t.responses for t in self.orgs.values())

    @property
    def answered(self) -> bool:
        return any(t.answers for t in self.orgs.values())

    def add(self, record: ResponseRecord) -> None:
        org = self.orgs.setdefault(record.org, OrgTally())
        if record.status == Status.SUBMITTED:
            org.submitted += 1
            if org.latest is None or record.updated_at > org.latest:
                org.latest = record.updated_at
                org.latest_stage = stage_of(record)
        else:
            org.drafts += 1
        answers = (record.data or {}).get("answers") or {}
        for item_id, answer in answers.items():
            value = (answer or {}).get("value")
            section = self._section_of.get(item_id)
            if value not in ANSWER_CODES or section is None:
                continue
            org.answers[value] += 1
            _count(self.items, (record.org, item_id), value)
            _count(self.sections, section, value)
            _count(self.org_sections, (record.org, section), value)

    def item(self, org: str, item_id: str) -> Counter[str]:
        """One organisation's answers to one item."""
        return self.items.get((org, item_id)) or Counter()

    def section(self, org: str, section_id: str) -> Counter[str]:
        """One organisation's answers to the items of one section."""
        return self.org_sections.get((org, section_id)) or Counter()


def _count(table: dict[K, Counter[str]], key: K, value: str) -> None:
    """`table[key][value] += 1`, making the Counter only when the key is new.

    `setdefault(key, Counter())` built a throwaway Counter for every answer: profiled at
    a quarter to a third of the tally's time in an export.
    """
    counts = table.get(key)
    if counts is None:
        table[key] = Counter({value: 1})
    else:
        counts[value] += 1
