"""Memory stays flat as responses grow: rows stream from a generator to a temporary file."""

from __future__ import annotations

import datetime as dt
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

from exports.filters import ExportFilter
from exports.records import ResponseRecord
from exports.workbook import build_regional_workbook
from forms import Catalogue
from tests.exports.helpers import ORG_NAMES

CODES = ("ja", "delvis", "nej", "ej_aktuellt")


def peak_bytes(tmp_path: Path, catalogue: Catalogue, n: int) -> int:
    items = [item.id for item in catalogue.latest("detaljplan").items]

    def records(form_id: str) -> Iterator[ResponseRecord]:
        for i in range(n):
            moment = dt.datetime(2026, 1, 1) + dt.timedelta(minutes=i)
            yield ResponseRecord(
                f"{i:032d}",
                list(ORG_NAMES)[i % 3],
                form_id,
                1,
                "submitted",
                1,
                moment,
                moment,
                {
                    "metadata": {"plan_name": f"Plan {i}", "date": "2026-02-01"},
                    "answers": {
                        item: {"value": CODES[(i + k) % 4], "comment": f"Kommentar {i}-{k} " * 4}
                        for k, item in enumerate(items)
                    },
                },
            )

    selection = ExportFilter(forms=frozenset({"detaljplan"}))
    tracemalloc.start()
    try:
        build_regional_workbook(tmp_path / f"{n}.xlsx", catalogue, records, ORG_NAMES, selection)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_peak_memory_does_not_grow_with_responses(tmp_path: Path, catalogue: Catalogue) -> None:
    peak_bytes(tmp_path, catalogue, 5)  # warm up caches (styles, imports)
    small = peak_bytes(tmp_path, catalogue, 30)
    large = peak_bytes(tmp_path, catalogue, 300)
    # Ten times the rows (each about 4 kB of comments) in about the same memory;
    # a sheet built in memory would need well over 1 MB more.
    assert large < small * 1.3 + 100_000, (small, large)
