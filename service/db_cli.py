"""`checklistor db`: the database schema (Alembic migrations)."""

from __future__ import annotations

import click

from service import create_app, schema
from service.db import engine_label


@click.group("db")
def db_group() -> None:
    """Databasens schema."""


@db_group.command("upgrade")
def upgrade() -> None:
    """Uppgradera databasens schema till den senaste versionen."""
    app = create_app(check_schema=False)
    engine = app.extensions["checklistor.engine"]
    before, after = schema.upgrade(engine)
    engine.dispose()
    label = engine_label(app.config["DATABASE_URL"])
    if before == after:
        click.echo(f"{label}: schemat är redan aktuellt ({after}).")
    else:
        click.echo(f"{label}: schemat uppgraderat från {before or 'tomt'} till {after}.")


@db_group.command("status")
def status() -> None:
    """Visa databasens schemaversion och den som tjänsten kräver."""
    app = create_app(check_schema=False)
    engine = app.extensions["checklistor.engine"]
    current = schema.current_revision(engine)
    engine.dispose()
    head = schema.head_revision()
    state = "aktuellt" if current == head else "behöver uppgraderas: kör checklistor db upgrade"
    click.echo(f"Databasens schema: {current or 'tomt'}; tjänsten kräver: {head} ({state}).")
