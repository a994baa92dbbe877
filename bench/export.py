"""Benchmark 2: building the region's workbook, against openpyxl's write-only floor.

Run: `make bench-export` (or `.venv/bin/python -m bench.export --sizes 1000,10000`).
Targets: the workbook takes at most 1.3 times the openpyxl floor's CPU seconds at every
size, and its peak memory at 100,000 responses is within 1.5 times its peak at 10,000.
XlsxWriter's constant-memory mode writing the same cells is shown beside the floor as
the reference (the fastest pure-Python writer; a benchmark tool, not a dependency).

The floor writes the same cell values (same records, same columns, labels and dates)
into one write-only sheet per checklist and the same long rows into a Data sheet, and
does nothing else: no styles, no guard, no tables, no overview or heat maps. Each size and each writer runs in a fresh process;
peak memory is that process's ru_maxrss (resident set, interpreter and imports
included), and its growth over the resident set just before writing starts. Both timed
sections include making the synthetic records (the same generator, lazily). Seconds are
wall-clock; CPU seconds are printed beside them, since on a shared machine wall-clock
also carries other processes' load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from bench.synthetic import org_names, records, split, two_versions
from exports.cells import local
from exports.columns import RowMaker
from exports.items import item_infos
from exports.records import ResponseRecord
from exports.tally import ANSWER_CODES, POINTS
from exports.tally import ANSWER_LABELS as LABELS
from exports.workbook import build_regional_workbook, stage_labels
from forms import Catalogue, Form

ANSWER_LABELS = dict(zip(ANSWER_CODES, LABELS, strict=True))

DEFAULT_SIZES = "1000,10000,100000"
MODES = ("floor", "xlsxwriter", "workbook")


def rss_mb() -> float:
    """Peak resident set of this process so far (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def per_form(catalogue: Catalogue, size: int) -> dict[str, int]:
    forms = catalogue.current()
    return {f.id: n for f, n in zip(forms, split(size, len(forms)), strict=True)}


def floor_rows(
    maker: RowMaker, source: Iterable[ResponseRecord], data: list[list[Any]], long: LongRows
) -> Iterator[list[Any]]:
    """The workbook's cell values, plainly: a label per code, real dates, Swedish time.

    Made from the raw record with the layout's columns looked up once, not through
    RowMaker.values, so the floor carries none of the export's own per-row work. Each
    record's rows of the long Data sheet are put into `data` on the way.
    """
    labels = maker._labels
    names = maker._org_names
    plan = [
        (column.kind, column.key, column.field_id, labels.get(column.key, {}), column.value_type)
        for column in maker.columns
    ]
    for record in source:
        metadata = record.data["metadata"]
        answers = record.data["answers"]
        fixed = {
            "response_id": record.id,
            "reference": record.id,
            "org": names.get(record.org, record.org),
            "status": "Inskickat",
            "submitted_at": local(record.submitted_at) if record.submitted_at else None,
            "updated_at": local(record.updated_at),
            "revision": record.revision,
            "form_version": record.form_version,
        }
        row: list[Any] = []
        for kind, key, field_id, choice, value_type in plan:
            if kind == "fixed":
                row.append(fixed[key])
            elif kind == "meta":
                raw = metadata.get(field_id)
                if raw and value_type == "date":
                    row.append(dt.date.fromisoformat(raw))
                elif raw and value_type == "integer":
                    row.append(int(raw))
                else:
                    row.append(choice.get(raw, raw) if raw else None)
            else:
                answer = answers.get(field_id)
                if answer is None:
                    row.append(None)
                elif kind == "answer":
                    row.append(choice.get(answer["value"], answer["value"]))
                else:
                    row.append(answer["comment"] or None)
        data.extend(long.rows(record, fixed["org"], fixed["updated_at"].date()))
        yield row


class LongRows:
    """The Data sheet's values for one checklist: one row per response and question."""

    def __init__(self, form: Form, versions: list[Form]) -> None:
        self.title = form.short_title
        self.infos = item_infos(versions)
        self.stages = stage_labels(versions)

    def rows(self, record: ResponseRecord, org: str, day: dt.date) -> list[list[Any]]:
        metadata = record.data["metadata"]
        answers = record.data["answers"]
        stage = self.stages.get(metadata.get("stage", ""))
        head = [org, metadata.get("plan_name"), record.id, self.title, stage, day]
        made = []
        for info in self.infos:
            answer = answers.get(info.id) or {}
            value = answer.get("value")
            made.append(
                [
                    *head,
                    info.section_title,
                    info.label,
                    info.question,
                    ANSWER_LABELS.get(value),
                    POINTS.get(value),
                    answer.get("comment") or None,
                ]
            )
        return made


def write_floor(
    out: Any, catalogue: Catalogue, sizes: dict[str, int], names: dict[str, str]
) -> int:
    wb = Workbook(write_only=True)
    written = 0
    data_ws = None
    for form in catalogue.current():
        versions = catalogue.versions(form.id)
        maker = RowMaker(versions, names)
        ws = wb.create_sheet(form.short_title)
        data_ws = data_ws or wb.create_sheet("Data")
        ws.append([c.header for c in maker.columns])
        long = LongRows(form, versions)
        data: list[list[Any]] = []
        for row in floor_rows(maker, records(catalogue, form.id, sizes[form.id]), data, long):
            ws.append(row)
            for values in data:
                data_ws.append(values)
            data.clear()
            written += 1
    wb.save(out)
    return written


def write_xlsxwriter_floor(
    out: Any, catalogue: Catalogue, sizes: dict[str, int], names: dict[str, str]
) -> int:
    """The floor's cells written by XlsxWriter in constant-memory mode: the reference."""
    import xlsxwriter

    options = {
        "constant_memory": True,
        "default_date_format": "yyyy-mm-dd",
        "strings_to_formulas": False,
        "strings_to_urls": False,
    }
    wb = xlsxwriter.Workbook(out, options)
    written = 0
    data_ws, data_row = None, 0
    for form in catalogue.current():
        versions = catalogue.versions(form.id)
        maker = RowMaker(versions, names)
        ws = wb.add_worksheet(form.short_title)
        data_ws = data_ws or wb.add_worksheet("Data")
        ws.write_row(0, 0, [c.header for c in maker.columns])
        long = LongRows(form, versions)
        data: list[list[Any]] = []
        source = records(catalogue, form.id, sizes[form.id])
        for row_number, row in enumerate(floor_rows(maker, source, data, long), 1):
            ws.write_row(row_number, 0, row)
            for values in data:
                data_ws.write_row(data_row, 0, values)
                data_row += 1
            data.clear()
            written += 1
    wb.close()
    return written


def child(size: int, mode: str) -> None:
    """One measurement in this (fresh) process; prints one JSON line."""
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryFile() as out:
        catalogue = two_versions(Path(tmp))
        names = org_names()
        sizes = per_form(catalogue, size)
        start_mb = rss_mb()
        started, cpu = time.perf_counter(), time.process_time()
        if mode == "floor":
            written = write_floor(out, catalogue, sizes, names)
        elif mode == "xlsxwriter":
            written = write_xlsxwriter_floor(out, catalogue, sizes, names)
        else:
            summary = build_regional_workbook(
                out, catalogue, lambda form_id: records(catalogue, form_id, sizes[form_id]), names
            )
            written = summary.responses
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        out.seek(0, 2)
        figures = {
            "seconds": seconds,
            "cpu": cpu,
            "peak_mb": rss_mb(),
            "start_mb": start_mb,
            "rows": written,
            "file_mb": out.tell() / 1e6,
        }
    print(json.dumps(figures))


def measure(size: int, mode: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.export", "--child", str(size), "--mode", mode],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help=f"default {DEFAULT_SIZES}")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=MODES, default="workbook", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.mode)
        return

    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    print(
        f"load average {os.getloadavg()[0]:.1f}; "
        "3 checklists x 2 versions, 8 organisations; each run in a fresh process; "
        "memory = ru_maxrss (whole process), growth = over the resident set before writing"
    )
    print(
        f"{'responses':>10} {'floor s':>9} {'workbook s':>11} {'ratio':>6} "
        f"{'xlsxw cpu':>10} {'floor cpu':>10} {'wb cpu':>8} {'cpu ratio':>9}   "
        f"{'floor MB':>9} {'workbook MB':>12} {'growth MB':>10} {'file MB':>8}"
    )
    peaks: dict[int, float] = {}
    ratios: dict[int, float] = {}
    cpu_ratios: dict[int, float] = {}
    for size in sizes:
        reference = measure(size, "xlsxwriter")
        floor = measure(size, "floor")
        book = measure(size, "workbook")
        ratios[size] = book["seconds"] / floor["seconds"]
        cpu_ratios[size] = book["cpu"] / floor["cpu"]
        peaks[size] = book["peak_mb"]
        print(
            f"{size:>10,} {floor['seconds']:>9.2f} {book['seconds']:>11.2f} {ratios[size]:>6.2f} "
            f"{reference['cpu']:>10.2f} {floor['cpu']:>10.2f} {book['cpu']:>8.2f} "
            f"{cpu_ratios[size]:>9.2f}   "
            f"{floor['peak_mb']:>9.0f} {book['peak_mb']:>12.0f} "
            f"{book['peak_mb'] - book['start_mb']:>10.1f} {book['file_mb']:>8.1f}"
        )
        if book["rows"] != size or floor["rows"] != size:
            print(
                f"  rows written: workbook {book['rows']}, floor {floor['rows']} (expected {size})"
            )
    print(
        f"workbook/floor time: worst {max(ratios.values()):.2f} wall-clock, "
        f"{max(cpu_ratios.values()):.2f} CPU (target <= 1.30 CPU)"
    )
    if 10_000 in peaks and 100_000 in peaks:
        growth = peaks[100_000] / peaks[10_000]
        print(f"peak memory 100,000 / 10,000: {growth:.2f} (target <= 1.50)")
    else:
        print("peak memory 100,000 / 10,000: not measured (run both sizes)")


if __name__ == "__main__":
    main()
