"""Migration 0006 on a database with responses in it: each becomes a plan with one stage."""

from __future__ import annotations

import datetime as dt
import json

from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from service import plans, schema


def test_existing_responses_become_numbered_plans(database_url: str) -> None:
    engine = create_engine(database_url)
    command.upgrade(schema._config(engine), "0003")
    rows = [
        # (id, org, form, created, metadata)
        (
            "a" * 32,
            "karlskrona",
            "detaljplan",
            dt.datetime(2025, 3, 1),
            {"plan_name": "Hästö 4:12", "diarienummer": "SBF 2025/7"},
        ),
        (
            "b" * 32,
            "karlskrona",
            "detaljplan",
            dt.datetime(2025, 9, 1),
            {"plan_name": "Södra kajen"},
        ),
        ("c" * 32, "karlskrona", "detaljplan", dt.datetime(2026, 1, 5), {}),
        ("d" * 32, "ronneby", "detaljplan", dt.datetime(2025, 4, 1), {"plan_name": "Brunnsskogen"}),
        (
            "e" * 32,
            "karlskrona",
            "oversiktsplan",
            dt.datetime(2025, 5, 1),
            {"plan_name": "ÖP 2040"},
        ),
    ]
    with engine.begin() as conn:
        for rid, org, form, created, metadata in rows:
            conn.execute(
                text(
                    "INSERT INTO responses (id, org, form_id, form_version, status, data, revision,"
                    " unsubmitted_changes, created_at, updated_at, submitted_at, lock_version)"
                    " VALUES (:id, :org, :form, 1, 'submitted', :data, 1, :f, :at, :at, :at, 1)"
                ),
                {
                    "id": rid,
                    "org": org,
                    "form": form,
                    "data": json.dumps({"metadata": metadata, "answers": {}}),
                    "f": False,
                    "at": created,
                },
            )
            conn.execute(
                text(
                    "INSERT INTO revisions (response_id, number, form_version, data, submitted_at)"
                    " VALUES (:id, 1, 1, '{}', :at)"
                ),
                {"id": rid, "at": created},
            )
    command.upgrade(schema._config(engine), "0006")
    with engine.begin() as conn:
        found = conn.execute(
            text(
                "SELECT r.id, p.reference, p.name, p.diarienummer, p.org, p.form_id, p.search_text"
                " FROM responses r JOIN plans p ON p.id = r.plan_id ORDER BY r.id"
            )
        ).all()
        revisions = conn.execute(text("SELECT count(*), max(submitted_by) FROM revisions")).one()
    assert [(r[0][0], r[1], r[2], r[3], r[4], r[5]) for r in found] == [
        ("a", "DP-2025-0001", "Hästö 4:12", "SBF 2025/7", "karlskrona", "detaljplan"),
        ("b", "DP-2025-0002", "Södra kajen", "", "karlskrona", "detaljplan"),
        ("c", "DP-2026-0001", "", "", "karlskrona", "detaljplan"),
        ("d", "DP-2025-0001", "Brunnsskogen", "", "ronneby", "detaljplan"),
        ("e", "OP-2025-0001", "ÖP 2040", "", "karlskrona", "oversiktsplan"),
    ]
    assert found[0][6] == "hästö 4:12 sbf 2025/7 dp-2025-0001"
    assert revisions == (5, None)  # history untouched
    with engine.begin() as conn:
        numbers = conn.execute(
            text("SELECT org, series, last FROM plan_numbers ORDER BY org, series")
        ).all()
    assert [tuple(row) for row in numbers] == [
        ("karlskrona", "DP-2025", 2),
        ("karlskrona", "DP-2026", 1),
        ("karlskrona", "OP-2025", 1),
        ("ronneby", "DP-2025", 1),
    ]
    with Session(engine) as db:  # the next plan continues the series
        made = plans.create(db, "karlskrona", "detaljplan", dt.datetime(2025, 12, 1))
        db.commit()
        assert made.reference == "DP-2025-0003"

    command.downgrade(schema._config(engine), "0005")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM responses")).scalar() == 5
    command.upgrade(schema._config(engine), "0006")  # and up again: plans made afresh
    with engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM plans")).scalar() == 5
        assert conn.execute(text("SELECT max(last) FROM plan_numbers")).scalar() == 2
    engine.dispose()
