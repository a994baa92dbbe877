"""The container image, built and run with podman: `make container-test` (not `make test`).

Builds the Dockerfile on BASE (default: a Debian 12 base made by scripts/container-base.sh,
since image registries may be out of reach), then proves the image: it starts and answers
/healthz and its HEALTHCHECK, a sign-in link from `checklistor access-link` inside the
container signs in, a checklist submitted over HTTP reaches the organisation's mirror in
the volume, the regional export and a backup run inside it, and a new container on the
same volume keeps everything (data, secret key, links).

Where podman cannot run a container, the test is skipped with the reason, unless
CHECKLISTOR_CONTAINER_TEST=required (then it fails).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from openpyxl import load_workbook

from forms import load_catalogue
from support.answers import complete_answers
from support.live import Planner, free_port
from tests.container.podman import MODE, Container, podman, timed

pytestmark = pytest.mark.skipif(not MODE, reason="make container-test runs it")


def cells(path: Path) -> set[str]:
    book = load_workbook(path, read_only=True)
    return {str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row}


def wait_for(predicate: Callable[[], bool], seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def submit_as(base: str, link: str) -> str:
    """Sign in with `link` and submit a complete detaljplan; returns the response id."""
    planner = Planner.__new__(Planner)  # signed in by the container's link, not ours
    planner.base, planner.session = base, requests.Session()
    assert planner.session.get(link, timeout=30).status_code == 200
    form = load_catalogue().latest("detaljplan")
    path = "/checklista/detaljplan/ny"
    return planner.submit(path, complete_answers(form), planner.tokens(path))


def test_the_image_serves_mirrors_exports_and_survives_a_restart(
    image: str, volume: tuple[str, Path]
) -> None:
    name, data = volume
    port = free_port()
    env = {
        "CHECKLISTOR_HOST": "127.0.0.1",
        "CHECKLISTOR_PORT": str(port),
        "CHECKLISTOR_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "CHECKLISTOR_WORKERS": "1",
    }
    started = time.monotonic()
    first = Container(image, name, env)  # the image's own command: web with a sync beside
    try:
        first.wait_healthy()
        podman("healthcheck", "run", first.name)  # the image's HEALTHCHECK passes
        assert first.exec("id", "-u").strip() == "10001"  # not root
        assert first.exec("sh", "-c", "command -v gcc cc || echo none").strip() == "none"
        link = first.exec("checklistor", "access-link", "karlskrona").strip()
        assert link.startswith(f"{first.base}/in/")
        response_id = submit_as(first.base, link)
        mirror = data / "sheets" / "karlskrona.xlsx"
        assert wait_for(lambda: mirror.exists() and response_id in cells(mirror)), (
            "the response did not reach the mirror in the volume"
        )
        first.exec("checklistor", "export", "--out", "/data/region.xlsx")
        assert response_id in cells(data / "region.xlsx")
        first.exec("checklistor", "backup", "--out", "/data/backup.db")
        assert (data / "backup.db").stat().st_size > 0
        key = (data / "secret_key").read_text()
        assert link.removeprefix(f"{first.base}/in/") not in first.logs()
    finally:
        first.remove()
    timed("first container: start, sign in, submit, mirror, export, backup", started)

    started = time.monotonic()
    second = Container(image, name, env)
    try:
        second.wait_healthy()
        assert (data / "secret_key").read_text() == key
        again = requests.Session()
        assert again.get(link, timeout=30).status_code == 200  # the same link signs in
        assert again.get(f"{second.base}/svar/{response_id}", timeout=30).status_code == 200
        assert response_id in cells(data / "sheets" / "karlskrona.xlsx")
    finally:
        second.remove()
    timed("second container on the same volume", started)
