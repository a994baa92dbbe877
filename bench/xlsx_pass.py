"""Benchmark: one new response into a local .xlsx mirror that already holds many rows.

Run: `make bench-xlsx` (or `.venv/bin/python -m bench.xlsx_pass --sizes 500,5000`).
Target: a pass under 1 s at 500 rows (the local mirror is read and saved whole, so its
cost grows with the rows it holds; at 5,000 the figure is shown, without a target).

One organisation's workbook is filled with `size` synthetic responses to the three
checklists (service.responses.submit, then the real sync worker); then one response
more is submitted and the worker's pass that mirrors it is timed (median of --runs).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import secrets
import statistics
import tempfile
import time
from pathlib import Path

from flask import Flask

from bench.synthetic import TextMaker, submission_data
from forms import Submission
from service import create_app, responses
from service.catalogue import catalogue_for
from service.db import new_session
from service.runtime import runtime_of, settings_of
from service.sync.sinks import xlsx_cache
from service.sync.worker import Worker

ORG = "karlskrona"


def make_app(tmp: Path) -> Flask:
    return create_app(
        {
            "INSTANCE_PATH": str(tmp / "instance"),
            "SECRET_KEY": secrets.token_urlsafe(32),
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
        }
    )


def queue(app: Flask, count: int, text: TextMaker) -> None:
    with new_session(app) as db:
        forms = catalogue_for(runtime_of(app), db).current()
        for n in range(count):
            form = forms[n % len(forms)]
            response = responses.create(db, ORG, form)
            responses.submit(db, response, Submission.from_dict(submission_data(form, text)))


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(size: int, runs: int) -> tuple[float, float, float, int]:
    """(first pass's wall seconds, median wall and CPU seconds of the next passes, file
    bytes) of one-response passes. The first pass reads the workbook from the file (as
    after a restart or a change by a person); the next ones find it still open."""
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(Path(folder))
        text = TextMaker(random.Random(size))
        queue(app, size, text)
        worker = Worker(runtime_of(app))
        worker.run_once()
        xlsx_cache.forget(settings_of(app).sheets_folder / f"{ORG}.xlsx")
        walls, cpus = [], []
        for _ in range(runs + 1):
            queue(app, 1, text)
            started, used = time.perf_counter(), cpu()
            results = worker.run_once()
            walls.append(time.perf_counter() - started)
            cpus.append(cpu() - used)
            assert [r.outcome for r in results] == ["written"], results
        size_bytes = (settings_of(app).sheets_folder / f"{ORG}.xlsx").stat().st_size
    return walls[0], statistics.median(walls[1:]), statistics.median(cpus[1:]), size_bytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,5000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}; median of {args.runs} passes after the first")
    for size in (int(s) for s in args.sizes.split(",")):
        cold, wall, used, size_bytes = measure(size, args.runs)
        goal = "goal < 1 s" if size <= 500 else "no goal; shown"
        print(
            f"xlsx pass, 1 new into {size:>5} rows: {wall:6.2f} s (CPU {used:5.2f} s; "
            f"first pass, reading the file: {cold:.2f} s), file {size_bytes / 1e6:.1f} MB "
            f"({goal})"
        )


if __name__ == "__main__":
    main()
