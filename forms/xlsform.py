"""Reading a checklist from an Excel workbook in the XLSForm convention (ODK, KoboToolbox).

Region staff edit checklists in Excel. The subset we read, and how it maps onto the model:

- `settings`: `form_id` → Form.id, `form_title` → title, `version` (an integer) → version,
  `default_language`, and our own columns `short_title` (tabs and sheet titles), `order`
  (an integer or empty) → order and `reference_prefix` → reference_prefix.
- `survey`, top to bottom:
  - an optional `note` before the first group: the checklist's description;
  - `begin group` named `uppgifter`, first: the metadata fields, its label → details_title
    (the heading of that part). Inside it `text` → text
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
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from forms.model import Form

SURVEY, CHOICES, SETTINGS = "survey", "choices", "settings"
METADATA_GROUP = "uppgifter"
ANSWER_LIST = "svar"
TYPE_COLUMN = "bind::checklistor:type"  # our own bind attribute: the email field type
DEFAULT_LANGUAGE = "Svenska (sv)"
FORM_NOTE = "beskrivning"  # name of the description note written before the first group
COMMENT_SUFFIX = "_kommentar"  # the comment box written after each item: <item>_kommentar
# Our own bind attribute lives in this XML namespace, declared in settings' `namespaces`
# column so that pyxform (ODK, KoboToolbox) writes a well-formed XForm.
NAMESPACES = 'checklistor="urn:checklistor:xforms"'

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


def comment_name(item_id: str) -> str:
    return item_id + COMMENT_SUFFIX


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


# Limits that keep a hostile or padded workbook from taking the service down. A checklist
# has a few hundred rows and a dozen columns; its .xlsx is tens of kilobytes, about ten
# times that unpacked.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 8 * 1024 * 1024  # all parts of the zip together, unpacked
MAX_PART_RATIO = 100  # unpacked:packed, checked for parts over 1 MB (a deflate bomb is ~1000)
MAX_ROWS = 5000
MAX_COLUMNS = 200

UNREADABLE = "filen är inte en Excel-arbetsbok (.xlsx) som går att läsa."


# Header spellings pyxform accepts and people use, read as the canonical ones.
SETTING_ALIASES = {"id_string": "form_id", "title": "form_title"}
SINGLE_COLON = re.compile(r"(label|hint)\s*:\s*([^:\s].*)", re.IGNORECASE)


def canonical_header(sheet: str, header: str) -> str:
    """`list name` → `list_name`, `label:English` → `label::English`, settings `id_string`
    and `title` → `form_id` and `form_title`; anything else as written (whitespace folded)."""
    header = " ".join(header.split())
    low = header.lower()
    if sheet == CHOICES and low == "list name":
        return "list_name"
    if sheet == SETTINGS and low in SETTING_ALIASES:
        return SETTING_ALIASES[low]
    single = SINGLE_COLON.fullmatch(header)
    if single:
        return f"{single.group(1).lower()}::{single.group(2)}"
    return header


def _refuse(message: str) -> XLSFormError:
    return XLSFormError([Problem("", 0, "", message)])


def _as_bytes(data: bytes | Path | IO[bytes]) -> bytes:
    if isinstance(data, bytes):
        blob = data
    elif isinstance(data, Path):
        try:
            if data.stat().st_size > MAX_FILE_BYTES:
                blob = b"x" * (MAX_FILE_BYTES + 1)
            else:
                blob = data.read_bytes()
        except OSError:
            raise _refuse(UNREADABLE) from None
    else:
        blob = data.read(MAX_FILE_BYTES + 1)
    if len(blob) > MAX_FILE_BYTES:
        raise _refuse(f"filen är större än {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    return blob


def _check_zip(blob: bytes) -> None:
    """Refuse a zip whose parts would unpack beyond the limits, before anything is unpacked.

    The sizes are the ones the zip declares; Python's zipfile never inflates a part beyond
    its declared size (it stops there and reports a bad CRC), so they bound the real cost.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse(UNREADABLE) from None
    total = sum(p.file_size for p in parts)
    bomb = any(
        p.file_size > 1024 * 1024 and p.file_size > MAX_PART_RATIO * max(p.compress_size, 1)
        for p in parts
    )
    if total > MAX_UNPACKED_BYTES or bomb:
        raise _refuse(
            f"arbetsboken packas upp till mer än tjänsten tar emot (högst "
            f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB uppackat, och ingen del mer än "
            f"{MAX_PART_RATIO} gånger sin packade storlek)."
        )


def _read_rows(ws: Any, title: str) -> list[list[str]]:
    """The sheet's rows as text, reading only the cells that exist.

    The declared dimension (`A1:XFD1048576` in some files) is ignored, trailing empty
    rows and cells are dropped, and more than MAX_ROWS rows or MAX_COLUMNS columns with
    content refuse the workbook.
    """
    ws.reset_dimensions()  # otherwise read-only mode pads every row to the declared size
    rows: list[list[str]] = []
    pending_empty = 0
    for number, values in enumerate(ws.iter_rows(values_only=True), 1):
        row = [cell_text(v) for v in values[: MAX_COLUMNS + 1]]
        while row and not row[-1]:
            row.pop()
        if len(row) > MAX_COLUMNS or (len(values) > MAX_COLUMNS and any(values[MAX_COLUMNS:])):
            raise _refuse(
                f"bladet {title} har innehåll i fler än {MAX_COLUMNS} kolumner (rad {number})."
            )
        if not row:
            pending_empty += 1
            continue
        if number > MAX_ROWS:
            raise _refuse(f"bladet {title} har innehåll på fler än {MAX_ROWS} rader.")
        rows.extend([] for _ in range(pending_empty))
        pending_empty = 0
        rows.append(row)
    return rows


def open_sheets(data: bytes | Path | IO[bytes]) -> dict[str, Sheet]:
    """Every worksheet of the workbook by lower-case title; XLSFormError if unreadable
    or beyond the limits above."""
    blob = _as_bytes(data)
    _check_zip(blob)
    sheets: dict[str, Sheet] = {}
    try:
        book = load_workbook(io.BytesIO(blob), read_only=True, data_only=True, keep_links=False)
        try:
            for ws in book.worksheets:
                title = ws.title.strip().lower()
                rows = _read_rows(ws, title)
                width = max((len(r) for r in rows), default=0)
                named = [canonical_header(title, h) for h in rows[0]] if rows else []
                headers = [*named, *[""] * (width - len(named))]
                sheets[title] = Sheet(title, headers, rows[1:])
        finally:
            book.close()
    except (XLSFormError, MemoryError):
        raise
    except Exception:  # a damaged file fails in many ways (zip, XML, openpyxl's model)
        raise _refuse(UNREADABLE) from None
    return sheets


def read_xlsform(data: bytes | Path | IO[bytes], source: str = "") -> Form:
    """The checklist in an XLSForm workbook; raises XLSFormError listing every problem."""
    from forms.xlsform_survey import read  # the reader builds on the names above

    return read(open_sheets(data), source)
