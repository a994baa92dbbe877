"""Turning posted form fields into a clean submission, or a list of errors per field.

Field names: `m-<field>` for metadata, `a-<item>` for an answer, `c-<item>` for a comment.
Field errors (missing, too long, malformed) are for the person to fix; an unknown field
or a repeated one cannot come from our page and raises InvalidSubmission instead.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from forms.model import CHOICE_FIELD_TYPES, MAX_COMMENT_LENGTH, Field, Form
from forms.text import CONTROL_CHARS

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
MAX_INTEGER = 10_000_000
# ASCII digits only: str.isdigit() also accepts "²" and "①", which int() refuses.
INTEGER_PATTERN = re.compile(r"[0-9]{1,9}")
# A date is YYYY-MM-DD and nothing else (fromisoformat also takes "2026-W07-1", "20260315").
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class InvalidSubmission(Exception):
    """A post that our own page cannot have produced (tampering or a stale page)."""


@dataclass
class Answer:
    value: str | None = None
    comment: str = ""


@dataclass
class Submission:
    """Metadata and answers of one response, as stored (JSON-ready via to_dict)."""

    metadata: dict[str, str] = field(default_factory=dict)
    answers: dict[str, Answer] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "metadata": {k: v for k, v in self.metadata.items() if v},
            "answers": {
                item_id: {"value": a.value, "comment": a.comment}
                for item_id, a in self.answers.items()
                if a.value or a.comment
            },
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Submission:
        data = data or {}
        answers = {
            item_id: Answer(a.get("value"), a.get("comment") or "")
            for item_id, a in (data.get("answers") or {}).items()
        }
        return cls(dict(data.get("metadata") or {}), answers)

    def answered_count(self) -> int:
        return sum(1 for a in self.answers.values() if a.value)


@dataclass
class ValidationResult:
    submission: Submission
    errors: dict[str, str]

    @property
    def ok(self) -> bool:
        return not self.errors


def _clean_text(value: str) -> str:
    return CONTROL_CHARS.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def parse_fields(form: Form, fields: Iterable[tuple[str, str]]) -> Submission:
    """Read posted (name, value) pairs into a Submission, unvalidated but cleaned of noise."""
    submission = Submission()
    seen: set[str] = set()
    for name, raw in fields:
        prefix, _, key = name.partition("-")
        value = _clean_text(raw)
        spec = form.find_field(key) if prefix == "m" else None
        if spec is not None and spec.type == "multichoice":
            # One checkbox per chosen option, all under one name: kept as "code code".
            chosen = submission.metadata.get(key, "").split() + value.split()
            submission.metadata[key] = " ".join(chosen)
            continue
        if name in seen:
            raise InvalidSubmission(f"fältet {name} skickades flera gånger")
        seen.add(name)
        if spec is not None:
            # One-line fields fold stray whitespace; long text keeps its line breaks.
            submission.metadata[key] = value if spec.type == "textarea" else " ".join(value.split())
        elif prefix == "a" and form.find_item(key):
            submission.answers.setdefault(key, Answer()).value = value or None
        elif prefix == "c" and form.find_item(key):
            submission.answers.setdefault(key, Answer()).comment = value
        else:
            raise InvalidSubmission(f"okänt fält {name}")
    return submission


def parse_iso_date(text: str) -> dt.date | None:
    """The calendar day written as YYYY-MM-DD, or None for anything else."""
    if not DATE_PATTERN.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _check_field(spec: Field, value: str) -> str | None:
    """The error for one filled-in metadata value, or None. `value` is non-empty."""
    if len(value) > spec.max_length:
        return f"Skriv högst {spec.max_length} tecken (nu {len(value)})."
    if spec.type == "email" and not EMAIL_PATTERN.match(value):
        return "Ange en e-postadress i formatet namn@exempel.se."
    if spec.type == "date" and parse_iso_date(value) is None:
        return "Ange datum som ÅÅÅÅ-MM-DD, till exempel 2026-03-15."
    if spec.type == "integer" and not (
        INTEGER_PATTERN.fullmatch(value) and int(value) <= MAX_INTEGER
    ):
        return f"Ange ett heltal mellan 0 och {MAX_INTEGER:,}.".replace(",", " ")
    if spec.type == "choice" and value not in {c.value for c in spec.choices}:
        return "Välj ett av alternativen."
    if spec.type == "multichoice":
        codes = value.split()
        if len(set(codes)) != len(codes) or not set(codes) <= {c.value for c in spec.choices}:
            return "Välj bland alternativen."
    return None


def _listing(labels: list[str]) -> str:
    """ "Ja, Delvis, Nej eller Ej aktuellt": the options as a sentence says them."""
    return " eller ".join([", ".join(labels[:-1]), labels[-1]] if len(labels) > 1 else labels)


def _naming(spec: Field, problem: str) -> str:
    """A message that names its field first: "Antal bostäder: ange ett heltal …"."""
    return f"{spec.label}: {problem[:1].lower()}{problem[1:]}"


def validate(form: Form, submission: Submission, *, complete: bool) -> ValidationResult:
    """Check a submission against a form version.

    With complete=False (a draft) only what is filled in is checked; with complete=True
    (Skicka in) every required metadata field and every item must be answered too.
    Errors are keyed by the field's input name, in the order the form shows them.
    """
    errors: dict[str, str] = {}
    for spec in form.metadata:
        value = submission.metadata.get(spec.id, "")
        if value:
            problem = _check_field(spec, value)
            if problem:
                errors[spec.input_name] = _naming(spec, problem)
        elif complete and spec.required:
            verb = "Välj" if spec.type in CHOICE_FIELD_TYPES else "Fyll i"
            errors[spec.input_name] = f"{verb} {spec.label.lower()}."
    for number, item in enumerate(form.items, 1):
        answer = submission.answers.get(item.id, Answer())
        if answer.value is not None and answer.value not in {c.value for c in item.choices}:
            errors[item.answer_name] = (
                f"Fråga {number}, ”{item.question}”: välj ett av svarsalternativen "
                f"{_listing([c.label for c in item.choices])}."
            )
        elif complete and answer.value is None:
            errors[item.answer_name] = f"Fråga {number}, ”{item.question}”: välj ett svar."
        if len(answer.comment) > MAX_COMMENT_LENGTH:
            errors[item.comment_name] = (
                f"Kommentaren till fråga {number} får vara högst {MAX_COMMENT_LENGTH} tecken "
                f"(nu {len(answer.comment)})."
            )
    return ValidationResult(submission, errors)
