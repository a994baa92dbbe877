"""Comparing two states of a checklist answer, question by question.

Used for a plan's stages (samråd against granskning) and for two revisions of one stage.
Answers move on the scale Nej → Delvis → Ja; "Ej aktuellt" is off the scale, so a move to or
from it is a change without a direction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from forms.model import Form, Item, Section
from forms.validation import Answer, Submission

# Higher is better; codes not listed (ej_aktuellt, nothing) have no place on the scale.
SCALE_RANK = {"nej": 0, "delvis": 1, "ja": 2}

BETTER = "better"
WORSE = "worse"
CHANGED = "changed"  # to or from "Ej aktuellt" or an empty answer
SAME = "same"


@dataclass(frozen=True)
class ItemComparison:
    """One question: its number in the form, the answers before and after, and the move."""

    number: int
    item: Item
    before: Answer
    after: Answer

    @property
    def answer_move(self) -> str:
        old, new = self.before.value, self.after.value
        if old == new:
            return SAME
        if old in SCALE_RANK and new in SCALE_RANK:
            return BETTER if SCALE_RANK[new] > SCALE_RANK[old] else WORSE
        return CHANGED

    @property
    def comment_changed(self) -> bool:
        return self.before.comment.strip() != self.after.comment.strip()

    @property
    def changed(self) -> bool:
        return self.answer_move != SAME or self.comment_changed


@dataclass(frozen=True)
class SectionComparison:
    number: int
    section: Section
    items: tuple[ItemComparison, ...]

    @property
    def changed_count(self) -> int:
        return sum(1 for i in self.items if i.changed)


@dataclass(frozen=True)
class Comparison:
    sections: tuple[SectionComparison, ...]

    @property
    def changed_count(self) -> int:
        return sum(s.changed_count for s in self.sections)

    @property
    def item_count(self) -> int:
        return sum(len(s.items) for s in self.sections)

    def only_changed(self) -> Comparison:
        """The same comparison without unchanged questions and sections left empty."""
        kept = (
            SectionComparison(s.number, s.section, tuple(i for i in s.items if i.changed))
            for s in self.sections
        )
        return Comparison(tuple(s for s in kept if s.items))


def compare(form: Form, before: dict[str, Any] | None, after: dict[str, Any] | None) -> Comparison:
    """Every question of `form` with its answer in `before` and in `after` (stored data).

    Questions are those of `form` (normally the newer state's version); an answer to a
    question `form` no longer asks is not shown.
    """
    old = Submission.from_dict(before).answers
    new = Submission.from_dict(after).answers
    sections: list[SectionComparison] = []
    number = 0
    for section_number, section in enumerate(form.sections, 1):
        rows: list[ItemComparison] = []
        for item in section.items:
            number += 1
            rows.append(
                ItemComparison(number, item, old.get(item.id, Answer()), new.get(item.id, Answer()))
            )
        sections.append(SectionComparison(section_number, section, tuple(rows)))
    return Comparison(tuple(sections))
