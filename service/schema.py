"""Schema migrations (Alembic): checking the database at start-up and upgrading it.

A fresh, empty database is created at the newest schema on first start, whatever the
backend. An existing database with an older schema is upgraded automatically only for
the embedded default (the SQLite file in the instance folder, where this process is the
only user); any other database must be upgraded on purpose with `checklistor db upgrade`,
so that several instances never race to change a shared schema.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from service.errors import StartupError

MIGRATIONS = Path(__file__).parent / "migrations"


def _config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str | None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> tuple[str | None, str | None]:
    """Bring the schema to the newest revision; returns (before, after)."""
    before = current_revision(engine)
    command.upgrade(_config(engine), "head")
    return before, current_revision(engine)


def ensure_current(engine: Engine, *, may_upgrade: bool) -> None:
    """At start-up: create or upgrade as allowed, or stop with the command to run."""
    head = head_revision()
    current = current_revision(engine)
    if current == head:
        return
    fresh = current is None and not inspect(engine).get_table_names()
    if fresh or may_upgrade:
        upgrade(engine)
        return
    if current is not None and current not in known_revisions():
        raise StartupError(
            f"Databasens schema ({current}) är nyare än eller okänt för den här versionen av "
            "tjänsten. Uppdatera tjänsten."
        )
    raise StartupError(
        f"Databasens schema är äldre ({current or 'inget'}) än tjänsten kräver ({head}). "
        "Kör: checklistor db upgrade"
    )


def known_revisions() -> set[str]:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return {rev.revision for rev in ScriptDirectory.from_config(config).walk_revisions()}
