"""Waking the sync worker as soon as a transaction has queued outbox entries.

The worker still polls (every `--interval` seconds) as the fallback; a wake-up only
makes it start its next pass at once instead of at the end of its wait.

- PostgreSQL: the enqueuing transaction sends `pg_notify` just before it commits, so the
  notification is delivered exactly when the entries become visible; a worker LISTENs on
  a connection of its own.
- SQLite: after the commit the process sends one datagram to a Unix socket in Linux's
  abstract namespace, named after the database file, which the worker beside `serve`
  (same machine, same file) has bound. Nobody bound: the datagram is dropped, nothing else
  happens.

Several workers: only one listens at a time (on PostgreSQL the one holding an advisory
lock, on SQLite the one that bound the socket), so a submission wakes one worker, which
claims the target; the others keep polling and take over the listening when it stops.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import select
import socket
import time
from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from service.db import sqlite_file

log = logging.getLogger(__name__)

QUEUED = "checklistor.outbox_queued"  # Session.info: this transaction queued entries
# Per schema, so services sharing one PostgreSQL database (or tests) do not wake each other.
CHANNEL_SQL = "'checklistor_sync_' || left(md5(current_schema()), 16)"
LOCK_SQL = "hashtext('checklistor-sync-listener:' || current_schema())"
SLICE = 0.5  # seconds: how often a waiting worker looks at should_stop


def expect(db: Session) -> None:
    """The session's transaction has queued outbox entries: wake a worker when it commits."""
    db.info[QUEUED] = True


@event.listens_for(Session, "before_commit")
def _notify_in_transaction(db: Session) -> None:
    if db.info.get(QUEUED) and db.get_bind().dialect.name == "postgresql":
        db.execute(text(f"SELECT pg_notify({CHANNEL_SQL}, '')"))


@event.listens_for(Session, "after_commit")
def _wake_after_commit(db: Session) -> None:
    if db.info.pop(QUEUED, False):
        bind = db.get_bind()
        if bind.dialect.name == "sqlite":
            send(address(bind.engine.url.database))


@event.listens_for(Session, "after_soft_rollback")
def _forget(db: Session, _previous: object) -> None:
    db.info.pop(QUEUED, None)


@functools.lru_cache(maxsize=16)  # asked on every submitting commit: resolve the path once
def address(database: str | None) -> bytes | None:
    """The abstract socket name for a SQLite file (None for an in-memory database)."""
    path = sqlite_file(database)
    if path is None:
        return None
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:32]
    return b"\0checklistor-sync-" + digest.encode()


def send(name: bytes | None) -> None:
    """One datagram to `name`; no listener or a full queue is not an error."""
    if name is None:
        return
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.setblocking(False)
            sock.sendto(b"1", name)
    except OSError:
        pass  # nobody listening (the worker polls) or already a wake-up waiting


class Listener(Protocol):
    @property
    def listening(self) -> bool: ...

    def wait(self, seconds: float, should_stop: Callable[[], bool]) -> bool: ...

    def close(self) -> None: ...


def listener(engine: Engine) -> Listener:
    """The wake-up a worker on `engine`'s database can wait on."""
    if engine.dialect.name == "postgresql":
        return PostgresListener(engine)
    if engine.dialect.name == "sqlite":
        return SocketListener(address(engine.url.database))
    return Sleeper()


class Sleeper:
    """No wake-up for this database: just wait."""

    listening = False

    def wait(self, seconds: float, should_stop: Callable[[], bool]) -> bool:
        deadline = time.monotonic() + seconds
        while not should_stop() and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(SLICE, left))
        return False

    def close(self) -> None:
        pass


class SocketListener:
    """Binds the database's abstract socket if no other worker has; then waits on it."""

    def __init__(self, name: bytes | None) -> None:
        self.name = name
        self.sock: socket.socket | None = None
        self._bind()

    @property
    def listening(self) -> bool:
        return self.sock is not None

    def _bind(self) -> None:
        if self.sock is not None or self.name is None:
            return
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            sock.bind(self.name)
        except OSError:  # another worker listens (or no abstract sockets here): poll
            sock.close()
            return
        sock.setblocking(False)
        self.sock = sock

    def wait(self, seconds: float, should_stop: Callable[[], bool]) -> bool:
        """Until a wake-up (True), `seconds` passed or should_stop() (False)."""
        self._bind()
        deadline = time.monotonic() + seconds
        while not should_stop() and (left := deadline - time.monotonic()) > 0:
            if self.sock is None:
                time.sleep(min(SLICE, left))
                continue
            ready, _, _ = select.select([self.sock], [], [], min(SLICE, left))
            if ready:
                self._drain()
                return True
        return False

    def _drain(self) -> None:
        assert self.sock is not None
        try:
            while self.sock.recv(16):
                pass
        except OSError:
            pass  # nothing more waiting

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


class PostgresListener:
    """LISTENs on a connection of its own while it holds the listener's advisory lock."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.conn: Any = None  # psycopg.Connection, outside the pool
        self.channel = ""
        self._connect()

    @property
    def listening(self) -> bool:
        return self.conn is not None

    def _connect(self) -> None:
        if self.conn is not None:
            return
        raw = None
        try:
            raw = self.engine.raw_connection()
            conn: Any = raw.driver_connection
            raw.detach()  # a long-lived connection of its own, never back to the pool
            conn.rollback()  # the pool's ping may have begun a transaction
            conn.autocommit = True
            locked = conn.execute(f"SELECT pg_try_advisory_lock({LOCK_SQL})").fetchone()
            if not locked or not locked[0]:
                raw.close()  # another worker listens: poll
                return
            channel = conn.execute(f"SELECT {CHANNEL_SQL}").fetchone()[0]
            conn.execute(f'LISTEN "{channel}"')
        except Exception:
            log.warning("the sync wake-up cannot listen; polling only", exc_info=True)
            if raw is not None:
                _close_quietly(raw)
            return
        self.conn, self.channel = conn, channel

    def wait(self, seconds: float, should_stop: Callable[[], bool]) -> bool:
        """Until a notification (True), `seconds` passed or should_stop() (False)."""
        self._connect()
        deadline = time.monotonic() + seconds
        while not should_stop() and (left := deadline - time.monotonic()) > 0:
            if self.conn is None:
                time.sleep(min(SLICE, left))
                continue
            try:
                if any(True for _ in self.conn.notifies(timeout=min(SLICE, left), stop_after=1)):
                    for _ in self.conn.notifies(timeout=0):  # those sent meanwhile
                        pass
                    return True
            except Exception:
                log.warning("the sync wake-up lost its connection; polling", exc_info=True)
                self.close()
        return False

    def close(self) -> None:
        if self.conn is not None:
            _close_quietly(self.conn)
            self.conn = None


def _close_quietly(conn: Any) -> None:
    with contextlib.suppress(Exception):
        conn.close()
