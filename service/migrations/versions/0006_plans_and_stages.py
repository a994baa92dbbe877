"""Plans: every response becomes a stage of a plan with a reference number.

Existing responses each become a plan with one stage, numbered per organisation, checklist
prefix and year of the response's creation in the order they were created.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As in service/plans.py at the time of writing; a migration keeps its own copy.
PREFIXES = {"detaljplan": "DP", "oversiktsplan": "OP", "trafikforsorjningsprogram": "TFP"}


def _prefix(form_id: str) -> str:
    return PREFIXES.get(form_id) or "".join(c for c in form_id.upper() if c.isalnum())[:3] or "PL"


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org", sa.String(length=64), nullable=False),
        sa.Column("form_id", sa.String(length=64), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("diarienummer", sa.String(length=300), nullable=False),
        sa.Column("search_text", sa.String(length=700), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("org", "reference"),
    )
    op.create_index("ix_plans_org_updated_at", "plans", ["org", "updated_at"])
    op.create_table(
        "plan_numbers",
        sa.Column("org", sa.String(length=64), nullable=False),
        sa.Column("series", sa.String(length=24), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("org", "series"),
    )
    with op.batch_alter_table("responses") as batch:
        batch.add_column(sa.Column("plan_id", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("updated_by", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("carried_over", sa.JSON(), nullable=True))
        batch.create_index("ix_responses_plan_id", ["plan_id"])
        batch.create_foreign_key("fk_responses_plan_id_plans", "plans", ["plan_id"], ["id"])
    with op.batch_alter_table("revisions") as batch:
        batch.add_column(sa.Column("submitted_by", sa.String(length=200), nullable=True))
    _plans_for_existing_responses()


def _plans_for_existing_responses() -> None:
    bind = op.get_bind()
    responses = sa.table(
        "responses",
        sa.column("id", sa.String),
        sa.column("org", sa.String),
        sa.column("form_id", sa.String),
        sa.column("data", sa.JSON),
        sa.column("created_at", sa.DateTime),
        sa.column("updated_at", sa.DateTime),
        sa.column("plan_id", sa.String),
    )
    plans = sa.table(
        "plans",
        *(
            sa.column(name)
            for name in (
                "id",
                "org",
                "form_id",
                "reference",
                "name",
                "diarienummer",
                "search_text",
                "created_at",
                "updated_at",
            )
        ),
    )
    rows = bind.execute(
        sa.select(
            responses.c.id,
            responses.c.org,
            responses.c.form_id,
            responses.c.data,
            responses.c.created_at,
            responses.c.updated_at,
        ).order_by(responses.c.created_at, responses.c.id)
    ).all()
    counters: dict[tuple[str, str, int], int] = {}
    new_plans: list[dict[str, Any]] = []
    links: list[dict[str, str]] = []
    for response_id, org, form_id, data, created_at, updated_at in rows:
        created = created_at or dt.datetime(2026, 1, 1)
        key = (org, _prefix(form_id), created.year)
        counters[key] = counters.get(key, 0) + 1
        reference = f"{key[1]}-{key[2]}-{counters[key]:04d}"
        metadata = (data or {}).get("metadata") or {}
        name = str(metadata.get("plan_name") or "")[:300]
        diarienummer = str(metadata.get("diarienummer") or "")[:300]
        plan_id = uuid.uuid4().hex
        new_plans.append(
            {
                "id": plan_id,
                "org": org,
                "form_id": form_id,
                "reference": reference,
                "name": name,
                "diarienummer": diarienummer,
                "search_text": f"{name} {diarienummer} {reference}".casefold()[:700],
                "created_at": created,
                "updated_at": updated_at or created,
            }
        )
        links.append({"rid": response_id, "pid": plan_id})
    for start in range(0, len(new_plans), 1000):
        bind.execute(plans.insert(), new_plans[start : start + 1000])
    numbers = sa.table("plan_numbers", sa.column("org"), sa.column("series"), sa.column("last"))
    if counters:
        bind.execute(
            numbers.insert(),
            [
                {"org": org, "series": f"{series}-{year}", "last": last}
                for (org, series, year), last in counters.items()
            ],
        )
    if links:
        bind.execute(
            responses.update()
            .where(responses.c.id == sa.bindparam("rid"))
            .values(plan_id=sa.bindparam("pid")),
            links,
        )


def downgrade() -> None:
    with op.batch_alter_table("revisions") as batch:
        batch.drop_column("submitted_by")
    with op.batch_alter_table("responses") as batch:
        batch.drop_constraint("fk_responses_plan_id_plans", type_="foreignkey")
        batch.drop_index("ix_responses_plan_id")
        batch.drop_column("carried_over")
        batch.drop_column("updated_by")
        batch.drop_column("plan_id")
    op.drop_table("plan_numbers")
    op.drop_index("ix_plans_org_updated_at", table_name="plans")
    op.drop_table("plans")
