"""Benchmark: how soon a submitted response is in the organisation's spreadsheet.

Run: `make bench-freshness` (or `.venv/bin/python -m bench.freshness --submissions 50`).
Targets: p95 at most 1 s into the local .xlsx; into Google Sheets (the Sheets fake, with
the quota pacing of 60 requests a minute on), p95 within one pacing interval (1 s) of
what the quota allows.

The service runs as in production: gunicorn (2 workers) and a `checklistor sync --watch`
process with its default 2 s poll, on SQLite. Submissions go over HTTP one after another,
`--gap` seconds apart; each is timed from the moment the receipt comes back until its
outbox entry is gone, which the worker deletes only after the spreadsheet holds the row
(the database is looked at every 5 ms). At the end every response must be in the mirror.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import create_engine, exists, select

from forms import load_catalogue
from service.models import OutboxEntry
from support.answers import complete_answers
from support.live import Planner, gunicorn, service_env, stop, sync_worker
from support.sheets_fake import FakeSheets

ORG = "karlskrona"
POLL = 0.005


@contextmanager
def sheets_fake(tmp: Path) -> Iterator[dict[str, str]]:
    """The Sheets fake on loopback and the settings that point a service at it."""
    fake = FakeSheets().start()
    try:
        fake.create(f"sheet-{ORG}")
        key_file = tmp / "service-account.json"
        key_file.write_text(json.dumps(fake.key_file()), encoding="utf-8")
        orgs = tmp / "organisations.yaml"
        orgs.write_text(
            "organisations:\n"
            f"  - {{slug: {ORG}, name: Karlskrona kommun, kind: municipality,"
            f" spreadsheet: {{google_key: sheet-{ORG}}}}}\n",
            encoding="utf-8",
        )
        yield {
            "CHECKLISTOR_ORGANISATIONS": str(orgs),
            "CHECKLISTOR_GOOGLE_CREDENTIALS": str(key_file),
            "CHECKLISTOR_SYNC_GOOGLE_API_URL": fake.base_url,
            "CHECKLISTOR_SYNC_WRITES_PER_MINUTE": "60",
        }
    finally:
        fake.stop()


def measure(sink: str, count: int, gap: float) -> list[float]:
    """Seconds from receipt to mirror for `count` submissions to one organisation."""
    form = load_catalogue().latest("detaljplan")
    answers = complete_answers(form)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        with sheets_fake(tmp) if sink == "google" else _nothing() as settings:
            env = service_env(tmp / "instance", CHECKLISTOR_LOG_LEVEL="warning", **settings)
            os.makedirs(tmp / "instance", exist_ok=True)
            engine = create_engine(f"sqlite:///{tmp / 'instance' / 'checklistor.db'}")
            with gunicorn(env) as base:
                worker = sync_worker(env, interval=2.0)
                try:
                    planner = Planner(base, env, ORG)
                    path = "/checklista/detaljplan/ny"
                    seconds = []
                    for _ in range(count):
                        tokens = planner.tokens(path)
                        response_id = planner.submit(path, answers, tokens)
                        acknowledged = time.perf_counter()
                        waiting = exists().where(OutboxEntry.response_id == response_id)
                        with engine.connect() as conn:
                            while conn.scalar(select(waiting)):
                                conn.rollback()
                                time.sleep(POLL)
                        seconds.append(time.perf_counter() - acknowledged)
                        time.sleep(gap)
                finally:
                    stop(worker)
            engine.dispose()
            if sink == "local":
                mirrored = load_workbook(tmp / "instance" / "sheets" / f"{ORG}.xlsx")
                rows = mirrored[mirrored.sheetnames[0]].max_row - 2  # key and heading rows
                if rows != count:
                    print(f"  MISMATCH: {rows} rows in the workbook for {count} submissions")
    return seconds


@contextmanager
def _nothing() -> Iterator[dict[str, str]]:
    yield {}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=50)
    parser.add_argument("--sinks", default="local,google")
    parser.add_argument(
        "--gap",
        type=float,
        default=None,
        help="seconds between submissions (default 0.5 local; 4 Google, within its quota)",
    )
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}; {args.submissions} submissions per sink")
    for sink in args.sinks.split(","):
        gap = args.gap if args.gap is not None else (4.0 if sink == "google" else 0.5)
        seconds = measure(sink, args.submissions, gap)
        goal = "p95 <= 1 s" if sink == "local" else "p95 <= 1 s over what the quota allows"
        print(
            f"freshness {sink:<6} p50 {statistics.median(seconds) * 1000:6.0f} ms  "
            f"p95 {percentile(seconds, 0.95) * 1000:6.0f} ms  max {max(seconds) * 1000:6.0f} ms  "
            f"(gap {gap:g} s; goal {goal})"
        )


if __name__ == "__main__":
    main()
