"""Helpers for export tests: records, a second form version, reading a workbook back."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

import yaml

from exports.records import ResponseRecord
from forms import Form, load_form
from forms.catalogue import DEFINITIONS_DIR

ORG_NAMES = {
    "karlskrona": "Karlskrona kommun",
    "ronneby": "Ronneby kommun",
    "olofstrom": "Olofströms kommun",
}
FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[ >/]")

_counter = iter(range(1, 1_000_000))


def record(
    org: str = "karlskrona",
    form_id: str = "detaljplan",
    *,
    answers: dict[str, str] | None = None,
    comments: dict[str, str] | None = None,
    metadata: dict[str, str] | None = None,
    status: str = "submitted",
    at: dt.datetime = dt.datetime(2026, 3, 10, 9, 30),
    version: int = 1,
    rid: str | None = None,
) -> ResponseRecord:
    """A response; `at` is its submission time (or a draft's last change)."""
    items: dict[str, dict[str, Any]] = {}
    for item_id, value in (answers or {}).items():
        items[item_id] = {"value": value, "comment": ""}
    for item_id, comment in (comments or {}).items():
        items.setdefault(item_id, {"value": None})["comment"] = comment
    return ResponseRecord(
        id=rid or f"r{next(_counter):05d}",
        org=org,
        form_id=form_id,
        form_version=version,
        status=status,
        revision=1 if status == "submitted" else 0,
        updated_at=at,
        submitted_at=at if status == "submitted" else None,
        data={"metadata": metadata or {}, "answers": items},
    )


def second_version(tmp_path: Path) -> tuple[Form, Form, dict[str, str]]:
    """Detaljplan version 1 and a version 2 written to tmp_path.

    Version 2 drops the first item of the second section, adds `ny_punkt` at the end of
    the first section and rewords the first item. Returns (v1, v2, ids) where ids names
    the `dropped`, `added` and `reworded` items.
    """
    source = DEFINITIONS_DIR / "detaljplan.yaml"
    v1 = load_form(source)
    raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    raw["version"] = 2
    sections = raw["sections"]
    reworded = sections[0]["items"][0]
    reworded["question"] = "Är resorna som planen ger upphov till bedömda? (ny lydelse)"
    dropped = sections[1]["items"].pop(0)
    sections[0]["items"].append(
        {"id": "ny_punkt", "question": "Finns en ny punkt om cykelparkering?"}
    )
    path = tmp_path / "detaljplan-v2.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    ids = {"dropped": dropped["id"], "added": "ny_punkt", "reworded": reworded["id"]}
    return v1, load_form(path), ids


def has_formula(path: Path) -> bool:
    """Whether any worksheet in the .xlsx holds a formula element."""
    with zipfile.ZipFile(path) as archive:
        return any(
            FORMULA_ELEMENT.search(archive.read(name))
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and name.endswith(".xml")
        )


def rows(ws: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in ws.iter_rows(values_only=True)]


def find_row(ws: Any, first: Any, column: int = 1) -> tuple[Any, ...]:
    """The first row whose value in `column` (1-based) equals `first`."""
    for row in ws.iter_rows(values_only=True):
        if len(row) >= column and row[column - 1] == first:
            return tuple(row)
    raise AssertionError(f"no row starting with {first!r} in {ws.title}")
