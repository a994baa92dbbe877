"""The region's large export built in the background: the request answers at once, the
page shows progress and then the file, on any instance; a stopped build says so."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from service import create_app
from service.db import get_db
from service.models import ExportJob
from service.runtime import reconfigure
from tests.conftest import Browser
from tests.service.test_downloads import add, download, ids, workbook


def wait_until_done(client: Any, page_url: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = client.get(page_url).get_data(as_text=True)
        if "Arbetsboken skapas" not in page:
            return page
        assert 'http-equiv="refresh"' in page  # the page reloads itself while it waits
        time.sleep(0.2)
    raise AssertionError("the export never finished")


def test_a_large_export_is_built_in_the_background_and_served_from_any_instance(
    app: Flask, admin: Browser, tmp_path: Path, database_url: str
) -> None:
    made = [add(app, org) for org in ("karlskrona", "ronneby", "olofstrom")]
    inline = workbook(download(admin.client, "/admin/export.xlsx").data)
    reconfigure(app, export_inline_limit=2)

    reply = admin.client.get("/admin/export.xlsx")
    assert reply.status_code == 303
    page_url = reply.location
    assert re.fullmatch(r"/admin/export/jobb/[A-Za-z0-9_-]{20,64}", page_url)
    page = wait_until_done(admin.client, page_url)
    assert "Arbetsboken är klar" in page

    # Another instance on the same database shows the same job and serves the file.
    other = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": app.config["SECRET_KEY"],
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(tmp_path / "other"),
        }
    )
    elsewhere = Browser(other, "@admin")
    file_url = f"{page_url}.xlsx"
    assert file_url in elsewhere.client.get(page_url).get_data(as_text=True)
    reply = download(elsewhere.client, file_url)
    assert reply.status_code == 200
    assert reply.headers["Cache-Control"] == "no-store, private"
    assert reply.headers["Content-Length"] == str(len(reply.data))
    assert "checklistor-regionen-" in reply.headers["Content-Disposition"]
    background = workbook(reply.data)
    assert background.sheetnames == inline.sheetnames
    assert sorted(ids(background["Detaljplan"])) == sorted(made)


def test_organisations_cannot_see_a_job(app: Flask, admin: Browser, sign_in: Any) -> None:
    add(app, "karlskrona")
    reconfigure(app, export_inline_limit=0)
    page_url = admin.client.get("/admin/export.xlsx").location
    wait_until_done(admin.client, page_url)
    org = sign_in("karlskrona")
    assert org.client.get(page_url).status_code == 404
    assert org.client.get(f"{page_url}.xlsx").status_code == 404


@pytest.mark.parametrize("job_id", ["x", "a" * 30, "a" * 200, "a.b-" * 10])
def test_an_unknown_job_is_a_swedish_404(admin: Browser, job_id: str) -> None:
    for url in (f"/admin/export/jobb/{job_id}", f"/admin/export/jobb/{job_id}.xlsx"):
        reply = admin.client.get(url)
        assert reply.status_code == 404
        assert "Beställ arbetsboken igen" in reply.get_data(as_text=True)


def test_a_build_whose_process_stopped_says_so(app: Flask, admin: Browser) -> None:
    with app.app_context():
        db = get_db()
        stale = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=10)
        db.add(
            ExportJob(
                id="stoppad-export-000000000",
                selection={},
                filename="x.xlsx",
                status="running",
                done=0,
                total=10,
                size=0,
                created_at=stale,
                updated_at=stale,
            )
        )
        db.commit()
    page = admin.client.get("/admin/export/jobb/stoppad-export-000000000")
    assert "Arbetsboken kunde inte skapas" in page.get_data(as_text=True)
    assert admin.client.get("/admin/export/jobb/stoppad-export-000000000.xlsx").status_code == 404
