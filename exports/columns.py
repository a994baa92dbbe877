"""One column layout per checklist across all its versions, shared by every writer.

Worked example: version 1 has items a, b, c; version 2 drops b and adds d.
The layout is the fixed columns, then metadata, then per item an answer and a comment
column in the newest version's order, then items no longer asked:

    ... | a | a (kommentar) | c | c (kommentar) | d | d (kommentar) | b | b (kommentar)

with b marked `removed`. A response on version 1 fills a, b, c; on version 2, a, c, d.
Keys are stable (`item:a`, `comment:a`, `meta:plan_name`), so a writer that must keep an
existing sheet's column order finds columns by key and appends new keys at the end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from exports.records import ResponseRecord
from forms import Form

STATUS_LABELS = {"draft": "Utkast", "submitted": "Inskickat"}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str  # "fixed", "meta", "answer" or "comment"
    field_id: str = ""  # metadata field or item id behind the column
    value_type: str = "text"  # "text", "date", "datetime", "integer" or "multichoice"
    removed: bool = False  # the item or field is no longer asked in the newest version
    width: int = 16  # a sensible width in characters for .xlsx writers


FIXED_COLUMNS: tuple[Column, ...] = (
    Column("response_id", "Svarets id", "fixed", width=34),
    Column("org", "Organisation", "fixed", width=28),
    Column("status", "Status", "fixed", width=11),
    Column("submitted_at", "Inskickat", "fixed", value_type="datetime", width=18),
    Column("updated_at", "Senast ändrad", "fixed", value_type="datetime", width=18),
    Column("revision", "Version av svaret", "fixed", value_type="integer", width=10),
    Column("form_version", "Checklistans version", "fixed", value_type="integer", width=10),
)

_FIELD_VALUE_TYPES = {"date": "date", "integer": "integer", "multichoice": "multichoice"}


def _newest_first(versions: Sequence[Form]) -> list[Form]:
    return sorted(versions, key=lambda f: f.version, reverse=True)


def layout(versions: Sequence[Form]) -> list[Column]:
    """The columns for every response to any of `versions` (one checklist)."""
    if not versions:
        raise ValueError("layout needs at least one form version")
    newest, *older = _newest_first(versions)
    columns = list(FIXED_COLUMNS)

    seen_fields: set[str] = set()
    for form in (newest, *older):
        for spec in form.metadata:
            if spec.id in seen_fields:
                continue
            seen_fields.add(spec.id)
            removed = form is not newest
            header = spec.label + (" (tas inte längre upp)" if removed else "")
            columns.append(
                Column(
                    f"meta:{spec.id}",
                    header,
                    "meta",
                    spec.id,
                    _FIELD_VALUE_TYPES.get(spec.type, "text"),
                    removed,
                    40 if spec.type == "textarea" else 20,
                )
            )

    seen_items: set[str] = set()
    number = 0
    for form in (newest, *older):
        for item in form.items:
            if item.id in seen_items:
                continue
            seen_items.add(item.id)
            removed = form is not newest
            if not removed:
                number += 1
            prefix = "Tas inte längre upp" if removed else f"{number}"
            header = f"{prefix}. {item.question}"
            columns.append(Column(f"item:{item.id}", header, "answer", item.id, removed=removed))
            columns.append(
                Column(
                    f"comment:{item.id}",
                    f"Kommentar {prefix.lower() if removed else prefix}",
                    "comment",
                    item.id,
                    removed=removed,
                    width=40,
                )
            )
    return columns


def _labels(versions: Sequence[Form]) -> dict[str, dict[str, str]]:
    """Choice labels per field or item id, newest label winning."""
    labels: dict[str, dict[str, str]] = {}
    for form in sorted(versions, key=lambda f: f.version):
        for spec in form.metadata:
            labels.setdefault(f"meta:{spec.id}", {}).update(
                {c.value: c.label for c in spec.choices}
            )
        for item in form.items:
            labels.setdefault(f"item:{item.id}", {}).update(
                {c.value: c.label for c in item.choices}
            )
    return labels


class RowMaker:
    """Turns records into rows of Python values for a layout (labels, real dates, ints)."""

    def __init__(self, versions: Sequence[Form], org_names: dict[str, str] | None = None) -> None:
        self.columns = layout(versions)
        self._labels = _labels(versions)
        self._org_names = org_names or {}

    def values(self, record: ResponseRecord) -> dict[str, Any]:
        """Values by column key; a column the record has nothing for is absent."""
        data = record.data or {}
        metadata = data.get("metadata") or {}
        answers = data.get("answers") or {}
        values: dict[str, Any] = {
            "response_id": record.id,
            "org": self._org_names.get(record.org, record.org),
            "status": STATUS_LABELS.get(record.status, record.status),
            "submitted_at": record.submitted_at,
            "updated_at": record.updated_at,
            "revision": record.revision,
            "form_version": record.form_version,
        }
        for column in self.columns:
            if column.kind == "meta" and metadata.get(column.field_id):
                raw = metadata[column.field_id]
                values[column.key] = self._convert(column, raw)
            elif column.kind == "answer":
                value = (answers.get(column.field_id) or {}).get("value")
                if value:
                    values[column.key] = self._labels.get(column.key, {}).get(value, value)
            elif column.kind == "comment":
                comment = (answers.get(column.field_id) or {}).get("comment")
                if comment:
                    values[column.key] = comment
        return values

    def _convert(self, column: Column, raw: str) -> Any:
        if column.value_type == "date":
            try:
                return dt.date.fromisoformat(raw)
            except ValueError:
                return raw
        if column.value_type == "integer" and raw.isdigit():
            return int(raw)
        labels = self._labels.get(column.key, {})
        if column.value_type == "multichoice":  # stored as space-separated codes (XLSForm)
            return ", ".join(labels.get(code, code) for code in raw.split())
        return labels.get(raw, raw)

    def row(self, record: ResponseRecord) -> list[Any]:
        values = self.values(record)
        return [values.get(column.key) for column in self.columns]
