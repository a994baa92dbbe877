"""What changed between two versions of a checklist, and what a new version may not do.

Names are the identity of an item across versions: the same name is the same question
(perhaps reworded), a new name a new question. Hence a name that was removed can come
back only with the question it had; anything else would put two different questions in
one column of every export.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from forms.model import Field, Form, Item


@dataclass(frozen=True)
class Change:
    """One item, field or section whose text changed: `what` is the id, `old`/`new` the text."""

    what: str
    old: str
    new: str


@dataclass(frozen=True)
class FormDiff:
    added: tuple[Item, ...]
    removed: tuple[Item, ...]
    reworded: tuple[Change, ...]  # the question itself
    help_changed: tuple[Change, ...]
    moved: tuple[Item, ...]  # now in another section
    fields_added: tuple[Field, ...]
    fields_removed: tuple[Field, ...]
    fields_changed: tuple[Change, ...]  # label, type, required or options
    sections_added: tuple[str, ...]  # titles
    sections_removed: tuple[str, ...]
    sections_renamed: tuple[Change, ...]
    texts_changed: tuple[Change, ...]  # title, short title, description

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name) for name in self.__dataclass_fields__)


def _norm(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def _field_summary(spec: Field) -> str:
    required = "obligatoriskt" if spec.required else "frivilligt"
    options = ", ".join(c.label for c in spec.choices)
    return f"{spec.label} ({spec.type}, {required}{': ' + options if options else ''})"


def diff(old: Form, new: Form) -> FormDiff:
    """The differences from `old` to `new`, in `new`'s order."""
    old_items = {i.id: i for i in old.items}
    new_items = {i.id: i for i in new.items}
    old_fields = {f.id: f for f in old.metadata}
    old_sections = {s.id: s for s in old.sections}
    new_sections = {s.id for s in new.sections}
    texts = [
        Change(label, getattr(old, attr), getattr(new, attr))
        for attr, label in (
            ("title", "Rubrik"),
            ("short_title", "Kort rubrik"),
            ("description", "Beskrivning"),
        )
        if getattr(old, attr) != getattr(new, attr)
    ]
    return FormDiff(
        added=tuple(i for i in new.items if i.id not in old_items),
        removed=tuple(i for i in old.items if i.id not in new_items),
        reworded=tuple(
            Change(i.id, old_items[i.id].question, i.question)
            for i in new.items
            if i.id in old_items and old_items[i.id].question != i.question
        ),
        help_changed=tuple(
            Change(i.id, old_items[i.id].help or "", i.help or "")
            for i in new.items
            if i.id in old_items and old_items[i.id].help != i.help
        ),
        moved=tuple(
            i for i in new.items if i.id in old_items and old_items[i.id].section_id != i.section_id
        ),
        fields_added=tuple(f for f in new.metadata if f.id not in old_fields),
        fields_removed=tuple(f for f in old.metadata if new.find_field(f.id) is None),
        fields_changed=tuple(
            Change(f.id, _field_summary(old_fields[f.id]), _field_summary(f))
            for f in new.metadata
            if f.id in old_fields and old_fields[f.id] != f
        ),
        sections_added=tuple(s.title for s in new.sections if s.id not in old_sections),
        sections_removed=tuple(s.title for s in old.sections if s.id not in new_sections),
        sections_renamed=tuple(
            Change(s.id, old_sections[s.id].title, s.title)
            for s in new.sections
            if s.id in old_sections and old_sections[s.id].title != s.title
        ),
        texts_changed=tuple(texts),
    )


def name_conflicts(history: Sequence[Form], new: Form) -> list[str]:
    """Swedish messages for names in `new` that once meant something else (empty if none).

    `history` is every known version of the checklist. A name still in the newest version
    may be reworded; a removed name may return only with its last question.
    """
    if not history:
        return []
    newest = max(history, key=lambda f: f.version)
    last_question: dict[str, tuple[str, int]] = {}
    field_ids: set[str] = set()
    for form in sorted(history, key=lambda f: f.version):
        last_question.update({i.id: (i.question, form.version) for i in form.items})
        field_ids.update(f.id for f in form.metadata)
    problems = []
    for item in new.items:
        if item.id in field_ids:
            problems.append(
                f"Namnet {item.id} används redan för ett fält under uppgifter; "
                f"ge frågan ”{item.question}” ett annat namn."
            )
        elif newest.find_item(item.id) is None and item.id in last_question:
            question, version = last_question[item.id]
            if _norm(question) != _norm(item.question):
                problems.append(
                    f"Namnet {item.id} användes till och med version {version} för frågan "
                    f"”{question}”, som har tagits bort. Ett namn får aldrig byta betydelse: "
                    f"ge frågan ”{item.question}” ett nytt namn."
                )
    problems.extend(
        f"Namnet {spec.id} används redan för en fråga; ge fältet {spec.label} ett annat namn."
        for spec in new.metadata
        if spec.id in last_question
    )
    return problems


def carry_over(old: Form, new: Form, data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A draft's stored data moved from `old` onto `new` by name.

    Returns the new data and, in Swedish, what could not come along: answers to questions
    no longer asked and metadata no longer asked or no longer among the options.
    """
    metadata: dict[str, str] = dict(data.get("metadata") or {})
    answers: dict[str, Any] = dict(data.get("answers") or {})
    dropped: list[str] = []
    kept_meta: dict[str, str] = {}
    for key, value in metadata.items():
        spec = new.find_field(key)
        if spec is None:
            label = old.find_field(key)
            dropped.append(f"{label.label if label else key}: {value}")
            continue
        codes = value.split() if spec.type == "multichoice" else [value]
        allowed = {c.value for c in spec.choices}
        if spec.choices and not set(codes) <= allowed:
            dropped.append(f"{spec.label}: {value}")
            continue
        kept_meta[key] = value
    kept_answers = {}
    for item_id, answer in answers.items():
        if new.find_item(item_id) is not None:
            kept_answers[item_id] = answer
        else:
            item = old.find_item(item_id)
            dropped.append(f"Svaret på frågan ”{item.question if item else item_id}”")
    return {"metadata": kept_meta, "answers": kept_answers}, dropped
