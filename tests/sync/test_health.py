"""`/healthz` and the admin page tell when mirroring is behind or has stopped."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select, update

from service.models import OutboxEntry, SyncWorker, utcnow
from service.runtime import reconfigure, runtime_of
from service.sync import health
from service.sync.cli import sync
from tests.sync.helpers import submit, workbook_path, worker


def waited(app: Flask, minutes: int) -> None:
    """Make every pending entry `minutes` old."""
    with runtime_of(app).session() as db:
        db.execute(update(OutboxEntry).values(created_at=utcnow() - dt.timedelta(minutes=minutes)))
        db.commit()


def beat(app: Flask, minutes_ago: int) -> None:
    with runtime_of(app).session() as db:
        health.beat(db, "otherhost:7", utcnow() - dt.timedelta(minutes=minutes_ago))


def test_waiting_entries_without_any_pass_make_healthz_503(app: Flask, client) -> None:
    assert client.get("/healthz").get_json()["sync"] == "ok"
    submit(app)
    reply = client.get("/healthz")
    assert reply.status_code == 200 and reply.get_json()["sync"] == "ok"  # just arrived
    waited(app, 6)
    reply = client.get("/healthz")
    assert reply.status_code == 503
    assert reply.get_json()["status"] == "ok" and reply.get_json()["sync"] == "stopped"
    assert 360 <= reply.get_json()["oldest_waiting_s"] < 420
    worker(app).run_once()
    reply = client.get("/healthz")
    assert reply.status_code == 200
    assert reply.get_json() == {"status": "ok", "sync": "ok", "oldest_waiting_s": None}


def test_a_worker_whose_heartbeat_stopped_is_noticed_at_once(app: Flask, client) -> None:
    beat(app, minutes_ago=10)
    assert client.get("/healthz").status_code == 200  # nothing waits: nothing to notice
    submit(app)
    assert client.get("/healthz").get_json()["sync"] == "stopped"
    beat(app, minutes_ago=0)
    assert client.get("/healthz").get_json()["sync"] == "ok"


def test_the_stale_time_is_configurable(app: Flask, client) -> None:
    reconfigure(app, sync_stale_seconds=30)
    submit(app)
    waited(app, 1)
    assert client.get("/healthz").status_code == 503


def test_a_parked_sheet_makes_the_sync_behind_not_stopped(app: Flask, client, admin) -> None:
    path = workbook_path(app)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"broken")
    submit(app)
    assert worker(app).run_once()[0].outcome == "parked"
    waited(app, 20)
    reply = client.get("/healthz")
    assert reply.status_code == 200 and reply.get_json()["sync"] == "behind"
    page = admin.client.get("/admin/").get_data(as_text=True)
    assert "Speglingen ligger efter: det äldsta svaret har väntat i 20 minuter" in page


def test_the_admin_page_says_when_mirroring_has_stopped(app: Flask, admin) -> None:
    page = admin.client.get("/admin/").get_data(as_text=True)
    assert "Speglingen till kalkylbladen går som den ska." in page
    submit(app)
    waited(app, 9)
    page = admin.client.get("/admin/").get_data(as_text=True)
    assert "Speglingen till kalkylbladen har stannat" in page and "9 minuter" in page


def test_every_worker_records_its_heartbeat_and_status_shows_it(app: Flask) -> None:
    submit(app)
    waited(app, 7)
    status = CliRunner().invoke(sync, ["--status"], obj=app).output
    assert "Synken: HAR STANNAT (senaste varv aldrig, äldsta väntar 4" in status
    worker(app, owner="host-a:1").run_once()
    worker(app, owner="host-b:2").run_once()
    with runtime_of(app).session() as db:
        assert set(db.scalars(select(SyncWorker.worker))) == {"host-a:1", "host-b:2"}
    status = CliRunner().invoke(sync, ["--status"], obj=app).output
    assert "Synken: går som den ska (senaste varv " in status
