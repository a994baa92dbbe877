"""The "Samråd" sheet: one row per sent message of a consultation, replies included.

A consultee's comment on a question (or its overall statement) starts a thread; the
consultee's corrections and the asking organisation's replies follow in it. Each sent
message is a row: the consultee's words under Kommentar, the asking organisation's under
Svar, so a filter on Tråd shows a whole conversation. Drafts never reach this sheet (the
service passes only sent messages) and neither do people's names: as with the answers,
who wrote what stays in the service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter

from exports.cells import BOLD, WRAP, DataCells, cell, local
from exports.pages import header_row, pages_for, print_setup
from exports.responsesheet import add_table

SHEET_TITLE = "Samråd"
NOTHING_HERE = "Inga samrådskommentarer i urvalet."
KIND_LABELS = {"instammer": "Instämmer", "synpunkt": "Synpunkt", "atgard": "Behöver åtgärdas"}
OVERALL = "Helhetsyttrande"
# (header, width); widths of 40 or more wrap their text.
COLUMNS = (
    ("Organisation", 24),
    ("Plan", 30),
    ("Referens", 15),
    ("Checklista", 16),
    ("Skede", 16),
    ("Version", 8),
    ("Frågenr", 8),
    ("Fråga", 45),
    ("Remissinstans", 24),
    ("Meddelande", 12),
    ("Typ", 16),
    ("Kommentar", 50),
    ("Svar", 50),
    ("Status", 11),
    ("Skickad", 16),
    ("Svara senast", 12),
    ("Hanterad", 16),
    ("Så hanterades det", 40),
    ("Återkallad", 16),
    ("Tråd", 8),
)


@dataclass(frozen=True)
class ConsultMessage:
    """One sent message of a consultation thread, as the sheet shows it. Times naive UTC.

    `role` is "comment" (a thread's first message), "correction" (the consultee's later
    word in its thread) or "reply" (the asking organisation's). Handling is the thread's.
    """

    thread: int
    role: str
    org: str  # the asking organisation (slug)
    plan_reference: str
    plan_name: str
    form_title: str
    stage: str  # the stage's label
    revision: int
    question_number: int | None  # None: the overall statement, or a question no longer asked
    question: str
    consultee: str  # slug of the organisation that was asked
    kind: str | None
    text: str
    sent_at: dt.datetime
    reply_by: dt.date
    withdrawn_at: dt.datetime | None = None
    handled_at: dt.datetime | None = None
    handled_note: str = ""

    @property
    def state(self) -> str:
        if self.withdrawn_at is not None:
            return "återkallad"
        return "hanterad" if self.handled_at is not None else "öppen"


ROLE_LABELS = {"comment": "Kommentar", "correction": "Rättelse", "reply": "Svar"}


def row_values(message: ConsultMessage, org_names: Mapping[str, str]) -> list[Any]:
    """The row's values in the order of COLUMNS (times still naive UTC)."""
    from_consultee = message.role != "reply"
    return [
        org_names.get(message.org, message.org),
        message.plan_name,
        message.plan_reference,
        message.form_title,
        message.stage,
        message.revision,
        message.question_number,
        message.question or OVERALL,
        org_names.get(message.consultee, message.consultee),
        ROLE_LABELS.get(message.role, message.role),
        KIND_LABELS.get(message.kind or "", message.kind or ""),
        message.text if from_consultee else None,
        None if from_consultee else message.text,
        message.state,
        message.sent_at,
        message.reply_by,
        message.handled_at,
        message.handled_note or None,
        message.withdrawn_at,
        message.thread,
    ]


def write_consultations(
    ws: Any,
    table_name: str,
    messages: Iterable[ConsultMessage],
    org_names: Mapping[str, str],
    *,
    title: str = SHEET_TITLE,
    period: str = "",
) -> int:
    """Header, one row per message, an Excel table; returns the number of rows written."""
    headers = [header for header, _ in COLUMNS]
    widths = [width for _, width in COLUMNS]
    for n, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = "D2"
    print_setup(
        ws,
        title=title,
        period=period,
        pages_wide=pages_for(sum(widths), per_page=240),
        repeat_rows="1:1",
        repeat_cols="A:C",
    )
    header_row(ws, 1, headers, widths)
    wrap = [WRAP if width >= 40 else None for width in widths]
    data_cell = DataCells(ws)
    count = 0
    for message in messages:
        values = row_values(message, org_names)
        ws.append([_cell(ws, data_cell, v, w) for v, w in zip(values, wrap, strict=True)])
        count += 1
    if count:
        add_table(ws, table_name, headers, count)
    else:
        ws.append([cell(ws, NOTHING_HERE, font=BOLD)])
    ws.print_area = f"A1:{get_column_letter(len(headers))}{count + 1}"
    return count


def _cell(ws: Any, data_cell: DataCells, value: Any, alignment: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return cell(ws, local(value))
    if isinstance(value, dt.date):
        return cell(ws, value)
    return data_cell(value, alignment)
