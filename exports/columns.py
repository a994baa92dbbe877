"""One column layout per checklist across all its versions, shared by every writer.

The mirror, the organisation's own download and the region's sheet per checklist all use
it. Worked example: version 1 has items a, b, c; version 2 drops b and adds d after a:

    Organisation | Planens namn | Referens | Status | ... (other metadata) ...
    | 1. a | Kommentar 1 | 2. d | Kommentar 2 | 3. c | Kommentar 3
    | 2. b (tas inte längre upp) | Kommentar 2 (tas inte längre upp) | Svarets id

Metadata first (organisation and plan name leading, so a sheet can freeze them), then the
questions in the newest version's order, then questions no longer asked with the number
and wording they last had, and the response id last. A response on version 1 fills a, b,
c; on version 2, a, d, c. Keys are stable (`item:a`, `comment:a`, `meta:plan_name`), so a
writer that must keep an existing sheet's column order finds columns by key and appends
new keys at the end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from exports.pages import fit_width
from exports.records import ResponseRecord
from forms import Form, Status

STATUS_LABELS: dict[str, str] = {Status.DRAFT: "Utkast", Status.SUBMITTED: "Inskickat"}
NO_LONGER_ASKED = "(tas inte längre upp)"
PLAN_NAME = "plan_name"  # the metadata field that names the plan


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str  # "fixed", "meta", "answer" or "comment"
    field_id: str = ""  # metadata field or item id behind the column
    value_type: str = "text"  # "text", "date", "datetime", "integer" or "multichoice"
    removed: bool = False  # the item or field is no longer asked in the newest version
    width: float = 16  # a width in characters that shows the header and the values


ORG = Column("org", "Organisation", "fixed", width=24)
# A reference like DP-2026-0007 needs 14; the response id standing in for it needs 34.
REFERENCE = Column("reference", "Referens", "fixed", width=34)
LEADING: tuple[Column, ...] = (
    Column("status", "Status", "fixed", width=11),
    Column("submitted_at", "Inskickat", "fixed", value_type="datetime", width=17),
    Column("updated_at", "Senast ändrad", "fixed", value_type="datetime", width=17),
    Column("revision", "Version av svaret", "fixed", value_type="integer", width=10),
    Column("form_version", "Checklistans version", "fixed", value_type="integer", width=14),
)
RESPONSE_ID = Column("response_id", "Svarets id", "fixed", width=34)
FIXED_COLUMNS: tuple[Column, ...] = (ORG, REFERENCE, *LEADING, RESPONSE_ID)

_FIELD_VALUE_TYPES = {"date": "date", "integer": "integer", "multichoice": "multichoice"}
# Widths by value type: a date or a time always shows in full (never "###").
_TYPE_WIDTHS = {"date": 12, "datetime": 17, "integer": 10}


def reference(record: ResponseRecord) -> str:
    """The plan's reference number; until plans have their own, the response id."""
    return record.id


def _newest_first(versions: Sequence[Form]) -> list[Form]:
    return sorted(versions, key=lambda f: f.version, reverse=True)


def _fitted(column: Column) -> Column:
    """The column widened to show its header's longest word and its values' type in full."""
    width = max(column.width, _TYPE_WIDTHS.get(column.value_type, 0))
    return replace(column, width=fit_width(column.header, width))


def _meta_columns(newest: Form, older: Sequence[Form]) -> list[Column]:
    columns: list[Column] = []
    seen: set[str] = set()
    for form in (newest, *older):
        for spec in form.metadata:
            if spec.id in seen:
                continue
            seen.add(spec.id)
            removed = form is not newest
            columns.append(
                Column(
                    f"meta:{spec.id}",
                    spec.label + (f" {NO_LONGER_ASKED}" if removed else ""),
                    "meta",
                    spec.id,
                    _FIELD_VALUE_TYPES.get(spec.type, "text"),
                    removed,
                    40 if spec.type == "textarea" else 30 if spec.id == PLAN_NAME else 20,
                )
            )
    return columns


def _item_columns(newest: Form, older: Sequence[Form]) -> list[Column]:
    asked: list[Column] = []
    dropped: list[Column] = []
    seen: set[str] = set()
    for form in (newest, *older):
        for number, item in enumerate(form.items, 1):
            if item.id in seen:
                continue
            seen.add(item.id)
            removed = form is not newest
            suffix = f" {NO_LONGER_ASKED}" if removed else ""
            (dropped if removed else asked).extend(
                (
                    Column(
                        f"item:{item.id}",
                        f"{number}. {item.question}{suffix}",
                        "answer",
                        item.id,
                        removed=removed,
                        width=26,
                    ),
                    Column(
                        f"comment:{item.id}",
                        f"Kommentar {number}{suffix}",
                        "comment",
                        item.id,
                        removed=removed,
                        width=40,
                    ),
                )
            )
    return asked + dropped


def layout(versions: Sequence[Form]) -> list[Column]:
    """The columns for every response to any of `versions` (one checklist)."""
    if not versions:
        raise ValueError("layout needs at least one form version")
    newest, *older = _newest_first(versions)
    meta = _meta_columns(newest, older)
    name = [c for c in meta if c.field_id == PLAN_NAME and not c.removed]
    rest = [c for c in meta if c not in name]
    columns = [ORG, *name, REFERENCE, *LEADING, *rest, *_item_columns(newest, older), RESPONSE_ID]
    return [_fitted(c) for c in columns]


def frozen_columns(columns: Sequence[Column]) -> int:
    """How many leading columns identify a row (organisation, and the plan's name if asked)."""
    return 2 if len(columns) > 1 and columns[1].field_id == PLAN_NAME else 1


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
        # Per column what row() needs, looked up once rather than once per cell.
        self._plan = [
            (c.kind, c.key, c.field_id, self._labels.get(c.key, {}), c) for c in self.columns
        ]

    def _fixed(self, record: ResponseRecord) -> dict[str, Any]:
        return {
            "response_id": record.id,
            "reference": reference(record),
            "org": self._org_names.get(record.org, record.org),
            "status": STATUS_LABELS.get(record.status, record.status),
            "submitted_at": record.submitted_at,
            "updated_at": record.updated_at,
            "revision": record.revision,
            "form_version": record.form_version,
        }

    def values(self, record: ResponseRecord) -> dict[str, Any]:
        """Values by column key; a column the record has nothing for is absent."""
        data = record.data or {}
        metadata = data.get("metadata") or {}
        answers = data.get("answers") or {}
        values = self._fixed(record)
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
        """The values in column order (None where values() has none): the same as
        `[values(record).get(c.key) for c in columns]`, made without the dict."""
        data = record.data or {}
        metadata = data.get("metadata") or {}
        answers = data.get("answers") or {}
        fixed = self._fixed(record)
        row: list[Any] = []
        append = row.append
        for kind, key, field_id, labels, column in self._plan:
            if kind == "fixed":
                append(fixed.get(key))
            elif kind == "meta":
                raw = metadata.get(field_id)
                append(self._convert(column, raw) if raw else None)
            elif kind == "answer":
                value = (answers.get(field_id) or {}).get("value")
                append(labels.get(value, value) if value else None)
            elif kind == "comment":
                append((answers.get(field_id) or {}).get("comment") or None)
            else:
                append(None)
        return row
