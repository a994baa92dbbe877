"""Writers of one SQLite file wait in line on the writers' lock; readers never do."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import stat
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from service import sqlite_writers
from service.db import make_engine


def connect(database: Path, timeout: float = 10.0) -> sqlite3.Connection:
    connection = sqlite3.connect(
        database,
        timeout=timeout,
        factory=sqlite_writers.for_database(str(database)),
        check_same_thread=False,  # each connection is used by one thread at a time
    )
    connection.execute("PRAGMA journal_mode=WAL")
    return connection


@pytest.fixture()
def database(tmp_path: Path) -> Path:
    path = tmp_path / "checklistor.db"
    with connect(path) as first:
        first.execute("CREATE TABLE rows (n INTEGER)")
    return path


def in_thread(work: object) -> threading.Thread:
    thread = threading.Thread(target=work)  # type: ignore[arg-type]
    thread.start()
    return thread


def test_a_second_writer_waits_until_the_first_commits_and_then_writes(database: Path) -> None:
    # No busy timeout: without the line, SQLite would refuse the second writer at once.
    first, second = connect(database), connect(database, timeout=0)
    first.execute("INSERT INTO rows VALUES (1)")  # holds the lock until its commit
    events: list[str] = []

    def write() -> None:
        second.execute("INSERT INTO rows VALUES (2)")
        events.append("second wrote")
        second.commit()

    thread = in_thread(write)
    time.sleep(0.3)
    assert events == []  # still in line, not failed
    events.append("first commits")
    first.commit()
    thread.join(5)
    assert events == ["first commits", "second wrote"]
    assert sorted(n for (n,) in first.execute("SELECT n FROM rows")) == [1, 2]


def test_a_reader_does_not_wait_for_a_writer(database: Path) -> None:
    writer, reader = connect(database), connect(database)
    writer.execute("INSERT INTO rows VALUES (1)")
    done: list[int] = []
    thread = in_thread(lambda: done.append(len(reader.execute("SELECT n FROM rows").fetchall())))
    thread.join(2)
    assert done == [0]  # read at once, without the uncommitted row
    writer.rollback()


def test_the_lock_is_held_from_the_first_write_to_the_commit(database: Path) -> None:
    writer = connect(database)
    other = os.open(sqlite_writers.lock_file(str(database)), os.O_RDWR)
    try:
        writer.execute("SELECT n FROM rows").fetchall()
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a read takes nothing
        fcntl.flock(other, fcntl.LOCK_UN)
        writer.execute("INSERT INTO rows VALUES (1)")
        with pytest.raises(BlockingIOError):
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        writer.commit()
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(other)


@pytest.mark.parametrize("end", ["rollback", "close"])
def test_ending_a_transaction_any_way_lets_the_next_writer_in(database: Path, end: str) -> None:
    first, second = connect(database), connect(database, timeout=0)
    first.execute("INSERT INTO rows VALUES (1)")
    getattr(first, end)()
    second.execute("INSERT INTO rows VALUES (2)")
    second.commit()
    assert [n for (n,) in second.execute("SELECT n FROM rows")] == [2]


def test_a_stuck_writer_ends_in_sqlites_busy_error_not_a_hang(
    database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_writers, "WAIT", 0.2)
    stuck, second = connect(database), connect(database, timeout=0.2)
    stuck.execute("INSERT INTO rows VALUES (1)")
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        second.execute("INSERT INTO rows VALUES (2)")
    assert time.monotonic() - started < 3
    stuck.rollback()


def test_a_writer_that_left_the_line_does_not_wait_again_in_the_same_transaction(
    database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_writers, "WAIT", 0.3)
    other = os.open(sqlite_writers.lock_file(str(database)), os.O_RDWR)
    writer = connect(database)
    try:
        fcntl.flock(other, fcntl.LOCK_EX)  # a writer that never lets go of the line
        started = time.monotonic()
        writer.execute("INSERT INTO rows VALUES (1)")  # waits WAIT, then SQLite decides
        writer.execute("INSERT INTO rows VALUES (2)")
        writer.execute("INSERT INTO rows VALUES (3)")
        assert 0.3 <= time.monotonic() - started < 0.85  # one wait, not three (0.9)
        writer.commit()
        fcntl.flock(other, fcntl.LOCK_UN)
        started = time.monotonic()
        writer.execute("INSERT INTO rows VALUES (4)")  # the next transaction: in line again
        assert time.monotonic() - started < 0.25
        with pytest.raises(BlockingIOError):
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        writer.commit()
    finally:
        os.close(other)
        writer.close()


def test_the_service_engine_queues_its_writers_and_keeps_the_lock_file_private(
    tmp_path: Path,
) -> None:
    database = tmp_path / "service.db"
    engine = make_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (n INTEGER)"))
        raw = connection.connection.dbapi_connection
        assert isinstance(raw, sqlite_writers.QueuedWriterConnection)
    lock = sqlite_writers.lock_file(str(database))
    assert stat.S_IMODE(lock.stat().st_mode) == 0o600
    engine.dispose()
