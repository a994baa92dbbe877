"""The region's download of 100,000 responses behind gunicorn with its default timeout.

Building that workbook takes longer than the 30 s gunicorn gives a sync worker's request,
which is why it is built in the background: the request answers at once, the build goes
on, and the finished file is streamed in chunks. The worker's memory is sampled all the
while: the download adds nothing to it (streamed), and the build stays within a bound.
RESPONSES can be lowered with CHECKLISTOR_TEST_EXPORT_SIZE for a quick run.
"""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path

import requests
from sqlalchemy import insert

from forms import load_catalogue
from service import create_app
from service.db import get_db
from service.models import Response, Revision, utcnow
from service.runtime import runtime_of
from support.answers import complete_answers
from support.live import TEST_SECRET_KEY, gunicorn, link_path, service_env

RESPONSES = int(os.environ.get("CHECKLISTOR_TEST_EXPORT_SIZE", "100000"))
ORGS = ["karlskrona", "ronneby", "olofstrom", "solvesborg", "karlshamn"]


def fill(url: str, instance: Path, count: int) -> None:
    """`count` submitted detaljplan responses, written in bulk."""
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(instance), "TESTING": True})
    form = load_catalogue().latest("detaljplan")
    posted = complete_answers(form, text="Text", value="delvis")
    answers = {
        item.id: {"value": posted[item.answer_name], "comment": posted[item.comment_name]}
        for item in form.items
    }
    now = utcnow()
    with app.app_context():
        db = get_db()
        for start in range(0, count, 5000):
            batch = range(start, min(count, start + 5000))
            ids = [f"{n:032x}" for n in batch]
            data = [
                {"metadata": {"plan_name": f"Plan {n}", "date": "2026-03-15"}, "answers": answers}
                for n in batch
            ]
            db.execute(
                insert(Response),
                [
                    {
                        "id": i,
                        "org": ORGS[n % len(ORGS)],
                        "form_id": "detaljplan",
                        "form_version": 1,
                        "status": "submitted",
                        "data": d,
                        "revision": 1,
                        "unsubmitted_changes": False,
                        "lock_version": 1,
                        "submitted_at": now,
                        "updated_at": now,
                    }
                    for n, i, d in zip(batch, ids, data, strict=True)
                ],
            )
            db.execute(
                insert(Revision),
                [
                    {"response_id": i, "number": 1, "form_version": 1, "data": d}
                    for i, d in zip(ids, data, strict=True)
                ],
            )
            db.commit()
    runtime_of(app).engine.dispose()


def worker_rss_mb(port: int) -> float:
    """The largest resident set of the gunicorn processes serving `port`, in MB."""
    largest = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            if f"127.0.0.1:{port}".encode() not in cmdline or b"gunicorn" not in cmdline:
                continue
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
        largest = max(largest, rss)
    return largest / 1024


def test_a_region_download_of_100k_responses_finishes_behind_the_default_timeout(
    tmp_path: Path,
) -> None:
    instance = tmp_path / "instance"
    url = f"sqlite:///{tmp_path / 'large.db'}"
    fill(url, instance, RESPONSES)
    # The configured default (5000) unless a quick run asks for fewer responses than that.
    inline_limit = str(min(5000, RESPONSES // 2))
    env = service_env(
        instance,
        DATABASE_URL=url,
        SECRET_KEY=TEST_SECRET_KEY,
        CHECKLISTOR_EXPORT_INLINE_LIMIT=inline_limit,
    )
    with gunicorn(env, workers=1) as base:
        port = int(base.rsplit(":", 1)[1])
        admin = requests.Session()
        admin.get(base + link_path(env, "admin"), timeout=30).raise_for_status()
        idle = worker_rss_mb(port)
        started = time.monotonic()
        reply = admin.get(f"{base}/admin/export.xlsx", allow_redirects=False, timeout=30)
        assert reply.status_code == 303, reply.text[:500]
        page_url = base + reply.headers["Location"]
        building = [idle]
        while True:
            page = admin.get(page_url, timeout=30)
            assert page.status_code == 200
            building.append(worker_rss_mb(port))
            if "Arbetsboken skapas" not in page.text:
                break
            assert time.monotonic() - started < 1800, "the export did not finish in 30 minutes"
            time.sleep(1)
        built = time.monotonic() - started
        assert "Arbetsboken är klar" in page.text
        after_build = worker_rss_mb(port)
        downloading = [after_build]
        body = io.BytesIO()
        with admin.get(f"{page_url}.xlsx", stream=True, timeout=60) as download:
            assert download.status_code == 200
            for chunk in download.iter_content(256 * 1024):
                body.write(chunk)
                downloading.append(worker_rss_mb(port))
        size_mb = body.tell() / 1024 / 1024
    print(
        f"\n{RESPONSES} responses: built in {built:.0f} s, {size_mb:.1f} MB; worker RSS "
        f"idle {idle:.0f} MB, peak while building {max(building):.0f} MB, "
        f"after {after_build:.0f} MB, peak while downloading {max(downloading):.0f} MB"
    )
    with zipfile.ZipFile(body) as archive:
        assert archive.testzip() is None
        assert "xl/workbook.xml" in archive.namelist()
    # Flat: streaming the file adds (almost) nothing; the build is bounded whatever the size.
    assert max(downloading) - after_build < 30
    assert max(building) - idle < 400
