"""Starting the service as in production (gunicorn) on a free loopback port for a benchmark."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def service_env(instance: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHECKLISTOR_")}
    env.update(CHECKLISTOR_INSTANCE_PATH=str(instance), SECRET_KEY="bench-secret", **extra)
    return env


def access_link(env: dict[str, str], subject: str) -> str:
    args = ["--admin"] if subject == "admin" else [subject]
    out = subprocess.run(
        [str(BIN / "checklistor"), "access-link", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


@contextmanager
def gunicorn(env: dict[str, str], workers: int = 2) -> Iterator[str]:
    """Run gunicorn as the Dockerfile does; yields the base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**env, "CHECKLISTOR_PUBLIC_URL": base}
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--preload",
            "--log-level",
            "warning",
            "service.wsgi:app",
        ],
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the service did not start within 30 s")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
