"""Backups taken while responses are being submitted restore into a fresh instance whole.

On SQLite by default, on PostgreSQL with TEST_DATABASE_URL (pg_dump and pg_restore of the
machine's PostgreSQL client), as the rest of the suite.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

import service.backup_cli
from service import create_app
from service.backup_cli import backup, restore
from service.models import OutboxEntry, Response, Revision
from service.runtime import runtime_of
from tests.conftest import link_token
from tests.sync.helpers import submit, worker

ORGS = ("karlskrona", "ronneby", "karlshamn")


@pytest.fixture
def empty_url(tmp_path: Path, database_url: str) -> Iterator[str]:
    """An empty database of the same kind as `database_url`, for the restored instance."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored' / 'checklistor.db'}"
        return
    name = f"restored_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url.set(query={}), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def instance(tmp_path: Path, name: str, url: str, **kw: bool) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / name),
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": url,
        },
        **kw,
    )


def count(app: Flask, model: type) -> int:
    with runtime_of(app).session() as db:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)


class Load:
    """Submissions and resubmissions in a thread; remembers each acknowledged revision and
    whether it was acknowledged before the backup began."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.backup_started = threading.Event()
        self.stop = threading.Event()
        self.acked: list[tuple[str, int, bool]] = []
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self.run)

    def run(self) -> None:
        n = 0
        try:
            while not self.stop.is_set() and n < 400:
                again = self.acked[-3][0] if n % 3 == 2 and len(self.acked) >= 3 else None
                response_id = submit(self.app, ORGS[n % 3], response_id=again)
                with runtime_of(self.app).sessionmaker() as db:
                    revision = db.get(Response, response_id).revision  # type: ignore[union-attr]
                self.acked.append((response_id, revision, not self.backup_started.is_set()))
                n += 1
        except BaseException as exc:  # reported by the test
            self.errors.append(exc)


def test_a_backup_during_submissions_restores_into_a_fresh_instance(
    app: Flask, tmp_path: Path, empty_url: str
) -> None:
    mirrored = [submit(app, org) for org in ORGS]
    assert all(r.outcome == "written" for r in worker(app).run_once())
    token = link_token(app, "karlskrona")
    load = Load(app)
    load.thread.start()
    while len(load.acked) < 10 and not load.errors:
        pass
    out = tmp_path / "backup.dump"
    load.backup_started.set()
    made = CliRunner().invoke(backup, ["--out", str(out)], obj=app)
    load.stop.set()
    load.thread.join(timeout=120)
    assert not load.errors, load.errors
    assert made.exit_code == 0, made.output
    assert "SECRET_KEY" in made.output  # the reminder that the key is half of the backup

    target = instance(tmp_path, "restored", empty_url, check_schema=False)
    restored = CliRunner().invoke(restore, [str(out), "--yes"], obj=target)
    assert restored.exit_code == 0, restored.output
    fresh = instance(tmp_path, "restored", empty_url)

    before = [(rid, rev) for rid, rev, early in load.acked if early]
    assert len(before) >= 10
    with runtime_of(fresh).sessionmaker() as db:
        for response_id, revision in before:
            row = db.get(Response, response_id)
            assert row is not None and row.revision >= revision
            numbers = db.scalars(select(Revision.number).where(Revision.response_id == row.id))
            assert sorted(numbers) == list(range(1, row.revision + 1))
        waiting = set(db.scalars(select(OutboxEntry.response_id)))
    # What was mirrored before the backup is not sent again; what waited is sent once.
    assert waiting and not waiting & set(mirrored)
    written = sum(r.responses for r in worker(fresh).run_once())
    assert written == len(waiting)
    assert count(fresh, OutboxEntry) == 0
    # The old link still signs in (same SECRET_KEY).
    assert fresh.test_client().get(f"/in/{token}").status_code == 302


def test_restore_refuses_a_database_that_is_not_empty_and_asks_first(
    app: Flask, tmp_path: Path, empty_url: str
) -> None:
    submit(app)
    out = tmp_path / "backup.dump"
    assert CliRunner().invoke(backup, ["--out", str(out)], obj=app).exit_code == 0

    into_used = CliRunner().invoke(restore, [str(out), "--yes"], obj=app)
    assert into_used.exit_code == 1
    assert "inte tom" in into_used.output

    target = instance(tmp_path, "restored", empty_url, check_schema=False)
    declined = CliRunner().invoke(restore, [str(out)], obj=target, input="n\n")
    assert declined.exit_code != 0
    with service.backup_cli.opened(target) as db:
        assert service.backup_cli.is_empty(db)


@pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")), reason="SQLite file surgery")
def test_restore_refuses_a_backup_of_a_schema_it_does_not_know(
    app: Flask, tmp_path: Path, empty_url: str
) -> None:
    out = tmp_path / "backup.db"
    assert CliRunner().invoke(backup, ["--out", str(out)], obj=app).exit_code == 0
    with sqlite3.connect(out) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    target = instance(tmp_path, "restored", empty_url, check_schema=False)
    refused = CliRunner().invoke(restore, [str(out), "--yes"], obj=target)
    assert refused.exit_code == 1
    assert "9999" in refused.output and "känner till" in refused.output
    with service.backup_cli.opened(target) as db:  # nothing was restored into it
        assert service.backup_cli.is_empty(db)


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="PostgreSQL only")
def test_without_pg_dump_one_line_says_what_to_run(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    out = tmp_path / "backup.dump"
    failed = CliRunner().invoke(backup, ["--out", str(out)], obj=app)
    assert failed.exit_code == 1
    assert "pg_dump --format=custom" in failed.output
    assert not out.exists()


def test_a_backup_into_a_missing_folder_says_so(app: Flask, tmp_path: Path) -> None:
    failed = CliRunner().invoke(backup, ["--out", str(tmp_path / "nowhere" / "b.db")], obj=app)
    assert failed.exit_code == 1
    assert "finns inte" in failed.output


def test_restoring_a_file_that_is_no_backup_says_so(tmp_path: Path, empty_url: str) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("not a backup")
    target = instance(tmp_path, "restored", empty_url, check_schema=False)
    refused = CliRunner().invoke(restore, [str(junk), "--yes"], obj=target)
    assert refused.exit_code == 1
    assert "okänt format" in refused.output
