"""The XLSForm subset, sheet by sheet, into a Form; see forms/xlsform.py for the mapping.

The reader never stops at the first fault: it notes every problem, skips what it cannot
use and carries on, so region staff fix a workbook in one round.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from forms.loader import ID_PATTERN, PREFIX_PATTERN, PREFIX_RULE
from forms.model import ANSWER_SCALE, Choice, Item
from forms.xlsform import (
    ANSWER_LIST,
    CHOICES,
    EXPRESSION_COLUMNS,
    SETTINGS,
    TYPE_COLUMN,
    Problem,
    Sheet,
)

FIELD_KINDS = {"text": "text", "date": "date", "integer": "integer"}
SELECT_KINDS = {"select_one": "choice", "select_multiple": "multichoice"}
SURVEY_COLUMNS = frozenset({"type", "name", "label", "hint", "required", "appearance", TYPE_COLUMN})
CHOICE_COLUMNS = frozenset({"list_name", "name", "label"})
SETTING_COLUMNS = frozenset(
    {
        "form_id",
        "form_title",
        "version",
        "default_language",
        "short_title",
        "namespaces",
        "order",
        "reference_prefix",
    }
)
UNSUPPORTED_SHEETS = ("external_choices", "entities", "osm")
KNOWN_TYPES = "text, date, integer, select_one, select_multiple, note, begin group och end group"


@dataclass
class ChoiceList:
    name: str
    row: int
    choices: list[Choice] = field(default_factory=list)
    translations: list[tuple[str, str, str]] = field(default_factory=list)  # lang, value, text


@dataclass
class Group:
    name: str
    row: int
    title: str
    is_metadata: bool
    description: str | None = None
    items: list[Item] = field(default_factory=list)


def also(rows: list[int]) -> str:
    """The end of a message about the first of several rows: `.` or ` (även rad 7, 9 och 12).`"""
    if not rows:
        return "."
    shown = [str(r) for r in rows[:10]] + (["fler"] if len(rows) > 10 else [])
    listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " och " + shown[-1]
    return f" (även rad {listed})."


def _languages(sheet: Sheet | None) -> set[str]:
    if sheet is None:
        return set()
    return {
        h.split("::", 1)[1].strip()
        for h in sheet.headers
        if h.lower().startswith(("label::", "hint::"))
    }


class SurveyReader:
    """Reads the three sheets into a Form, collecting every problem on the way."""

    def __init__(self, sheets: dict[str, Sheet], source: str) -> None:
        self.sheets = sheets
        self.source = source
        self.problems: list[Problem] = []
        self.translations: set[tuple[str, str, str]] = set()
        self.main: str | None = None
        self.others: list[str] = []

    def problem(self, sheet: str, row: int, column: str, message: str) -> None:
        self.problems.append(Problem(sheet, row, column, message))

    def where(self, sheet: Sheet, header: str) -> str:
        index = sheet.column(header)
        return sheet.label(index) if index is not None else header

    # -- columns and languages -------------------------------------------------------

    def check_columns(self, sheet: Sheet, allowed: Callable[[str], bool]) -> None:
        seen: set[str] = set()
        for index, header in enumerate(sheet.headers):
            key = header.lower()
            filled = [r for r, row in enumerate(sheet.rows, 2) if index < len(row) and row[index]]
            if not header:
                if filled:
                    self.problem(
                        sheet.title,
                        1,
                        get_column_letter(index + 1),
                        "kolumnen har värden men ingen rubrik.",
                    )
                continue
            if key in seen:
                self.problem(
                    sheet.title, 1, sheet.label(index), f"kolumnen {header} finns två gånger."
                )
            seen.add(key)
            if allowed(key):
                continue
            if not filled:
                continue
            # One message per column, however many rows use it.
            if key in EXPRESSION_COLUMNS:
                reason = f"tjänsten utvärderar inte uttryck i kolumnen {header}; töm cellen"
            else:
                reason = (
                    f"kolumnen {header} stöds inte av tjänsten; töm cellen eller ta bort kolumnen"
                )
            self.problem(sheet.title, filled[0], sheet.label(index), reason + also(filled[1:]))

    def choose_language(self, survey: Sheet, default_language: str) -> None:
        languages = _languages(survey) | _languages(self.sheets.get(CHOICES))
        swedish = sorted(lang for lang in languages if lang.lower().endswith("(sv)"))
        by_lower = {lang.lower(): lang for lang in languages}
        if swedish:
            self.main = swedish[0]
        elif survey.column("label") is not None:
            self.main = None
        elif default_language.lower() in by_lower:
            self.main = by_lower[default_language.lower()]
        elif len(languages) == 1:
            self.main = next(iter(languages))
        else:
            self.problem(
                SETTINGS,
                2,
                "default_language",
                "ange i default_language vilket av språken i label-kolumnerna som ska visas.",
            )
        self.others = sorted(languages - {self.main} if self.main else languages)
        for sheet in (survey, self.sheets.get(CHOICES)):
            for base in ("label", "hint"):
                if sheet is None or self.main is None:
                    continue
                if (
                    sheet.column(base) is not None
                    and sheet.column(f"{base}::{self.main}") is not None
                ):
                    self.problem(
                        sheet.title,
                        1,
                        self.where(sheet, base),
                        f"både {base} och {base}::{self.main} finns; behåll en av dem.",
                    )

    def text(self, sheet: Sheet, row: list[str], base: str) -> str:
        if self.main and sheet.column(f"{base}::{self.main}") is not None:
            return sheet.value(row, f"{base}::{self.main}")
        return sheet.value(row, base)

    def label_column(self, sheet: Sheet) -> str:
        if self.main and sheet.column(f"label::{self.main}") is not None:
            return self.where(sheet, f"label::{self.main}")
        return self.where(sheet, "label")

    def translate(self, sheet: Sheet, row: list[str], key: str, bases: tuple[str, ...]) -> None:
        for lang in self.others:
            for base in bases:
                column = f"{base}::{lang}" if lang else base
                value = sheet.value(row, column)
                if value:
                    self.translations.add((lang, f"{key}:{base}", value))

    # -- settings and choices --------------------------------------------------------

    def settings(self) -> dict[str, str]:
        sheet = self.sheets.get(SETTINGS)
        if sheet is None:
            self.problem(
                SETTINGS,
                0,
                "",
                "bladet settings saknas; det behövs för form_id, form_title och version.",
            )
            return {}
        self.check_columns(sheet, lambda key: key in SETTING_COLUMNS)
        row = sheet.rows[0] if sheet.rows else []
        values = {key: sheet.value(row, key) for key in SETTING_COLUMNS}
        if not ID_PATTERN.match(values["form_id"]):
            self.problem(
                SETTINGS,
                2,
                self.where(sheet, "form_id"),
                f"form_id '{values['form_id']}' ska börja med en liten bokstav och bara innehålla a–z, 0–9 och _.",
            )
        if not values["form_title"]:
            self.problem(
                SETTINGS,
                2,
                self.where(sheet, "form_title"),
                "checklistans rubrik (form_title) saknas.",
            )
        if not (values["version"].isdigit() and int(values["version"]) >= 1):
            self.problem(
                SETTINGS,
                2,
                self.where(sheet, "version"),
                f"version '{values['version']}' ska vara ett heltal från 1 och uppåt.",
            )
        if values["order"] and not values["order"].removeprefix("-").isdigit():
            self.problem(
                SETTINGS,
                2,
                self.where(sheet, "order"),
                f"order '{values['order']}' ska vara ett heltal eller tom.",
            )
        prefix = values["reference_prefix"]
        if prefix and not PREFIX_PATTERN.match(prefix):
            self.problem(
                SETTINGS,
                2,
                self.where(sheet, "reference_prefix"),
                f"reference_prefix '{prefix}' {PREFIX_RULE}.",
            )
        return values

    def choice_lists(self) -> dict[str, ChoiceList]:
        sheet = self.sheets.get(CHOICES)
        lists: dict[str, ChoiceList] = {}
        if sheet is None:
            return lists
        self.check_columns(sheet, lambda key: key in CHOICE_COLUMNS or key.startswith("label::"))
        for r, row in enumerate(sheet.rows, 2):
            if not any(row):
                continue
            list_name, name = sheet.value(row, "list_name"), sheet.value(row, "name")
            label = self.text(sheet, row, "label")
            if not list_name:
                self.problem(CHOICES, r, self.where(sheet, "list_name"), "list_name saknas.")
                continue
            if not name or " " in name:
                self.problem(
                    CHOICES,
                    r,
                    self.where(sheet, "name"),
                    "valets namn saknas eller innehåller mellanslag.",
                )
                continue
            if not label:
                self.problem(CHOICES, r, self.label_column(sheet), f"valet {name} saknar label.")
            entry = lists.setdefault(list_name, ChoiceList(list_name, r))
            if any(c.value == name for c in entry.choices):
                self.problem(
                    CHOICES,
                    r,
                    self.where(sheet, "name"),
                    f"valet {name} finns redan i listan {list_name}.",
                )
                continue
            entry.choices.append(Choice(name, label))
            for lang in self.others:
                value = sheet.value(row, f"label::{lang}")
                if value:
                    entry.translations.append((lang, name, value))
        scale = lists.get(ANSWER_LIST)
        if scale is not None and tuple(scale.choices) != ANSWER_SCALE:
            self.problem(
                CHOICES,
                scale.row,
                "",
                "listan svar ska innehålla exakt ja (Ja), delvis (Delvis), nej (Nej) och "
                "ej_aktuellt (Ej aktuellt), i den ordningen.",
            )
        return lists
