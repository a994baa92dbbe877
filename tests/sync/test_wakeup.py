"""A submission wakes a waiting sync worker at once instead of at its next poll.

Runs on SQLite (an abstract Unix socket) and, with TEST_DATABASE_URL, on PostgreSQL
(LISTEN/NOTIFY). The poll interval is 60 s: a row that arrives within the test's
deadline of 30 s can only have come from the wake-up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from service.db import new_session
from service.runtime import runtime_of
from service.sync import wakeup
from service.sync.worker import Worker
from tests.sync.helpers import by_key, sheet_rows, submit, workbook_path

POLL = 60.0
DEADLINE = 30.0


def listener_of(app: Flask) -> wakeup.Listener:
    with new_session(app) as db:
        return wakeup.listener(db.get_bind().engine)


@pytest.fixture
def listeners(app: Flask) -> Iterator[list[wakeup.Listener]]:
    made: list[wakeup.Listener] = []
    yield made
    for listener in made:
        listener.close()


def start_watching(
    app: Flask, listener: wakeup.Listener
) -> tuple[threading.Event, threading.Event, Callable[[], None]]:
    """A worker watching in a thread: (waiting, written, stop)."""
    waiting, written, stopping = threading.Event(), threading.Event(), threading.Event()

    def wait(seconds: float, should_stop: Callable[[], bool]) -> bool:
        waiting.set()
        return listener.wait(seconds, should_stop)

    worker = Worker(runtime_of(app), after_write=lambda _target: written.set())
    thread = threading.Thread(
        target=worker.watch, args=(POLL, stopping.is_set), kwargs={"wait": wait}, daemon=True
    )
    thread.start()

    def stop() -> None:
        stopping.set()
        thread.join(timeout=10)

    return waiting, written, stop


def test_a_submission_wakes_the_waiting_worker_long_before_its_poll(
    app: Flask, listeners: list[wakeup.Listener]
) -> None:
    listener = listener_of(app)
    listeners.append(listener)
    assert listener.listening
    waiting, written, stop = start_watching(app, listener)
    try:
        assert waiting.wait(DEADLINE)  # first pass done (nothing to do), now waiting 60 s
        assert not written.is_set()
        response_id = submit(app, comment="Väckt direkt")
        assert written.wait(DEADLINE), "the worker slept through the submission"
    finally:
        stop()
    rows = by_key(sheet_rows(workbook_path(app)))
    assert [row["response_id"] for row in rows] == [response_id]


def test_one_worker_listens_the_others_poll_and_take_over(
    app: Flask, listeners: list[wakeup.Listener]
) -> None:
    first, second = listener_of(app), listener_of(app)
    listeners.extend([first, second])
    assert first.listening and not second.listening
    submit(app)
    assert first.wait(DEADLINE, lambda: False)  # woken, not timed out
    first.close()
    # Its next wait tries again (PostgreSQL frees the lock as the closed session ends).
    for _ in range(int(DEADLINE / 0.05)):
        if second.listening:
            break
        second.wait(0.05, lambda: False)
    assert second.listening
    submit(app)
    assert second.wait(DEADLINE, lambda: False)


def test_a_rolled_back_enqueue_wakes_nobody(app: Flask, listeners: list[wakeup.Listener]) -> None:
    listener = listener_of(app)
    listeners.append(listener)
    submit(app)
    submit(app, org="ronneby")
    assert listener.wait(DEADLINE, lambda: False)
    while listener.wait(0.3, lambda: False):
        pass  # at most one wake-up per commit
    with new_session(app) as db:
        db.connection()  # a transaction, which queues and is rolled back
        wakeup.expect(db)
        db.rollback()
        db.commit()  # nothing queued in this transaction: no wake-up
    assert not listener.wait(0.3, lambda: False)
