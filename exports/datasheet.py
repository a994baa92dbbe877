"""*Data*: one row per response × question, the long format pivot tables and Power BI want.

Rows are added as the records stream past, so memory stays flat. No wrapped text: each
row stays one line high, on screen and on paper.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl.utils import get_column_letter

from exports.cells import BOLD, DataCells, cell, local
from exports.columns import PLAN_NAME, reference
from exports.items import ItemInfo
from exports.pages import header_row, pages_for, print_setup
from exports.records import ResponseRecord
from exports.responsesheet import add_table
from exports.tally import ANSWER_CODES, ANSWER_LABELS, POINTS
from forms import Form

HEADERS = (
    "Organisation",
    "Plan",
    "Referens",
    "Checklista",
    "Skede",
    "Inskickad",
    "Avsnitt",
    "Frågans nr",
    "Fråga",
    "Svar",
    "Poäng",
    "Kommentar",
)
# Excel's last row is 1,048,576: one for the header and one for the note that rows stop.
MAX_ROWS = 1_048_576 - 2
TOO_MANY = (
    "Fler rader än Excel rymmer: fliken Data slutar här. Välj en kortare period eller färre "
    "checklistor för att få med alla."
)
WIDTHS = (24.0, 28.0, 34.0, 16.0, 14.0, 12.0, 26.0, 8.0, 60.0, 11.0, 8.0, 40.0)
_LABELS = dict(zip(ANSWER_CODES, ANSWER_LABELS, strict=True))


class DataSheet:
    """The long-format sheet of a workbook, written one response at a time."""

    def __init__(self, ws: Any, *, period: str = "") -> None:
        self.ws = ws
        self.rows = 0
        self.cut = False  # more rows than a sheet holds were left out
        self._cell = DataCells(ws)
        self._questions: dict[ItemInfo, tuple[Any, Any, Any]] = {}
        self._answers: dict[str, Any] = {}
        for n, width in enumerate(WIDTHS, 1):
            ws.column_dimensions[get_column_letter(n)].width = width
        ws.freeze_panes = "C2"
        print_setup(
            ws,
            title="Data – ett svar per rad",
            period=period,
            pages_wide=pages_for(sum(WIDTHS), per_page=290),
            repeat_rows="1:1",
        )
        header_row(ws, 1, HEADERS, WIDTHS)

    def add(
        self,
        record: ResponseRecord,
        form: Form,
        infos: Sequence[ItemInfo],
        asked: Mapping[int, frozenset[str]],
        org_name: str,
        stage_labels: Mapping[str, str],
    ) -> None:
        """One row per question of the record's checklist version (answered or not)."""
        data = record.data or {}
        metadata = data.get("metadata") or {}
        answers = data.get("answers") or {}
        stage = str(metadata.get("stage") or "")
        value_cell = self._cell
        # What is the same on every row of this record, made once per record.
        head = [
            None if v is None else value_cell(v)
            for v in (
                org_name,
                str(metadata.get(PLAN_NAME) or "") or None,
                reference(record),
                form.short_title,
                stage_labels.get(stage, stage) or None,
            )
        ]
        # A plain date: openpyxl gives it the yyyy-mm-dd format that `cell` would.
        head.append(local(record.updated_at).date())
        in_version = asked.get(record.form_version)
        for info in infos:
            answer = answers.get(info.id) or {}
            if in_version is not None and info.id not in in_version and not answer:
                continue
            if self.rows >= MAX_ROWS:
                self.cut = True
                return
            value = answer.get("value")
            comment = answer.get("comment")
            self.ws.append(
                [
                    *head,
                    *self._question(info),
                    (self._answer(value) if value else None),
                    POINTS.get(value) if value else None,
                    value_cell(comment) if comment else None,
                ]
            )
            self.rows += 1

    def _question(self, info: ItemInfo) -> tuple[Any, Any, Any]:
        """Section, number and wording of a question, made once per sheet."""
        made = self._questions.get(info)
        if made is None:
            made = (
                self._cell(info.section_title),
                self._cell(info.label),
                self._cell(info.question),
            )
            self._questions[info] = made
        return made

    def _answer(self, value: str) -> Any:
        """The answer's label (an unknown code as it is), made once per code."""
        made = self._answers.get(value)
        if made is None:
            made = self._answers[value] = self._cell(_LABELS.get(value, value))
        return made

    def close(self, table_name: str) -> None:
        """The Excel table over every row (or a line saying there are none)."""
        if self.rows:
            add_table(self.ws, table_name, HEADERS, self.rows)
        else:
            self.ws.append([cell(self.ws, "Inga svar i urvalet.")])
        if self.cut:
            self.ws.append([cell(self.ws, TOO_MANY, font=BOLD)])
