"""Benchmark 1: submitting complete checklists under load, against /healthz as the ceiling.

Run: `make bench-submit` (or `.venv/bin/python -m bench.submit --requests 2000`).
Targets: submission throughput at least 0.3 of healthz, p99 under 250 ms on 2 cores,
zero errors, and every acknowledged submission in the database exactly once.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy import create_engine, select

from bench.queries import statements_per_submission
from forms import load_catalogue
from service.models import Response
from support.answers import complete_answers
from support.databases import fresh_database
from support.live import Planner, checklistor, gunicorn, service_env

ORGS = ["karlskrona", "ronneby", "karlshamn", "solvesborg", "olofstrom", "trafikverket"]


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    acknowledged: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def report(self, name: str) -> dict[str, float]:
        ordered = sorted(self.latencies)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0
        figures = {
            "requests": len(ordered) + self.errors,
            "throughput": len(ordered) / self.seconds if self.seconds else 0.0,
            "median_ms": statistics.median(ordered) * 1000 if ordered else 0.0,
            "p99_ms": p99 * 1000,
            "errors": self.errors,
        }
        print(
            f"{name:<12} {figures['requests']:>6.0f} requests  {figures['throughput']:>8.1f} req/s  "
            f"median {figures['median_ms']:>6.1f} ms  p99 {figures['p99_ms']:>6.1f} ms  "
            f"errors {self.errors}"
        )
        return figures


def hammer(run: Run, total: int, workers: list[Callable[[], str | None]]) -> None:
    """Add `total` requests over one thread per worker to `run`; a worker returns an ack id
    or None."""
    counter = iter(range(total))
    counter_lock = threading.Lock()

    def loop(worker: Callable[[], str | None]) -> None:
        while True:
            with counter_lock:
                if next(counter, None) is None:
                    return
            started = time.perf_counter()
            try:
                ack = worker()
                ok = True
            except Exception:
                ack, ok = None, False
            elapsed = time.perf_counter() - started
            with run.lock:
                if ok:
                    run.latencies.append(elapsed)
                    if ack:
                        run.acknowledged.append(ack)
                else:
                    run.errors += 1

    threads = [threading.Thread(target=loop, args=(w,)) for w in workers]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds += time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--rounds",
        type=int,
        default=4,
        help="healthz and submitting take turns this many times, so both meet the same "
        "machine (its speed drifts on a shared host)",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="default: SQLite in a temp folder (the embedded default)",
    )
    parser.add_argument("--show-statements", action="store_true", help="list them too")
    args = parser.parse_args()

    forms = load_catalogue().current()
    # On PostgreSQL a schema of its own: an earlier run's rows (and its mirror entries that
    # nobody drained, which turn /healthz to 503) stay out of this one.
    with (
        tempfile.TemporaryDirectory() as tmp,
        fresh_database(args.database_url, Path(tmp)) as fresh,
    ):
        url = fresh if args.database_url else f"sqlite:///{Path(tmp) / 'checklistor.db'}"
        env = service_env(Path(tmp), **({"DATABASE_URL": url} if args.database_url else {}))
        if args.database_url:
            checklistor_db_upgrade(env)
        with gunicorn(env) as base:

            def health_worker() -> Callable[[], str | None]:
                session = requests.Session()

                def call() -> str | None:
                    session.get(f"{base}/healthz", timeout=10).raise_for_status()
                    return None

                return call

            def submit_worker(n: int) -> Callable[[], str | None]:
                planner = Planner(base, env, ORGS[n % len(ORGS)])
                form = forms[n % len(forms)]
                path = f"/checklista/{form.id}/ny"
                tokens = planner.tokens(path)
                data = complete_answers(form)
                return lambda: planner.submit(path, data, tokens)

            database = args.database_url or "SQLite (embedded default)"
            print(
                f"load average {os.getloadavg()[0]:.1f}; "
                f"{args.requests} requests each in {args.rounds} turns, "
                f"{args.concurrency} concurrent connections, "
                f"gunicorn 2 workers, database {database}"
            )
            health_workers = [health_worker() for _ in range(args.concurrency)]
            submit_workers = [submit_worker(n) for n in range(args.concurrency)]
            health, submit = Run(), Run()
            for turn in range(args.rounds):
                share = args.requests // args.rounds + (turn < args.requests % args.rounds)
                hammer(health, share, health_workers)
                hammer(submit, share, submit_workers)
            health_figures = health.report("GET /healthz")
            figures = submit.report("POST submit")

        engine = create_engine(url)
        with engine.connect() as conn:
            stored = Counter(conn.scalars(select(Response.id)))
        engine.dispose()
        statements = statements_per_submission(
            url, Path(tmp) / "counting", ORGS[0], forms[0], complete_answers(forms[0])
        )
    missing = [a for a in submit.acknowledged if stored[a] == 0]
    duplicated = [a for a, n in Counter(submit.acknowledged).items() if n > 1 or stored[a] > 1]
    ratio = (
        figures["throughput"] / health_figures["throughput"]
        if health_figures["throughput"]
        else 0.0
    )
    print(f"submit/healthz throughput ratio: {ratio:.2f} (target >= 0.30)")
    print(
        f"p99 submit: {figures['p99_ms']:.0f} ms (target < 250 ms); errors: {submit.errors} (target 0)"
    )
    print(f"SQL statements per submission: {len(statements)}")
    if args.show_statements:
        for statement in statements:
            print(f"  {statement[:120]}")
    print(
        f"acknowledged {len(submit.acknowledged)}, stored {sum(stored.values())}, "
        f"missing {len(missing)}, duplicated {len(duplicated)} (target 0 and 0)"
    )


def checklistor_db_upgrade(env: dict[str, str]) -> None:
    print(checklistor(env, "db", "upgrade").strip())


if __name__ == "__main__":
    main()
