"""A fresh, empty database for a test or a benchmark, gone afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text


@contextmanager
def fresh_database(base: str | None, folder: Path) -> Iterator[str]:
    """SQLite in `folder`, or with `base` (a PostgreSQL URL) a schema of its own in that
    database, dropped afterwards: what ran before leaves nothing behind."""
    if not base:
        yield f"sqlite:///{folder / 'test.db'}"
        return
    schema = f"t_{uuid.uuid4().hex[:16]}"
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield base + ("&" if "?" in base else "?") + f"options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
