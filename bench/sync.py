"""Benchmark 3: draining the outbox into Google Sheets (the API fake on loopback).

Run: `make bench-sync` (or `.venv/bin/python -m bench.sync --sizes 500,5000`).
Targets: the requests of a pass depend on organisations and checklists, not on the number
of responses; zero duplicated and zero missing rows at the end.

Every organisation (8) gets a Google spreadsheet in the fake (support/sheets_fake.py),
which runs the real service-account token flow and keeps a real grid of cells. Responses
are submitted through service.responses.submit (outbox row in the same transaction) to
the three checklists in two versions each; the real sync worker with the real gspread
client then drains them. A second round resubmits a tenth of the responses and adds a
tenth new ones, so rows are also found and rewritten in place. The per-minute write
quota pacing is set to 1,000,000 (SYNC_WRITES_PER_MINUTE) so it never slows the
benchmark: against Google, 60 writes a minute would pace it, not the code. The fake runs
in this process, so the seconds include its work.

The same rounds then run against the Microsoft Graph fake (support/graph_fake.py):
every organisation an Excel workbook in a drive, the real MSAL client-credentials flow
over loopback TLS, workbook sessions and `$batch` (`--sinks google` or `--sinks microsoft`
runs one of them).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import secrets
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from bench.synthetic import TextMaker, org_names, submission_data, two_versions
from forms import Submission
from service import create_app, responses
from service.models import Response
from service.runtime import runtime_of
from service.sync.batches import worksheet_titles
from service.sync.worker import Worker
from support.graph_fake import FakeGraph
from support.sheets_fake import FakeSheets

DEFAULT_SIZES = "500,5000"
DEFAULT_SINKS = "google,microsoft"
DRIVE = "b!YmVuY2gtZHJpdmU"


@dataclass
class Round:
    sink: str
    name: str
    responses: int
    queue_seconds: float
    seconds: float
    requests: int
    passes: int
    per_kind: Counter[str]


def make_app(tmp: Path, fake: FakeSheets | FakeGraph) -> Flask:
    """An app whose every organisation mirrors into its own spreadsheet in the fake."""
    settings: dict[str, object] = {}
    if isinstance(fake, FakeGraph):
        settings.update(fake.config(), SYNC_GRAPH_TIMEOUT=60)
    else:
        key_file = tmp / "service-account.json"
        key_file.write_text(json.dumps(fake.key_file()))
        settings.update(GOOGLE_CREDENTIALS=str(key_file), SYNC_WRITES_PER_MINUTE=1_000_000)
    lines = ["organisations:"]
    for slug, name in org_names().items():
        if isinstance(fake, FakeGraph):
            fake.create(DRIVE, f"01{slug.upper()}")
            spreadsheet = f"{{drive_id: '{DRIVE}', item_id: 01{slug.upper()}}}"
        else:
            fake.create(f"sheet-{slug}")
            spreadsheet = f"{{google_key: sheet-{slug}}}"
        lines.append(
            f"  - {{slug: {slug}, name: '{name}', kind: municipality, spreadsheet: {spreadsheet}}}"
        )
    orgs = tmp / "organisations.yaml"
    orgs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    forms_dir = tmp / "forms"
    forms_dir.mkdir()
    two_versions(forms_dir)
    return create_app(
        {
            "INSTANCE_PATH": str(tmp / "instance"),
            "SECRET_KEY": secrets.token_urlsafe(32),
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
            "ORGANISATIONS": str(orgs),
            "FORMS_DIR": str(forms_dir),
            **settings,
        }
    )


def queue(app: Flask, count: int, rng: random.Random, resubmit: int = 0) -> float:
    """Submit `count` new responses and resubmit `resubmit` existing ones; returns seconds."""
    catalogue = runtime_of(app).forms
    forms = catalogue.current()
    slugs = list(org_names())
    text = TextMaker(rng)
    started = time.perf_counter()
    with runtime_of(app).session() as db:
        existing = list(db.scalars(select(Response.id)))
        for response_id in rng.sample(existing, min(resubmit, len(existing))):
            response = db.get(Response, response_id)
            form = catalogue.get(response.form_id, response.form_version)
            responses.submit(db, response, Submission.from_dict(submission_data(form, text)))
        for n in range(count):
            versions = catalogue.versions(forms[n % len(forms)].id)
            form = versions[0] if rng.random() < 0.4 else versions[-1]
            response = responses.create(db, slugs[n % len(slugs)], form)
            responses.submit(db, response, Submission.from_dict(submission_data(form, text)))
    return time.perf_counter() - started


def request_kind(line: str) -> str:
    """ "POST /v4/spreadsheets/KEY/values:batchUpdate" -> "values:batchUpdate"."""
    method, _, path = line.partition(" ")
    if path.startswith("/$batch"):
        return "$batch"
    if path.startswith("/drives/"):
        rest = re.sub(r"^/drives/[^/]+/items/[^/]+/workbook/?", "", path.split("?")[0])
        return rest.split("/")[0]
    rest = re.sub(r"^/v4/spreadsheets/[^/:]+/?", "", path)
    return rest or f"{method} metadata"


def drain(app: Flask, fake: FakeSheets | FakeGraph, name: str, count: int, queued: float) -> Round:
    slept: list[float] = []
    adapter = fake.adapter() if isinstance(fake, FakeSheets) else None
    worker = Worker(runtime_of(app), google_adapter=adapter, sleep=slept.append)
    before = len(fake.log)
    started = time.perf_counter()
    passes = 0
    while True:
        results = worker.run_once(force=True)
        if not results:
            break
        passes += 1
        failed = [r for r in results if r.outcome != "written"]
        if failed or passes > 5:
            raise RuntimeError(f"sync did not drain: {failed}")
    seconds = time.perf_counter() - started
    if sum(slept):
        print(f"  (the worker slept {sum(slept):.1f} s in pacing or backoff)")
    log = fake.log[before:]
    kinds = Counter(request_kind(line) for line in log)
    sink = "Microsoft 365" if isinstance(fake, FakeGraph) else "Google"
    return Round(sink, name, count, queued, seconds, len(log), passes, kinds)


def grids(fake: FakeSheets | FakeGraph, slug: str, titles: dict[str, str]) -> dict[str, list]:
    """Each checklist's worksheet values in an organisation's spreadsheet, by form id."""
    if isinstance(fake, FakeGraph):
        found = {}
        for sheet in fake.books[(DRIVE, f"01{slug.upper()}")].sheets:
            values = sheet.values()
            for key in values[0] if values else []:
                if str(key).startswith("form:"):
                    found[str(key)[5:]] = values
        return found
    book = fake.spreadsheets[f"sheet-{slug}"]
    return {
        form_id: fake.values(book.key, title)
        for form_id, title in titles.items()
        if any(s.title == title for s in book.sheets)
    }


def check_rows(app: Flask, fake: FakeSheets | FakeGraph) -> tuple[int, int, int, int]:
    """(rows, duplicated, missing, stale) over every organisation's sheets."""
    catalogue = runtime_of(app).forms
    titles = worksheet_titles(catalogue)
    with runtime_of(app).session() as db:
        expected = {
            (org, form_id, rid): revision
            for rid, org, form_id, revision in db.execute(
                select(Response.id, Response.org, Response.form_id, Response.revision)
            )
        }
    seen: Counter[tuple[str, str, str]] = Counter()
    stale = 0
    for slug in org_names():
        for form_id, grid in grids(fake, slug, titles).items():
            keys = grid[0]
            id_col, rev_col = keys.index("response_id"), keys.index("revision")
            for row in grid[2:]:
                if len(row) > id_col and row[id_col]:
                    key = (slug, form_id, str(row[id_col]))
                    seen[key] += 1
                    if expected.get(key) != int(row[rev_col]):
                        stale += 1
    duplicated = sum(1 for n in seen.values() if n > 1)
    missing = sum(1 for key in expected if key not in seen)
    return sum(seen.values()), duplicated, missing, stale


def run(size: int, sink: str) -> list[Round]:
    rng = random.Random(size)
    fake = FakeGraph().start() if sink == "microsoft" else FakeSheets().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            app = make_app(Path(tmp), fake)
            rounds = [drain(app, fake, "first", size, queue(app, size, rng))]
            tenth = max(1, size // 10)
            queued = queue(app, tenth, rng, resubmit=tenth)
            rounds.append(drain(app, fake, "second", 2 * tenth, queued))
            rows, duplicated, missing, stale = check_rows(app, fake)
            runtime_of(app).engine.dispose()
    finally:
        fake.stop()
    total = size + tenth
    print(
        f"{sink:>9} {total:>6} responses: {rows} rows in the sheets; duplicated {duplicated}, "
        f"missing {missing}, at an older revision {stale} (target 0, 0, 0)"
    )
    return rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help=f"default {DEFAULT_SIZES}")
    parser.add_argument("--sinks", default=DEFAULT_SINKS, help=f"default {DEFAULT_SINKS}")
    args = parser.parse_args()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    sinks = [s.strip() for s in args.sinks.split(",") if s.strip()]
    print(
        "8 organisations, each its own spreadsheet; 3 checklists x 2 versions; "
        "Google: SYNC_WRITES_PER_MINUTE=1000000 (quota pacing off)"
    )
    runs = {(sink, size): run(size, sink) for sink in sinks for size in sizes}
    print(
        f"{'sink':>13} {'responses':>10} {'round':>7} {'written':>8} {'queue s':>8} "
        f"{'sync s':>7} {'passes':>6} {'requests':>8} {'req/response':>12}  requests by kind"
    )
    for (_sink, size), rounds in runs.items():
        for r in rounds:
            kinds = ", ".join(f"{k} {n}" for k, n in sorted(r.per_kind.items()))
            print(
                f"{r.sink:>13} {size:>10,} {r.name:>7} {r.responses:>8} {r.queue_seconds:>8.1f} "
                f"{r.seconds:>7.2f} {r.passes:>6} {r.requests:>8} "
                f"{r.requests / r.responses:>12.3f}  {kinds}"
            )
    for sink in sinks:
        firsts = {size: rounds[0].requests for (s, size), rounds in runs.items() if s == sink}
        print(
            f"{sink}: requests for the first pass by size: "
            + ", ".join(f"{size:,}: {n}" for size, n in firsts.items())
            + " (target: the same at every size)"
        )
    for (sink, size), rounds in runs.items():
        if sink == "microsoft":
            # A first pass into empty workbooks: one $batch reads key rows, one writes.
            batches = rounds[0].per_kind["$batch"] - 2 * len(org_names())
            if batches > 0:
                print(
                    f"  microsoft {size:,}: {batches} of them are writes split past 20 calls "
                    "or 3 MB per $batch (msgraph.BATCH_SIZE, BATCH_CHARACTERS), so they grow "
                    "with the bytes written"
                )
            continue
        splits = rounds[0].per_kind["values:batchUpdate"] - len(org_names())
        if splits > 0:
            print(
                f"  {size:,}: {splits} of them are values writes split to keep each request "
                "under 1.5 MB (gsheets.MAX_PAYLOAD), so they grow with the bytes written"
            )


if __name__ == "__main__":
    main()
