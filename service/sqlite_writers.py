"""Writers of one SQLite file wait in line on an OS file lock instead of SQLite's busy loop.

SQLite lets one transaction write at a time. A second writer that finds the file locked
sleeps in its busy handler (1, 2, 5, 10, 15, 20, 25, … ms) and tries again, so under load
a submission idles for milliseconds after the writer before it has long committed, and now
and then for 50 ms or more. Here a connection takes an exclusive `flock` on a lock file
beside the database before its first statement that may write, and lets go when its
transaction ends; a waiting writer looks again every half millisecond, so it starts at
most that long after the lock is free. After WAIT seconds it goes on without the file
lock for the rest of its transaction, and SQLite's busy timeout decides as before (a stuck
writer still ends in the service's "try again" answer, not in a hung request).

An flock, not a POSIX record lock like SQLite's own: those belong to the process and fall
with any descriptor of the file that is closed, while an flock belongs to its descriptor.

SQLite's own locking still decides what is safe; the file lock only orders the writers of
this service. A process without it (the sqlite3 shell, a backup) is waited for by SQLite's
busy timeout, as before. A dead process's lock is released by the kernel with its files.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from pathlib import Path
from typing import Any, Self

WAIT = 5.0  # seconds a writer waits in line before leaving it to SQLite's busy timeout
LOOK_AGAIN = 0.0005


def lock_file(database: str) -> Path:
    return Path(f"{database}-writers.lock")


class QueuedWriterConnection(sqlite3.Connection):
    """A sqlite3 connection that holds the writers' lock from its first write to the end
    of the transaction. Pass as `factory`, with `lock_path` set by `for_database`."""

    lock_path = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lock_fd: int | None = None
        self._held = False
        self._left_line = False  # gave up waiting in this transaction: do not wait again

    def cursor(self, factory: Any = None) -> sqlite3.Cursor:  # type: ignore[override]
        return super().cursor(factory or QueuedWriterCursor)

    # sqlite3's shortcuts make their cursor without calling cursor(): through ours instead.
    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:
        return self.cursor().executemany(sql, parameters)

    def acquire(self) -> None:
        if self._held or self._left_line:
            return
        if self._lock_fd is None:
            self._lock_fd = os.open(self.lock_path, os.O_CREAT | os.O_RDWR, 0o600)
        deadline = time.monotonic() + WAIT
        while True:
            try:
                fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() > deadline:
                    self._left_line = True  # SQLite's busy timeout takes over
                    return
                time.sleep(LOOK_AGAIN)
            else:
                self._held = True
                return

    def release(self) -> None:
        if self._held and self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
        self._held = self._left_line = False

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.release()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.release()

    def __exit__(self, *exc: Any) -> Any:
        try:
            return super().__exit__(*exc)  # commits or rolls back without calling ours
        finally:
            self.release()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.release()
            if self._lock_fd is not None:
                os.close(self._lock_fd)
                self._lock_fd = None


def _may_write(statement: str) -> bool:
    """Anything but a SELECT or a PRAGMA may write: INSERT, UPDATE, DELETE, a WITH … INSERT,
    DDL. (A PRAGMA runs on its own, outside a transaction, and is over at once.)"""
    return statement.lstrip()[:6].upper() not in ("SELECT", "PRAGMA")


class QueuedWriterCursor(sqlite3.Cursor):
    connection: QueuedWriterConnection

    def execute(self, sql: str, parameters: Any = (), /) -> Self:
        if _may_write(sql):
            self.connection.acquire()
        try:
            return super().execute(sql, parameters)
        finally:
            self._after()

    def executemany(self, sql: str, parameters: Any, /) -> Self:
        if _may_write(sql):
            self.connection.acquire()
        try:
            return super().executemany(sql, parameters)
        finally:
            self._after()

    def _after(self) -> None:
        # A statement outside a transaction (DDL, autocommit) is over when it returns.
        if not self.connection.in_transaction:
            self.connection.release()


def for_database(database: str) -> type[QueuedWriterConnection]:
    """The connection class for one database file."""
    return type(
        "QueuedWriterConnection", (QueuedWriterConnection,), {"lock_path": str(lock_file(database))}
    )
