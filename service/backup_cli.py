"""`checklistor backup` and `checklistor restore`: a consistent copy while the service runs.

SQLite (the embedded default) is copied with SQLite's online backup API into one file
that is itself a SQLite database. PostgreSQL is dumped with `pg_dump --format=custom`
(when the client is installed here; otherwise one line says what to run) and restored
with `pg_restore`. A restore goes only into an empty database, after a confirmation, and
only when this version of the service knows the backup's schema.

A complete backup is this file plus SECRET_KEY (or instance/secret_key): every sign-in
link is derived from the key.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, Engine, make_url

from service import db as databases
from service import schema
from service.cli_app import command_app
from service.runtime import settings_of

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
_SEARCH_PATH = re.compile(r"search_path\s*=\s*([^\s,]+)")
_COPY = re.compile(r"^COPY \S*alembic_version \(version_num\) FROM stdin;$", re.M)


class BackupError(click.ClickException):
    """One line for the operator; exit code 1."""


@dataclass(frozen=True)
class Database:
    url: URL
    engine: Engine

    @property
    def label(self) -> str:
        return databases.engine_label(self.url.render_as_string(hide_password=False))

    @property
    def sqlite_path(self) -> Path:
        return Path(self.url.database or "")

    def libpq(self) -> tuple[str, dict[str, str]]:
        """A libpq address without the password, and the environment that carries it."""
        env = dict(os.environ)
        if self.url.password:
            env["PGPASSWORD"] = str(self.url.password)
        plain = self.url.set(drivername="postgresql", password=None)
        return plain.render_as_string(hide_password=False), env

    def pg_schema(self) -> str | None:
        """The schema named by `options=-csearch_path=…` in the URL, if any."""
        found = _SEARCH_PATH.search(str(self.url.query.get("options", "")))
        return found.group(1) if found else None


@contextmanager
def opened(app: Flask) -> Iterator[Database]:
    """The app's database, with an engine of its own that is closed afterwards."""
    url = settings_of(app).database
    engine = databases.make_engine(url)
    try:
        yield Database(make_url(url), engine)
    finally:
        engine.dispose()


def _tool(name: str, command: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} finns inte på den här datorn (paketet postgresql-client i samma "
            f"huvudversion som servern). Kör där det finns: {command}"
        )
    return found


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or [f"slutkod {done.returncode}"])[-1]
        raise BackupError(f"{Path(args[0]).name} misslyckades: {reason}")
    return done.stdout


def backup_sqlite(db: Database, out: Path) -> None:
    """SQLite's online backup: one consistent snapshot, whatever is being written."""
    source = sqlite3.connect(f"file:{db.sqlite_path}?mode=ro", uri=True)
    target = sqlite3.connect(out)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        target.close()
        source.close()


def backup_postgresql(db: Database, out: Path) -> None:
    address, env = db.libpq()
    only = db.pg_schema()
    suggestion = f"pg_dump --format=custom --file={out} '{address}'"
    args = [_tool("pg_dump", suggestion), "--format=custom", f"--file={out}", "--no-owner"]
    _run([*args, *([f"--schema={only}"] if only else []), f"--dbname={address}"], env)


def backup_revision(path: Path) -> str | None:
    """The schema revision recorded in a backup file (either format)."""
    with path.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(SQLITE_MAGIC):
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            try:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            except sqlite3.DatabaseError:
                return None
        return str(row[0]) if row else None
    if head.startswith(PG_MAGIC):
        restore = _tool("pg_restore", f"pg_restore --list {path}")
        listing = _run(
            [restore, "--data-only", "--table=alembic_version", "--file=-", str(path)],
            dict(os.environ),
        )
        found = _COPY.search(listing)
        if not found:
            return None
        return listing[found.end() :].lstrip("\n").split("\n", 1)[0].strip() or None
    raise BackupError(f"{path} är ingen säkerhetskopia från checklistor (okänt format).")


def is_empty(db: Database) -> bool:
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            count = conn.execute(
                text(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema "
                    "NOT IN ('pg_catalog', 'information_schema')"
                )
            ).scalar_one()
        return int(count) == 0
    return not inspect(db.engine).get_table_names()


def restore_into(db: Database, path: Path) -> None:
    with path.open("rb") as handle:
        head = handle.read(16)
    dialect = db.engine.dialect.name
    if head.startswith(SQLITE_MAGIC) and dialect == "sqlite":
        db.engine.dispose()
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(db.sqlite_path)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    elif head.startswith(PG_MAGIC) and dialect == "postgresql":
        address, env = db.libpq()
        command = f"pg_restore --no-owner --single-transaction --dbname='{address}' {path}"
        restore = _tool("pg_restore", command)
        options = ["--no-owner", "--single-transaction", "--exit-on-error"]
        _run([restore, *options, f"--dbname={address}", str(path)], env)
    else:
        kind = "SQLite" if head.startswith(SQLITE_MAGIC) else "PostgreSQL"
        raise BackupError(
            f"{path} är en säkerhetskopia av en {kind}-databas; {db.label} är {dialect}. "
            "Återställ till samma slags databas."
        )


@click.command("backup")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def backup(out: Path) -> None:
    """Gör en säkerhetskopia av databasen medan tjänsten kör."""
    with opened(command_app(check_schema=False)) as db:
        _backup(db, out)
    click.echo(
        "Spara också SECRET_KEY (eller instance/secret_key) på ett säkert ställe: "
        "utan den fungerar inga inloggningslänkar efter en återställning.",
        err=True,
    )


def _backup(db: Database, out: Path) -> None:
    if not out.parent.is_dir():
        raise BackupError(f"Mappen {out.parent} finns inte; skapa den först.")
    partial = out.with_name(f".{out.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        if db.engine.dialect.name == "sqlite":
            try:
                backup_sqlite(db, partial)
            except sqlite3.Error as exc:
                raise BackupError(f"{db.label} kunde inte kopieras: {exc}") from None
        elif db.engine.dialect.name == "postgresql":
            backup_postgresql(db, partial)
        else:
            raise BackupError(f"{db.label}: säkerhetskopior stöds för SQLite och PostgreSQL.")
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    revision = backup_revision(out)
    size = out.stat().st_size / 1e6
    click.echo(f"Säkerhetskopia av {db.label} (schema {revision}) i {out}, {size:.1f} MB.")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Fråga inte om bekräftelse.")
def restore(file: Path, yes: bool) -> None:
    """Återställ en säkerhetskopia till en tom databas."""
    with opened(command_app(check_schema=False)) as db:
        revision = _restore(db, file, yes)
    click.echo(f"Återställt {file} (schema {revision}).")
    if revision != schema.head_revision():
        click.echo("Schemat är äldre än tjänsten kräver: kör checklistor db upgrade.", err=True)


def _restore(db: Database, file: Path, yes: bool) -> str:
    revision = backup_revision(file)
    known = schema.known_revisions()
    if revision is None or revision not in known:
        raise BackupError(
            f"{file} har schemat {revision or 'inget'}, som den här versionen av tjänsten "
            f"inte känner till (den kräver {schema.head_revision()}). Återställ med samma "
            "eller en nyare version av tjänsten."
        )
    if not is_empty(db):
        raise BackupError(
            f"{db.label} är inte tom. Återställ bara till en tom databas; ingenting ändrades."
        )
    if not yes:
        click.confirm(f"Återställa {file} (schema {revision}) till {db.label}?", abort=True)
    try:
        restore_into(db, file)
    except sqlite3.Error as exc:
        raise BackupError(f"{file} kunde inte återställas till {db.label}: {exc}") from None
    return revision
