"""Writing a Form as an XLSForm workbook that region staff edit in Excel.

The layout is the one ODK's and KoboToolbox's examples use: one row per question in
`survey`, the answer lists in `choices`, the form's identity in `settings`. Reading the
written workbook with forms.xlsform.read_xlsform gives back an identical Form.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from forms.model import ANSWER_SCALE, Choice, Field, Form
from forms.text import keep_as_text
from forms.xlsform import (
    ANSWER_LIST,
    CHOICES,
    DEFAULT_LANGUAGE,
    FORM_NOTE,
    METADATA_GROUP,
    NAMESPACES,
    SETTINGS,
    SURVEY,
    TYPE_COLUMN,
    comment_name,
)

COMMENT_LABEL = "Kommentar"
WIDE = 70  # characters: labels and hints
SURVEY_WIDTHS = {"type": 22, "name": 26, "label": WIDE, "hint": WIDE, "required": 10}


def _sheet(ws: Worksheet, headers: Sequence[str], rows: list[dict[str, str]]) -> None:
    """Headers in bold and frozen, rows as text (never a formula), sensible widths."""
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([row.get(h, "") or None for h in headers])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                keep_as_text(cell)  # a label starting with "=" stays text
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    for index, header in enumerate(headers, 1):
        base = header.split("::", 1)[0]
        width = WIDE if base in ("label", "hint") else SURVEY_WIDTHS.get(header, 18)
        ws.column_dimensions[get_column_letter(index)].width = width


class _Translations:
    def __init__(self, form: Form) -> None:
        self.languages = sorted({lang for lang, _, _ in form.translations})
        self.texts = {(lang, key): text for lang, key, text in form.translations}

    def columns(self, bases: Sequence[str]) -> list[str]:
        return [f"{base}::{lang}" for lang in self.languages for base in bases]

    def add(self, row: dict[str, str], key: str, bases: Sequence[str] = ("label", "hint")) -> None:
        for lang in self.languages:
            for base in bases:
                text = self.texts.get((lang, f"{key}:{base}"))
                if text:
                    row[f"{base}::{lang}"] = text


def _list_name(spec: Field) -> str:
    if spec.choices == ANSWER_SCALE:
        return ANSWER_LIST
    return spec.id if spec.id != ANSWER_LIST else f"{ANSWER_LIST}_{spec.id}"


def _field_row(spec: Field) -> dict[str, str]:
    row = {"name": spec.id, "label": spec.label, "hint": spec.help or ""}
    row["required"] = "yes" if spec.required else ""
    if spec.type in ("choice", "multichoice"):
        kind = "select_one" if spec.type == "choice" else "select_multiple"
        row["type"] = f"{kind} {_list_name(spec)}"
    elif spec.type in ("date", "integer"):
        row["type"] = spec.type
    else:
        row["type"] = "text"
        row["appearance"] = "multiline" if spec.type == "textarea" else ""
        row[TYPE_COLUMN] = "email" if spec.type == "email" else ""
    return row


def survey_rows(form: Form, tr: _Translations) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    if form.description:
        rows.append({"type": "note", "name": FORM_NOTE, "label": form.description})
        tr.add(rows[-1], FORM_NOTE, ("label",))
    rows.append({"type": "begin group", "name": METADATA_GROUP, "label": form.details_title})
    tr.add(rows[-1], METADATA_GROUP)
    for spec in form.metadata:
        rows.append(_field_row(spec))
        tr.add(rows[-1], spec.id)
    rows.append({"type": "end group"})
    for section in form.sections:
        rows.append({"type": "begin group", "name": section.id, "label": section.title})
        tr.add(rows[-1], section.id)
        if section.description:
            note = f"{section.id}_{FORM_NOTE}"
            rows.append({"type": "note", "name": note, "label": section.description})
            tr.add(rows[-1], note, ("label",))
        for item in section.items:
            row = {"type": f"select_one {ANSWER_LIST}", "name": item.id, "label": item.question}
            row.update({"hint": item.help or "", "required": "yes"})
            tr.add(row, item.id)
            rows.append(row)
            # The comment box beside every item, so ODK or KoboToolbox show the whole checklist.
            comment = {"type": "text", "name": comment_name(item.id), "label": COMMENT_LABEL}
            rows.append({**comment, "appearance": "multiline"})
        rows.append({"type": "end group"})
    return rows


def choice_rows(form: Form, tr: _Translations) -> list[dict[str, str]]:
    lists: dict[str, tuple[str, tuple[Choice, ...]]] = {ANSWER_LIST: (ANSWER_LIST, ANSWER_SCALE)}
    for spec in form.metadata:
        if spec.choices:
            name = _list_name(spec)
            lists.setdefault(name, (ANSWER_LIST if name == ANSWER_LIST else spec.id, spec.choices))
    rows: list[dict[str, str]] = []
    for list_name, (key, choices) in lists.items():
        for choice in choices:
            rows.append({"list_name": list_name, "name": choice.value, "label": choice.label})
            tr.add(rows[-1], f"{key}/{choice.value}", ("label",))
    return rows


def write_xlsform(form: Form) -> bytes:
    """The form as an .xlsx workbook in the XLSForm convention."""
    tr = _Translations(form)
    book = Workbook()
    survey = book.active
    survey.title = SURVEY
    has_email = any(spec.type == "email" for spec in form.metadata)
    headers = ["type", "name", "label", "hint", "required", "appearance"]
    headers += [TYPE_COLUMN] if has_email else []
    _sheet(survey, headers + tr.columns(("label", "hint")), survey_rows(form, tr))
    _sheet(
        book.create_sheet(CHOICES),
        ["list_name", "name", "label", *tr.columns(("label",))],
        choice_rows(form, tr),
    )
    settings: dict[str, Any] = {
        "form_id": form.id,
        "form_title": form.title,
        "short_title": form.short_title,
        "version": str(form.version),
        "order": "" if form.order is None else str(form.order),
        "reference_prefix": form.reference_prefix,
        "default_language": DEFAULT_LANGUAGE,
        "namespaces": NAMESPACES,
    }
    _sheet(book.create_sheet(SETTINGS), list(settings), [settings])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
