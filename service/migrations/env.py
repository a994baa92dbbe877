"""Alembic environment: runs on the engine handed over by service.schema."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from service.models import Base  # the package registers every table

engine = context.config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite rebuilds tables to alter
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Several instances started at once: one migrates, the others wait and find it done.
            connection.execute(text("SELECT pg_advisory_xact_lock(4242001)"))
        context.run_migrations()
