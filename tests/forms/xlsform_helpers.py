"""Building XLSForm workbooks in tests, laid out the way ODK's examples lay them out."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from forms import Form, Item

Rows = Sequence[Sequence[Any]]

SCALE = [
    ["svar", "ja", "Ja"],
    ["svar", "delvis", "Delvis"],
    ["svar", "nej", "Nej"],
    ["svar", "ej_aktuellt", "Ej aktuellt"],
]

SURVEY_HEADER = ["type", "name", "label", "hint", "required"]
SURVEY = [
    ["begin group", "uppgifter", "Uppgifter om planen", None, None],
    ["text", "plan_name", "Planens namn", None, "yes"],
    ["date", "date", "Datum", None, "yes"],
    ["end group", None, None, None, None],
    ["begin group", "hallplats", "Hållplatsen", None, None],
    ["select_one svar", "hp_lage", "Är hållplatsens läge redovisat?", "Se plankartan.", "yes"],
    ["end group", None, None, None, None],
]
SETTINGS_HEADER = ["form_id", "form_title", "version"]
SETTINGS = [["detaljplan", "Checklista vid detaljplan", 3]]


def workbook(
    survey: Rows = SURVEY,
    choices: Rows = SCALE,
    settings: Rows = SETTINGS,
    survey_header: Sequence[str] = SURVEY_HEADER,
    choices_header: Sequence[str] = ("list_name", "name", "label"),
    settings_header: Sequence[str] = SETTINGS_HEADER,
    extra: dict[str, Rows] | None = None,
) -> bytes:
    """An .xlsx with survey, choices and settings sheets (headers in row 1)."""
    book = Workbook()
    sheets = [
        ("survey", survey_header, survey),
        ("choices", choices_header, choices),
        ("settings", settings_header, settings),
    ]
    first = True
    for title, header, rows in sheets:
        ws = book.active if first else book.create_sheet()
        first = False
        ws.title = title
        ws.append(list(header))
        for row in rows:
            ws.append(list(row))
    for title, rows in (extra or {}).items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def replace_row(rows: Rows, index: int, row: Sequence[Any]) -> list[list[Any]]:
    result = [list(r) for r in rows]
    result[index] = list(row)
    return result


def revised(form: Form, version: int) -> Form:
    """`form` as the region might revise it: in section gang_cykel dp_belysning is dropped,
    dp_gena_vagar reworded and dp_laddning added at the end."""
    section = next(s for s in form.sections if s.id == "gang_cykel")
    items = [i for i in section.items if i.id != "dp_belysning"]
    items = [
        dataclasses.replace(
            i, question="Finns gena och trygga gång- och cykelvägar till hållplatsen?"
        )
        if i.id == "dp_gena_vagar"
        else i
        for i in items
    ]
    items.append(Item("dp_laddning", "Finns laddplatser för elcyklar vid hållplatsen?", section.id))
    new_section = dataclasses.replace(section, items=tuple(items))
    sections = tuple(new_section if s.id == section.id else s for s in form.sections)
    return dataclasses.replace(form, version=version, sections=sections)
