"""Reading a checklist from an Excel workbook in the XLSForm convention (ODK, KoboToolbox).

Region staff edit checklists in Excel. The subset we read, and how it maps onto the model:

- `settings`: `form_id` → Form.id, `form_title` → title, `version` (an integer) → version,
  `default_language`, and our own column `short_title` (tabs and sheet titles).
- `survey`, top to bottom:
  - an optional `note` before the first group: the checklist's description;
  - `begin group` named `uppgifter`, first: the metadata fields. Inside it `text` → text
    (`appearance` `multiline` → textarea; our column `bind::checklistor:type` = `email` →
    email), `date`, `integer`, `select_one LIST` → choice, `select_multiple LIST` →
    multichoice (stored as the chosen codes separated by spaces, as XLSForm does);
  - every other `begin group` … `end group`: one section (name → id, label → title), an
    optional `note` first in it (its description), then its items, each `select_one svar`
    (name → id, label → question, hint → help). The comment beside each item is implied.
  - `required`: yes/no on metadata fields; items are always required to submit.
- `choices`: `list_name`, `name`, `label`. The list `svar` must be exactly the agreed
  scale ja/Ja, delvis/Delvis, nej/Nej, ej_aktuellt/Ej aktuellt.
- `label::Språk (xx)` and `hint::Språk (xx)` columns: the Swedish one (code `sv`), else the
  plain `label`, else `default_language`, is shown; the others are kept as translations.

Anything else that carries meaning (another type, a `relevant` or `constraint`, nested
groups, a missing list, a duplicate or malformed name) is refused with one Swedish message
per problem naming sheet, row and column; a refused workbook yields no form at all.
Cosmetic columns (`appearance` other than multiline) are ignored; empty columns are fine.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from forms.model import Form

SURVEY, CHOICES, SETTINGS = "survey", "choices", "settings"
METADATA_GROUP = "uppgifter"
ANSWER_LIST = "svar"
TYPE_COLUMN = "bind::checklistor:type"  # our own bind attribute: the email field type
DEFAULT_LANGUAGE = "Svenska (sv)"
FORM_NOTE = "beskrivning"  # name of the description note written before the first group

# Columns XLSForm knows whose meaning we do not evaluate: refused with a specific reason.
EXPRESSION_COLUMNS = frozenset(
    {"relevant", "constraint", "calculation", "choice_filter", "repeat_count", "trigger"}
)
YES = frozenset({"yes", "true", "true()", "1", "ja"})
NO = frozenset({"", "no", "false", "false()", "0", "nej"})


@dataclass(frozen=True)
class Problem:
    """One reason a workbook is refused; row and column as Excel shows them."""

    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        place = f"Bladet {self.sheet}" if self.sheet else "Arbetsboken"
        if self.row:
            place += f", rad {self.row}"
        if self.column:
            place += f", kolumn {self.column}"
        return f"{place}: {self.message}"


class XLSFormError(Exception):
    """A workbook that cannot become a checklist; `problems` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def cell_text(value: Any) -> str:
    """A cell as text with whitespace folded, as the YAML loader folds it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


@dataclass
class Sheet:
    """One worksheet's header and rows of text, with column lookup by header."""

    title: str
    headers: list[str]
    rows: list[list[str]]  # data rows; rows[i] is Excel row i + 2

    def column(self, header: str) -> int | None:
        wanted = header.lower()
        return next((i for i, h in enumerate(self.headers) if h.lower() == wanted), None)

    def label(self, index: int) -> str:
        """A column as people see it: letter and header, e.g. `F (relevant)`."""
        return f"{get_column_letter(index + 1)} ({self.headers[index]})"

    def value(self, row: list[str], header: str) -> str:
        index = self.column(header)
        return row[index] if index is not None and index < len(row) else ""


def open_sheets(data: bytes | Path | IO[bytes]) -> dict[str, Sheet]:
    """Every worksheet of the workbook by lower-case title; XLSFormError if unreadable."""
    source: Any = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise XLSFormError(
            [Problem("", 0, "", "filen är inte en Excel-arbetsbok (.xlsx) som går att läsa.")]
        ) from None
    sheets: dict[str, Sheet] = {}
    try:
        for ws in book.worksheets:
            rows = [[cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
            headers = [h for h in (rows[0] if rows else [])]
            sheets[ws.title.strip().lower()] = Sheet(ws.title.strip().lower(), headers, rows[1:])
    finally:
        book.close()
    return sheets


def read_xlsform(data: bytes | Path | IO[bytes], source: str = "") -> Form:
    """The checklist in an XLSForm workbook; raises XLSFormError listing every problem."""
    from forms.xlsform_survey import read  # the reader builds on the names above

    return read(open_sheets(data), source)
