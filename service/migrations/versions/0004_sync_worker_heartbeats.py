"""A heartbeat per sync worker, so health checks can tell a stopped sync.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_workers",
        sa.Column("worker", sa.String(length=128), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("last_pass_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("worker"),
    )
    op.create_index("ix_sync_workers_last_pass_at", "sync_workers", ["last_pass_at"])


def downgrade() -> None:
    op.drop_table("sync_workers")
