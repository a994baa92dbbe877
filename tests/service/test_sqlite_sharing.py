"""Several engines and processes on one SQLite file all see one database.

SQLite's locks on the file are POSIX record locks, which belong to the process: closing
*any* descriptor of the file drops all of them, also those of connections still open. A
process that then looks like the last user of the database to another process lets that
one check the WAL in and delete it and the shared-memory file, and from there on the first
process writes into a WAL nobody else reads: its commits are lost and it never sees theirs.
(The sync worker, which makes the web app for reminder mails beside its own engine, did
exactly this and stopped mirroring.)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from service.db import make_engine


def rows_seen_by_another_process(database: Path) -> int:
    count = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sqlite3; print(sqlite3.connect({str(database)!r})"
            ".execute('SELECT count(*) FROM t').fetchone()[0])",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(count)


def test_a_second_engine_in_a_process_keeps_its_open_connections_in_the_database(
    tmp_path: Path,
) -> None:
    database = tmp_path / "checklistor.db"
    url = f"sqlite:///{database}"
    first = make_engine(url)
    with first.begin() as connection:
        connection.execute(text("CREATE TABLE t (n INTEGER)"))
    held = first.connect()  # an open connection, as a worker's pool keeps one
    held.execute(text("SELECT count(*) FROM t")).scalar_one()
    wal = (database.parent / "checklistor.db-wal").stat().st_ino

    second = make_engine(url)  # a second engine in the same process (the sync's web app)
    # Another process opens and closes the database: it must not find itself the last.
    assert rows_seen_by_another_process(database) == 0

    held.execute(text("INSERT INTO t VALUES (1)"))
    held.commit()
    assert rows_seen_by_another_process(database) == 1  # the commit is in the database
    assert (database.parent / "checklistor.db-wal").stat().st_ino == wal  # the same WAL
    held.close()
    second.dispose()
    first.dispose()
