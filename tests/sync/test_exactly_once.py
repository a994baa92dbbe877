"""Exactly once, in the ordinary suite: leases taken over, a claim lost before the ack, and
`sync --all`, on SQLite and (with TEST_DATABASE_URL) on PostgreSQL.

The many-process scale test proves the same under load on PostgreSQL only; these pin each
path down with one worker pausing where another can take its place.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import func, select

from service.models import OutboxEntry, Response, SyncTarget
from service.runtime import runtime_of
from service.sync import outbox
from service.sync.cli import sync
from support.answers import complete_answers
from tests.sync.helpers import by_key, later, sheet_rows, submit, workbook_path, worker

OTHER = "otherhost:1"  # a worker on another machine: its claim can only run out


def pending(app: Flask) -> int:
    with runtime_of(app).session() as db:
        return int(db.scalar(select(func.count()).select_from(OutboxEntry)) or 0)


def target_state(app: Flask, target: str = "karlskrona") -> SyncTarget:
    with runtime_of(app).session() as db:
        state = db.get(SyncTarget, target)
        assert state is not None
        db.expunge(state)
        return state


def mirrored(app: Flask, org: str = "karlskrona") -> list[tuple[str, int]]:
    """(response id, revision) of every row in the organisation's mirror, in sheet order."""
    return [(r["response_id"], r["revision"]) for r in by_key(sheet_rows(workbook_path(app, org)))]


def hold(app: Flask, owner: str, minutes_ahead: int = 0) -> None:
    """`owner` claims karlskrona's target as a worker whose clock is `minutes_ahead`."""
    with runtime_of(app).session() as db:
        assert outbox.claim_target(db, "karlskrona", owner, later(minutes_ahead)()) is not None


def dead_pid() -> int:
    """The id of a process of this machine that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


# Lease takeover


def test_a_live_claim_is_waited_for_until_its_lease_runs_out(app: Flask) -> None:
    ids = [submit(app) for _ in range(2)]
    hold(app, OTHER)
    waited = worker(app, now=later(9)).run_once()
    assert [(r.outcome, r.reason) for r in waited] == [
        ("waiting", "en annan synkprocess skriver just nu")
    ]
    assert pending(app) == 2
    assert not workbook_path(app).exists()
    assert target_state(app).claimed_by == OTHER

    taken = worker(app, now=later(11), owner="thishost:2").run_once()
    assert [(r.outcome, r.responses) for r in taken] == [("written", 2)]
    assert pending(app) == 0
    assert sorted(mirrored(app)) == sorted((rid, 1) for rid in ids)
    state = target_state(app)
    assert state.claimed_by is state.claimed_until is None  # released after the pass


def test_the_claim_of_a_process_that_died_on_this_machine_is_taken_over_at_once(
    app: Flask,
) -> None:
    rid = submit(app)
    hold(app, f"{socket.gethostname()}:{dead_pid()}")
    assert [r.outcome for r in worker(app).run_once()] == ["written"]  # no waiting for the lease
    assert mirrored(app) == [(rid, 1)]


def test_a_worker_takes_its_own_unexpired_claim_again(app: Flask) -> None:
    rid = submit(app)
    hold(app, "thishost:7")
    assert [r.outcome for r in worker(app, owner="thishost:7").run_once()] == ["written"]
    assert mirrored(app) == [(rid, 1)]


def test_a_target_locked_by_a_claim_in_progress_is_skipped_not_waited_for(
    app: Flask, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite has one writer at a time anyway")
    submit(app)
    with runtime_of(app).session() as first:
        hold(app, OTHER)  # the target row exists; now lock it as a claim in progress does
        first.scalars(
            select(SyncTarget).where(SyncTarget.target == "karlskrona").with_for_update()
        ).one()
        with runtime_of(app).session() as second:
            assert outbox.claim_target(second, "karlskrona", "thishost:2", later(11)()) is None
        first.rollback()
    assert pending(app) == 1


# A claim lost before the ack


def settled(app: Flask) -> str:
    """One response mirrored, so the target's row is settled: the next pass changes it only
    at its ack (a first pass also records the sheet's description, which may hold the row
    while it writes the sheet, and SQLite's one writer with it)."""
    rid = submit(app)
    assert [r.outcome for r in worker(app).run_once()] == ["written"]
    return rid


def test_a_claim_lost_while_writing_leaves_the_entries_to_the_new_holder(app: Flask) -> None:
    ids = [settled(app), *(submit(app) for _ in range(3))]
    succeeded = target_state(app).last_success_at
    seen: list[int] = []

    def taken_over_meanwhile(_target: str) -> None:
        # The first worker stalled past its lease; another claimed the target and has not
        # written yet. The first one's ack must neither delete its entries nor let go.
        hold(app, "thishost:2", minutes_ahead=11)
        seen.append(pending(app))

    stalled = worker(app, owner=OTHER, after_write=taken_over_meanwhile).run_once()
    assert [(r.outcome, r.reason) for r in stalled] == [
        ("waiting", "anspråket gick ut; skrivs igen")
    ]
    assert seen == [3]
    assert pending(app) == 3  # not acknowledged by the worker that lost its claim
    state = target_state(app)
    assert state.claimed_by == "thishost:2"  # the new holder keeps its claim
    assert state.last_success_at == succeeded  # no success recorded for the lost pass

    assert [r.outcome for r in worker(app, owner="thishost:2", now=later(11)).run_once()] == [
        "written"
    ]
    assert pending(app) == 0
    assert sorted(mirrored(app)) == sorted((rid, 1) for rid in ids)  # each row once


def test_a_claim_lost_to_a_worker_that_finished_first_changes_nothing_more(app: Flask) -> None:
    before = settled(app)
    first = submit(app)
    results: list[Any] = []

    def overtaken(_target: str) -> None:
        # Meanwhile a newer revision arrives and another worker mirrors everything.
        submit(app, comment="Ändrad", response_id=first)
        results.extend(worker(app, owner="thishost:2", now=later(11)).run_once())

    stalled = worker(app, owner=OTHER, after_write=overtaken).run_once()
    assert [r.outcome for r in results] == ["written"]
    assert [r.outcome for r in stalled] == ["waiting"]
    assert pending(app) == 0
    assert mirrored(app) == [(before, 1), (first, 2)]  # the newer revision, once
    state = target_state(app)
    assert state.claimed_by is None
    assert state.failures == 0 and state.last_error is None


def test_ack_of_a_lost_claim_deletes_nothing(app: Flask) -> None:
    submit(app)
    submit(app, org="ronneby")
    hold(app, OTHER)
    with runtime_of(app).session() as db:
        entries = outbox.pending(db, "karlskrona")
        assert len(entries) == 1
        assert outbox.ack(db, entries, "thishost:2") is False
        db.commit()
        assert outbox.ack(db, entries, OTHER) is True
        db.commit()
        assert outbox.ack(db, [], "anyone") is True
    assert pending(app) == 1  # ronneby's, untouched


# sync --all


def test_sync_all_rebuilds_a_deleted_mirror_with_every_submitted_response_once(
    app: Flask, sign_in: Any, catalogue: Any
) -> None:
    ids = [submit(app) for _ in range(3)]
    submit(app, comment="Ny", response_id=ids[0])
    other = submit(app, org="ronneby")
    draft = complete_answers(catalogue.latest("detaljplan"))
    sign_in("karlskrona").post_form("/checklista/detaljplan/ny", draft, action="draft")
    assert [r.outcome for r in worker(app).run_once()] == ["written", "written"]
    workbook_path(app).unlink()

    queued = submit(app)  # still waiting in the outbox when --all queues it again
    result = CliRunner().invoke(sync, ["--all"], obj=app)
    assert result.exit_code == 0, result.output
    assert "5 svar köade för synk." in result.output  # submitted only, not the draft
    assert "karlskrona: 4 svar skrivna." in result.output
    assert "ronneby: 1 svar skrivna." in result.output
    assert pending(app) == 0
    expected = [(ids[0], 2), (ids[1], 1), (ids[2], 1), (queued, 1)]
    assert sorted(mirrored(app)) == sorted(expected)
    assert mirrored(app, "ronneby") == [(other, 1)]
    with runtime_of(app).session() as db:
        drafts = db.scalar(select(func.count()).where(Response.status == "draft"))
    assert drafts == 1


def test_sync_all_twice_leaves_one_row_per_response(app: Flask) -> None:
    ids = [submit(app) for _ in range(2)]
    for _ in range(2):
        result = CliRunner().invoke(sync, ["--all"], obj=app)
        assert result.exit_code == 0, result.output
    assert sorted(mirrored(app)) == sorted((rid, 1) for rid in ids)


def test_enqueue_all_for_one_target_queues_only_its_responses(app: Flask) -> None:
    submit(app)
    submit(app, org="ronneby")
    worker(app).run_once()
    with runtime_of(app).session() as db:
        assert outbox.enqueue_all(db, "ronneby") == 1
        assert outbox.pending_counts(db) == {"ronneby": 1}
