"""compose.yaml: it parses, its services are wired as the README says, and its web and
worker services run from the image against the machine's PostgreSQL (make container-test).
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from support.live import TEST_SECRET_KEY, free_port
from tests.container.podman import MODE, Container, podman, timed
from tests.container.test_image import cells, submit_as, wait_for

COMPOSE = Path(__file__).resolve().parents[2] / "compose.yaml"
VARIABLE = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?:(:-|:\?)([^}]*))?\}")
SETTINGS = {"SECRET_KEY": TEST_SECRET_KEY, "POSTGRES_PASSWORD": "compose-test-password"}


class Unset(Exception):
    pass


def interpolate(value: Any, env: dict[str, str]) -> Any:
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?message}, throughout the file."""
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def one(found: re.Match[str]) -> str:
        name, kind, rest = found.groups()
        if env.get(name):
            return env[name]
        if kind == ":?":
            raise Unset(rest)
        return rest or ""

    return VARIABLE.sub(one, value)


def services(env: dict[str, str]) -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return dict(interpolate(loaded, env)["services"])


def test_compose_wires_database_upgrade_web_and_scalable_workers() -> None:
    found = services(SETTINGS)
    assert set(found) == {"db", "migrate", "web", "worker"}
    assert found["db"]["image"].startswith("docker.io/library/postgres:16")
    assert found["migrate"]["command"] == ["checklistor", "db", "upgrade"]
    assert found["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    images = {found[name]["image"] for name in ("migrate", "web", "worker")}
    assert len(images) == 1  # one image for every service
    for name in ("web", "worker"):
        service = found[name]
        assert service["restart"] == "unless-stopped"
        assert service["healthcheck"]["test"][0] == "CMD"
        assert service["depends_on"] == {"migrate": {"condition": "service_completed_successfully"}}
        assert service["environment"]["SECRET_KEY"] == SETTINGS["SECRET_KEY"]
        assert "@db:5432/" in service["environment"]["DATABASE_URL"]
    assert "--no-sync" in found["web"]["command"]
    assert found["worker"]["command"] == ["checklistor", "sync", "--watch"]
    assert "container_name" not in found["worker"] and "ports" not in found["worker"]
    assert found["web"]["environment"]["CHECKLISTOR_WORKERS"] == "2"
    assert (
        services({**SETTINGS, "CHECKLISTOR_WORKERS": "4"})["web"]["environment"][
            "CHECKLISTOR_WORKERS"
        ]
        == "4"
    )


def test_compose_refuses_to_start_without_the_secret_key() -> None:
    with pytest.raises(Unset, match="SECRET_KEY"):
        services({"POSTGRES_PASSWORD": "x"})


@pytest.fixture
def database() -> Iterator[str]:
    """A new database on the machine's PostgreSQL, as the containers reach it."""
    base = make_url(
        os.environ.get("TEST_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    name = f"compose_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base.set(query={}), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no PostgreSQL on this machine
        admin.dispose()
        pytest.skip(f"no PostgreSQL for the compose services: {exc}")
    try:
        yield base.set(database=name, query={}).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.skipif(not MODE, reason="make container-test runs it")
def test_compose_web_and_worker_run_from_the_image_against_postgresql(
    image: str, volume: tuple[str, Path], database: str
) -> None:
    found = services(SETTINGS)
    port = free_port()
    # The machine's PostgreSQL instead of the db service; the host's network instead of
    # compose's, so the web service listens on a free loopback port.
    here = {
        "DATABASE_URL": database,
        "CHECKLISTOR_HOST": "127.0.0.1",
        "CHECKLISTOR_PORT": str(port),
        "CHECKLISTOR_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "CHECKLISTOR_WORKERS": "1",
    }
    name, data = volume
    started = time.monotonic()
    upgrade = found["migrate"]
    podman(
        "run",
        "--rm",
        "--network",
        "host",
        "--ulimit",
        "nofile=1024:1024",
        "--ulimit",
        "nproc=1000:1000",
        "--volume",
        f"{name}:/data",
        *[a for k, v in {**upgrade["environment"], **here}.items() for a in ("--env", f"{k}={v}")],
        image,
        *upgrade["command"],
    )
    web = Container(image, name, {**found["web"]["environment"], **here}, found["web"]["command"])
    worker = Container(
        image, name, {**found["worker"]["environment"], **here}, found["worker"]["command"]
    )
    try:
        web.wait_healthy()
        link = web.exec("checklistor", "access-link", "ronneby").strip()
        response_id = submit_as(web.base, link)
        mirror = data / "sheets" / "ronneby.xlsx"
        assert wait_for(lambda: mirror.exists() and response_id in cells(mirror)), (
            "the worker service did not mirror the response"
        )
        podman("exec", worker.name, *found["worker"]["healthcheck"]["test"][1:])
        requests_logged = [
            line for line in web.logs().splitlines() if '"checklistor.request"' in line
        ]
        assert requests_logged  # JSON request lines, as compose sets CHECKLISTOR_LOG_FORMAT
    finally:
        web.remove()
        worker.remove()
    timed("compose web and worker on PostgreSQL", started)
