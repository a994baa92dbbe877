"""Several web instances and sync workers on one PostgreSQL database, a worker killed.

Two gunicorn instances take submissions and edits while three `sync --watch` workers
drain the outbox into the Google Sheets fake; one worker is killed (SIGKILL) half-way and
a new one started. At the end every submitted response is in its organisation's sheet
exactly once, at its latest revision.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select

from forms import load_catalogue
from service.models import OutboxEntry, Response
from support.answers import complete_answers
from support.live import Planner, checklistor, gunicorn, service_env, stop, sync_worker
from support.sheets_fake import FakeSheets

ORGS = ["karlskrona", "ronneby", "karlshamn", "solvesborg"]
THREADS = 8
NEW_PER_THREAD = 190  # 1,520 submissions
EDITS_PER_THREAD = 60  # 480 edits, each a new revision: 2,000 posts in all

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL: set TEST_DATABASE_URL"
)


def organisations_file(path: Path) -> Path:
    lines = ["organisations:"]
    for slug in ORGS:
        lines += [
            f"  - slug: {slug}",
            f"    name: Organisation {slug}",
            "    kind: municipality",
            f"    spreadsheet: {{google_key: key-{slug}}}",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def post_load(bases: list[str], env: dict[str, str], done: list[str], errors: list[str]) -> None:
    """Each thread submits on one instance and, with the same session, edits on the other."""
    forms = load_catalogue().current()

    def run(n: int) -> None:
        try:
            org, form = ORGS[n % len(ORGS)], forms[n % len(forms)]
            planner = Planner(bases[n % 2], env, org)
            editor = planner.on(bases[(n + 1) % 2])  # signed in on one, editing on the other
            path = f"/checklista/{form.id}/ny"
            tokens = planner.tokens(path)
            data = complete_answers(form)
            mine = [planner.submit(path, data, tokens) for _ in range(NEW_PER_THREAD)]
            first = next(iter(form.items))
            for k in range(EDITS_PER_THREAD):
                edit = f"/svar/{mine[k]}/andra"
                changed = {**data, first.comment_name: f"Ändring {k}"}
                editor.submit(edit, changed, editor.tokens(edit))
            done.extend(mine)
        except Exception as exc:  # reported by the test, not lost in a thread
            errors.append(repr(exc))

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def wait_for_responses(engine: Any, count: int, seconds: float = 120) -> None:
    """Until the database holds `count` responses: a point part-way through the load."""
    deadline = time.monotonic() + seconds
    with engine.connect() as conn:
        while conn.scalar(select(func.count()).select_from(Response)) < count:
            assert time.monotonic() < deadline, f"fewer than {count} responses in {seconds} s"
            conn.rollback()
            time.sleep(0.1)


def sheet_rows(fake: FakeSheets) -> list[dict[str, Any]]:
    rows = []
    for key in (f"key-{slug}" for slug in ORGS):
        for sheet in fake.spreadsheets[key].sheets:
            values = sheet.values()
            if len(values) < 2:
                continue
            keys = values[0]
            rows += [dict(zip(keys, row, strict=False)) for row in values[2:]]
    return rows


def test_two_instances_three_workers_one_killed(tmp_path: Path, database_url: str) -> None:
    fake = FakeSheets().start()
    for slug in ORGS:
        fake.create(f"key-{slug}")
    key_file = tmp_path / "google.json"
    key_file.write_text(json.dumps(fake.key_file()), encoding="utf-8")
    env = service_env(
        tmp_path / "instance",
        DATABASE_URL=database_url,
        CHECKLISTOR_ORGANISATIONS=str(organisations_file(tmp_path / "orgs.yaml")),
        CHECKLISTOR_GOOGLE_CREDENTIALS=str(key_file),
        CHECKLISTOR_SYNC_GOOGLE_API_URL=fake.base_url,
        CHECKLISTOR_SYNC_WRITES_PER_MINUTE="100000",
        CHECKLISTOR_SYNC_LEASE_SECONDS="5",
    )
    checklistor(env, "db", "upgrade")
    engine = create_engine(database_url)
    done: list[str] = []
    errors: list[str] = []
    try:
        with ExitStack() as stack:
            bases = [stack.enter_context(gunicorn(env)) for _ in range(2)]
            workers = [sync_worker(env) for _ in range(3)]
            stack.callback(lambda: [stop(w) for w in workers])
            load = threading.Thread(target=post_load, args=(bases, env, done, errors))
            load.start()
            total = THREADS * NEW_PER_THREAD
            wait_for_responses(engine, total // 4)
            assert workers[0].poll() is None and load.is_alive()
            workers[0].send_signal(signal.SIGKILL)  # dies wherever it is, mid-load
            workers[0].wait(timeout=10)
            wait_for_responses(engine, total // 2)
            workers[0] = sync_worker(env)
            load.join()
            assert errors == []

            deadline = time.monotonic() + 180
            with engine.connect() as conn:
                while conn.scalar(select(func.count()).select_from(OutboxEntry)):
                    assert time.monotonic() < deadline, "the outbox did not drain in 180 s"
                    time.sleep(0.5)
                    conn.rollback()
                latest = dict(
                    conn.execute(
                        select(Response.id, Response.revision).where(Response.status == "submitted")
                    ).all()
                )
    finally:
        fake.stop()
        engine.dispose()

    assert len(done) == THREADS * NEW_PER_THREAD
    assert set(latest) == set(done)
    assert sum(latest.values()) == len(done) + THREADS * EDITS_PER_THREAD

    rows = sheet_rows(fake)
    counts = Counter(row["response_id"] for row in rows)
    assert [rid for rid, n in counts.items() if n > 1] == []  # none twice
    assert set(counts) == set(latest)  # none missing, none extra
    stale = [r["response_id"] for r in rows if int(r["revision"]) != latest[r["response_id"]]]
    assert stale == []  # each at its latest revision
