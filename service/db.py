"""The database connection: one engine per app, one session per request."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from service import config, schema
from service.settings import Settings, StartupError


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers and one writer work at once across gunicorn workers; the busy
    # timeout makes a second writer wait instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    # hide_parameters: an error's message (and so the log) never carries the answers.
    # Pre-ping guards against a server that dropped the connection; a file cannot.
    pre_ping = make_url(url).get_backend_name() != "sqlite"
    engine = create_engine(url, pool_pre_ping=pre_ping, hide_parameters=True)
    if engine.dialect.name == "sqlite":
        _private_sqlite(engine.url.database)
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def sqlite_file(database: str | None) -> Path | None:
    """The file of a SQLite URL's database; None in memory or for a `file:` URI."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _private_sqlite(database: str | None) -> None:
    """The database file 0600 before SQLite first opens it; its -wal and -shm files
    are then created with the same mode by SQLite itself."""
    path = sqlite_file(database)
    if path is None:
        return
    if not path.parent.is_dir():
        return  # the connection reports the missing folder in its own words
    try:
        # Only ever a new file: closing a descriptor of the database drops every SQLite
        # lock this process holds on it, and another process closing its connection would
        # then take itself for the last, check the WAL in and delete it under our feet.
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    except OSError:
        return  # read-only or foreign folder: SQLite says what is wrong when it connects
    try:
        for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            config.private(name, 0o600)
    except OSError:
        pass  # read-only or foreign file: SQLite says what is wrong when it connects


def get_db() -> Session:
    """The request's database session, opened on first use."""
    if "db" not in g:
        from service.runtime import runtime_of  # the runtime is built on this module

        g.db = runtime_of(current_app).session()
    session: Session = g.db
    return session


def new_session(app: Flask) -> Session:
    """A session of its own, outside any request (background work, streamed downloads)."""
    from service.runtime import runtime_of

    return runtime_of(app).session()


def close_db(_exc: BaseException | None = None) -> None:
    session: Session | None = g.pop("db", None)
    if session is not None:
        session.close()  # rolls back anything not committed


def connect(settings: Settings, *, check_schema: bool = True) -> Engine:
    """The engine for the settings' database, its schema checked (or upgraded) first."""
    url = settings.database
    try:
        engine = make_engine(url)
    except (SQLAlchemyError, ValueError) as exc:
        raise StartupError(f"DATABASE_URL kan inte användas: {exc}") from None
    try:
        if check_schema:
            schema.ensure_current(engine, may_upgrade=settings.may_auto_upgrade)
    except SQLAlchemyError as exc:
        engine.dispose()
        reason = str(exc.orig if hasattr(exc, "orig") and exc.orig else exc).splitlines()[0]
        raise StartupError(f"Databasen {engine_label(url)} kan inte användas: {reason}") from None
    except StartupError:
        engine.dispose()
        raise
    # Forked workers must not share the connections opened above.
    engine.dispose()
    return engine


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)


def engine_label(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(ogiltig DATABASE_URL)"


def ping() -> bool:
    try:
        get_db().execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        return False
