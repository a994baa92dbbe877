"""`checklistor personal-data purge`: the personal fields go, nothing else changes.

Run on SQLite, and on PostgreSQL with TEST_DATABASE_URL set.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select, text, update

from service.mail import outbox
from service.models import MailMessage, OutboxEntry, Response, Revision, utcnow
from service.personal_data import personal_data_group
from service.runtime import runtime_of
from tests.sync.helpers import submit

PERSONAL = {"contact_email", "contact_role", "reviewer_role"}
OLD = utcnow() - dt.timedelta(days=4 * 365)


def snapshot(app: Flask) -> dict[str, list[dict[str, Any]]]:
    """Every row of the tables the purge may touch, in a stable order."""
    tables = {
        "responses": "id",
        "revisions": "id",
        "sync_outbox": "id",
        "mail_outbox": "id",
    }

    def decoded(row: Any) -> dict[str, Any]:
        values = dict(row._mapping)
        if isinstance(values.get("data"), str):  # SQLite hands JSON back as text
            values["data"] = json.loads(values["data"])
        return values

    with runtime_of(app).engine.connect() as conn:
        return {
            table: [
                decoded(row) for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY {key}"))
            ]
            for table, key in tables.items()
        }


def _strip(row: dict[str, Any]) -> dict[str, Any]:
    data = dict(row["data"] or {})
    data["metadata"] = {k: v for k, v in (data.get("metadata") or {}).items() if k not in PERSONAL}
    # "Ditt namn eller din roll" goes too, on the response and on every version.
    author = {k: None for k in ("updated_by", "submitted_by") if k in row}
    return {**row, "data": data, **author}


def make_history(app: Flask) -> dict[str, str]:
    """An old submitted response (two revisions), an old draft, a recent one, and mail."""
    old_submitted = submit(app, "karlskrona")
    submit(app, "karlskrona", response_id=old_submitted, comment="Andra versionen")
    old_draft = submit(app, "ronneby")
    recent = submit(app, "olofstrom")
    with runtime_of(app).session() as db:
        draft = db.get(Response, old_draft)
        assert draft is not None
        draft.status = "draft"
        db.commit()
        db.execute(update(Response).values(updated_by="Planarkitekt Eva"))
        db.execute(update(Revision).values(submitted_by="Planarkitekt Eva"))
        db.execute(
            update(Response)
            .where(Response.id.in_([old_submitted, old_draft]))
            .values(updated_at=OLD)
            .execution_options(synchronize_session=False)
        )
        db.execute(text("DELETE FROM sync_outbox"))  # as after the sync has mirrored them
        for n, when in enumerate((OLD, utcnow())):
            message = outbox.Outgoing(f"receipt:{n}", f"p{n}@kommun.se", "Kvitto", "x", "<p>x</p>")
            outbox.enqueue(db, message, "example.se")
            db.flush()
            db.execute(
                update(MailMessage)
                .where(MailMessage.key == f"receipt:{n}")
                .values(created_at=when, sent_at=when)
            )
        unsent = outbox.Outgoing("receipt:unsent", "p9@kommun.se", "Kvitto", "x", "<p>x</p>")
        outbox.enqueue(db, unsent, "example.se")
        db.flush()
        db.execute(
            update(MailMessage).where(MailMessage.key == "receipt:unsent").values(created_at=OLD)
        )
        db.commit()
    return {"old_submitted": old_submitted, "old_draft": old_draft, "recent": recent}


def test_a_dry_run_lists_what_would_go_and_changes_nothing(app: Flask) -> None:
    ids = make_history(app)
    before = snapshot(app)
    result = CliRunner().invoke(
        personal_data_group, ["purge", "--older-than", "3y", "--dry-run"], obj=app
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(
        ids["old_submitted"] in line and "contact_email, contact_role" in line for line in lines
    )
    assert any(ids["old_draft"] in line and "ronneby" in line for line in lines)
    assert not any(ids["recent"] in line for line in lines)
    assert lines[-1].startswith("Skulle ta bort personuppgifter ur 2 checklistor och 1 skickade")
    assert snapshot(app) == before


def test_the_purge_removes_only_the_personal_fields(app: Flask) -> None:
    ids = make_history(app)
    before = snapshot(app)
    result = CliRunner().invoke(personal_data_group, ["purge", "--older-than", "1095d"], obj=app)
    assert result.exit_code == 0, result.output
    assert (
        "Tog bort personuppgifter ur 2 checklistor och 1 skickade e-postmeddelanden"
        in result.output
    )
    after = snapshot(app)

    old = {ids["old_submitted"], ids["old_draft"]}
    purged_revisions = [r for r in before["revisions"] if r["response_id"] in old]
    assert len(purged_revisions) == 3  # two of the submitted one, one behind the old draft
    for table in ("responses", "revisions"):
        key = "id" if table == "responses" else "response_id"
        expected = [_strip(row) if row[key] in old else row for row in before[table]]
        assert after[table] == expected, table  # timestamps, lock versions, answers: unchanged
    for row in after["responses"] + after["revisions"]:
        held = set(row["data"].get("metadata") or {}) & PERSONAL
        held |= {k for k in ("updated_by", "submitted_by") if row.get(k)}
        owner = row["id"] if "response_id" not in row else row["response_id"]
        assert (owner in old) != bool(held), (owner, held)
    # The sheet mirrors are rewritten without them: the submitted one is queued again.
    assert [(r["response_id"], r["revision"]) for r in after["sync_outbox"]] == [
        (ids["old_submitted"], 2)
    ]
    assert sorted(m["key"] for m in after["mail_outbox"]) == ["receipt:1", "receipt:unsent"]

    again = CliRunner().invoke(personal_data_group, ["purge", "--older-than", "3y"], obj=app)
    assert "ur 0 checklistor och 0 skickade" in again.output


def test_without_older_than_the_configured_retention_applies(app: Flask) -> None:
    make_history(app)
    with runtime_of(app).session() as db:
        db.execute(update(Response).values(updated_at=utcnow() - dt.timedelta(days=1000)))
        db.commit()
    result = CliRunner().invoke(personal_data_group, ["purge", "--dry-run"], obj=app)
    assert "ur 0 checklistor" in result.output  # 1,000 days is within the 1,095 of the default
    with runtime_of(app).session() as db:
        db.execute(update(Response).values(updated_at=utcnow() - dt.timedelta(days=1100)))
        db.commit()
    result = CliRunner().invoke(personal_data_group, ["purge", "--dry-run"], obj=app)
    assert "ur 3 checklistor" in result.output


def test_a_wrong_age_is_a_swedish_usage_error(app: Flask) -> None:
    result = CliRunner().invoke(personal_data_group, ["purge", "--older-than", "tre år"], obj=app)
    assert result.exit_code == 2
    assert "ska vara antal dagar eller år (1095d, 3y) eller ett datum" in result.output
    with runtime_of(app).session() as db:
        assert db.scalars(select(OutboxEntry)).first() is None
