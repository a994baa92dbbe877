"""The form model: a checklist version with its metadata fields, sections and items."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Choice:
    """One option of a choice field or of the answer scale: a stable code and its label."""

    value: str
    label: str


# The answer model agreed in the region: four options that sort well in Excel and let
# "not relevant" stop counting as a failure. Codes are stored; labels are shown.
ANSWER_SCALE: tuple[Choice, ...] = (
    Choice("ja", "Ja"),
    Choice("delvis", "Delvis"),
    Choice("nej", "Nej"),
    Choice("ej_aktuellt", "Ej aktuellt"),
)

ANSWER_TYPES: dict[str, tuple[Choice, ...]] = {"scale": ANSWER_SCALE}

FIELD_TYPES = frozenset({"text", "textarea", "email", "date", "integer", "choice", "multichoice"})
# Field types answered by picking from `choices`; a multichoice value is the chosen
# codes separated by single spaces, as XLSForm's select_multiple stores them.
CHOICE_FIELD_TYPES = frozenset({"choice", "multichoice"})

# Generous limits that still keep a response well inside one spreadsheet cell.
MAX_TEXT_LENGTH = 300
MAX_LONG_TEXT_LENGTH = 5000
MAX_COMMENT_LENGTH = 5000

# What a definition that says nothing else calls the part with the plan's details.
DETAILS_TITLE = "Uppgifter om planen"


@dataclass(frozen=True)
class Field:
    """A metadata field of a response, such as the plan's name or its diarienummer."""

    id: str
    label: str
    type: str
    required: bool = False
    help: str | None = None
    choices: tuple[Choice, ...] = ()

    @property
    def input_name(self) -> str:
        return f"m-{self.id}"

    @property
    def max_length(self) -> int:
        return MAX_LONG_TEXT_LENGTH if self.type == "textarea" else MAX_TEXT_LENGTH

    def choice_label(self, value: str) -> str:
        if self.type == "multichoice":
            return ", ".join(self._one_label(code) for code in value.split())
        return self._one_label(value)

    def _one_label(self, value: str) -> str:
        return next((c.label for c in self.choices if c.value == value), value)


@dataclass(frozen=True)
class Item:
    """One question of a checklist, answered on a scale with an optional comment."""

    id: str
    question: str
    section_id: str
    help: str | None = None
    answer: str = "scale"

    @property
    def answer_name(self) -> str:
        return f"a-{self.id}"

    @property
    def comment_name(self) -> str:
        return f"c-{self.id}"

    @property
    def choices(self) -> tuple[Choice, ...]:
        return ANSWER_TYPES[self.answer]

    def choice_label(self, value: str) -> str:
        return next((c.label for c in self.choices if c.value == value), value)


@dataclass(frozen=True)
class Section:
    """A themed group of items, shown as one fieldset."""

    id: str
    title: str
    items: tuple[Item, ...]
    description: str | None = None


@dataclass(frozen=True)
class Form:
    """One version of one checklist."""

    id: str
    version: int
    title: str
    short_title: str
    description: str
    metadata: tuple[Field, ...]
    sections: tuple[Section, ...]
    source: str = ""
    # Texts in other languages, kept so they survive an Excel round trip:
    # (language, key, text) with keys like "dp_barn:label" or "stage/samrad:label".
    translations: tuple[tuple[str, str, str], ...] = ()
    # How the checklist presents itself; the defaults suit a checklist about a plan.
    details_title: str = DETAILS_TITLE  # heading of the metadata part
    order: int | None = None  # place in lists of checklists; None: after the numbered ones
    reference_prefix: str = ""  # "DP" in DP-2026-0007; "": made from the id

    # Lookups derived from the sections and fields on first use; not dataclass fields, so
    # `dataclasses.replace` rebuilds them and equality ignores them.
    @cached_property
    def _items(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}

    @cached_property
    def _fields(self) -> dict[str, Field]:
        return {f.id: f for f in self.metadata}

    @property
    def items(self) -> Iterator[Item]:
        for section in self.sections:
            yield from section.items

    @property
    def item_count(self) -> int:
        return len(self._items)

    def find_item(self, item_id: str) -> Item | None:
        return self._items.get(item_id)

    def find_field(self, field_id: str) -> Field | None:
        return self._fields.get(field_id)
