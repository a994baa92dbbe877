"""`checklistor db`: the database schema (Alembic migrations)."""

from __future__ import annotations

import click

from service import schema
from service.cli_app import command_app
from service.db import engine_label
from service.runtime import runtime_of


@click.group("db")
def db_group() -> None:
    """Databasens schema."""


@db_group.command("upgrade")
def upgrade() -> None:
    """Uppgradera databasens schema till den senaste versionen."""
    runtime = runtime_of(command_app(check_schema=False))
    engine = runtime.engine
    before, after = schema.upgrade(engine)
    engine.dispose()
    label = engine_label(runtime.settings.database)
    if before == after:
        click.echo(f"{label}: schemat är redan aktuellt ({after}).")
    else:
        click.echo(f"{label}: schemat uppgraderat från {before or 'tomt'} till {after}.")


@db_group.command("status")
def status() -> None:
    """Visa databasens schemaversion och den som tjänsten kräver."""
    engine = runtime_of(command_app(check_schema=False)).engine
    current = schema.current_revision(engine)
    engine.dispose()
    head = schema.head_revision()
    state = "aktuellt" if current == head else "behöver uppgraderas: kör checklistor db upgrade"
    click.echo(f"Databasens schema: {current or 'tomt'}; tjänsten kräver: {head} ({state}).")
