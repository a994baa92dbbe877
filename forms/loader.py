"""Loading one checklist definition (YAML, Swedish) into a Form, with one-line errors.

A definition with a mistake must stop start-up with a message an operator can act on,
naming the file, the place in it and the fault, never a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from forms.model import (
    ANSWER_TYPES,
    CHOICE_FIELD_TYPES,
    DETAILS_TITLE,
    FIELD_TYPES,
    Choice,
    Field,
    Form,
    Item,
    Section,
)

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
# The first part of a plan's reference number (DP-2026-0007): short, so the number fits.
PREFIX_PATTERN = re.compile(r"^[A-Z][A-Z0-9]{0,9}$")
PREFIX_RULE = "ska vara 1–10 versaler A–Z eller siffror och börja med en bokstav"


class DefinitionError(Exception):
    """A checklist definition that cannot be used; str() is one line for the operator."""

    def __init__(self, source: str, where: str, fault: str) -> None:
        self.source, self.where, self.fault = source, where, fault
        place = f"{source}, {where}" if where else source
        super().__init__(f"Fel i formulärdefinitionen {place}: {fault}")


class _Reader:
    """Reads one parsed YAML document, raising DefinitionError at the first fault."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.seen_ids: dict[str, str] = {}

    def fail(self, where: str, fault: str) -> DefinitionError:
        return DefinitionError(self.source, where, fault)

    def mapping(self, value: Any, where: str, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "ska vara en samling nyckel: värde")
        unknown = sorted(str(k) for k in value if k not in allowed)
        if unknown:
            raise self.fail(where, f"okänd nyckel '{unknown[0]}'")
        return value

    def text(self, data: dict[str, Any], key: str, where: str, required: bool = True) -> str | None:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.fail(where, f"text saknas för '{key}'")
            return None
        if not isinstance(value, str | int | float):
            raise self.fail(where, f"'{key}' ska vara text")
        return " ".join(str(value).split())

    def ident(self, data: dict[str, Any], where: str, kind: str) -> str:
        value = data.get("id")
        if value is None:
            raise self.fail(where, "id saknas")
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            raise self.fail(
                where,
                f"id '{value}' ska börja med en liten bokstav och bara innehålla a–z, 0–9 och _",
            )
        previous = self.seen_ids.get(value)
        if previous is not None:
            raise self.fail(where, f"id:t '{value}' används redan av {previous}")
        self.seen_ids[value] = kind
        return value

    def sequence(self, data: dict[str, Any], key: str, where: str) -> list[Any]:
        value = data.get(key)
        if not isinstance(value, list) or not value:
            raise self.fail(where, f"'{key}' ska vara en lista med minst en post")
        return value

    def choices(self, raw: Any, where: str) -> tuple[Choice, ...]:
        if not isinstance(raw, list) or not raw:
            raise self.fail(where, "en valruta behöver en lista 'choices'")
        result = []
        for n, entry in enumerate(raw, 1):
            entry = self.mapping(entry, f"{where}, val {n}", {"value", "label"})
            value = self.text(entry, "value", f"{where}, val {n}")
            label = self.text(entry, "label", f"{where}, val {n}")
            assert value is not None and label is not None
            result.append(Choice(value, label))
        if len({c.value for c in result}) != len(result):
            raise self.fail(where, "två val har samma värde")
        return tuple(result)

    def field(self, raw: Any, n: int) -> Field:
        where = f"metadatafält {n}"
        data = self.mapping(raw, where, {"id", "label", "type", "required", "help", "choices"})
        field_id = self.ident(data, where, "ett annat metadatafält")
        where = f"metadatafältet '{field_id}'"
        field_type = data.get("type", "text")
        if field_type not in FIELD_TYPES:
            known = ", ".join(sorted(FIELD_TYPES))
            raise self.fail(where, f"okänd fälttyp '{field_type}' (kända: {known})")
        required = data.get("required", False)
        if not isinstance(required, bool):
            raise self.fail(where, "'required' ska vara true eller false")
        choosing = field_type in CHOICE_FIELD_TYPES
        choices = self.choices(data.get("choices"), where) if choosing else ()
        if not choosing and "choices" in data:
            raise self.fail(where, "bara fält av typen choice eller multichoice kan ha 'choices'")
        label = self.text(data, "label", where)
        assert label is not None
        return Field(
            field_id, label, field_type, required, self.text(data, "help", where, False), choices
        )

    def item(self, raw: Any, section_id: str, n: int) -> Item:
        where = f"avsnittet '{section_id}', fråga {n}"
        data = self.mapping(raw, where, {"id", "question", "help", "answer"})
        item_id = self.ident(data, where, "en annan fråga")
        where = f"frågan '{item_id}'"
        answer = data.get("answer", "scale")
        if answer not in ANSWER_TYPES:
            known = ", ".join(sorted(ANSWER_TYPES))
            raise self.fail(where, f"okänd svarstyp '{answer}' (kända: {known})")
        question = self.text(data, "question", where)
        assert question is not None
        return Item(item_id, question, section_id, self.text(data, "help", where, False), answer)

    def section(self, raw: Any, n: int) -> Section:
        where = f"avsnitt {n}"
        data = self.mapping(raw, where, {"id", "title", "description", "items"})
        section_id = self.ident(data, where, "ett avsnitt")
        where = f"avsnittet '{section_id}'"
        title = self.text(data, "title", where)
        assert title is not None
        items = tuple(
            self.item(raw_item, section_id, i)
            for i, raw_item in enumerate(self.sequence(data, "items", where), 1)
        )
        return Section(section_id, title, items, self.text(data, "description", where, False))

    def presentation(self, data: dict[str, Any]) -> dict[str, Any]:
        """The optional keys that say how the checklist presents itself, checked."""
        order = data.get("order")
        if order is not None and (not isinstance(order, int) or isinstance(order, bool)):
            raise self.fail("", "'order' ska vara ett heltal")
        prefix = self.text(data, "reference_prefix", "", required=False) or ""
        if prefix and not PREFIX_PATTERN.match(prefix):
            raise self.fail("", f"'reference_prefix' {PREFIX_RULE}")
        title = self.text(data, "details_title", "", required=False) or DETAILS_TITLE
        return {"details_title": title, "order": order, "reference_prefix": prefix}

    def form(self, raw: Any) -> Form:
        keys = {"id", "version", "title", "short_title", "description", "metadata", "sections"}
        data = self.mapping(raw, "", keys | {"details_title", "order", "reference_prefix"})
        form_id = data.get("id")
        if not isinstance(form_id, str) or not ID_PATTERN.match(form_id):
            raise self.fail("", f"formulärets id '{form_id}' saknas eller är ogiltigt")
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise self.fail("", "'version' ska vara ett heltal från 1 och uppåt")
        title = self.text(data, "title", "")
        short_title = self.text(data, "short_title", "", required=False) or title
        assert title is not None and short_title is not None
        fields = tuple(
            self.field(f, n) for n, f in enumerate(self.sequence(data, "metadata", ""), 1)
        )
        self.seen_ids.clear()  # sections and items share one namespace, fields another
        sections = tuple(
            self.section(s, n) for n, s in enumerate(self.sequence(data, "sections", ""), 1)
        )
        description = self.text(data, "description", "", required=False) or ""
        return Form(
            form_id,
            version,
            title,
            short_title,
            description,
            fields,
            sections,
            self.source,
            **self.presentation(data),
        )


def parse_form(text: str, source: str) -> Form:
    """Parse a definition from YAML text; `source` names it in error messages."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"rad {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "ogiltig YAML"
        raise DefinitionError(source, where, f"YAML-syntaxfel ({problem})") from None
    return _Reader(source).form(raw)


def load_form(path: Path) -> Form:
    """Load one definition file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError(path.name, "", f"filen kan inte läsas ({exc})") from None
    return parse_form(text, path.name)
