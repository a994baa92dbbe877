"""The real service in separate processes on loopback: gunicorn instances and sync workers.

Used by the tests that need real processes (several instances, killed workers) and by
the benchmarks, so both start the service the way production does.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from service.cli import GUNICORN_OPTIONS

BIN = Path(sys.executable).parent
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LOCK = re.compile(r'name="lock_version" value="(\d+)"')
# A key strong enough for the start-up check (the real one is made per instance).
TEST_SECRET_KEY = "f3Qm9vX2cRkL7pTzWb1yHs8NdJ4uGaE6oCiV0eYxKqM"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def service_env(instance: Path, **settings: str) -> dict[str, str]:
    """The environment of a service process: this one's, minus any CHECKLISTOR_ settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHECKLISTOR_")}
    env.pop("DATABASE_URL", None)
    env.update({"CHECKLISTOR_INSTANCE_PATH": str(instance), "SECRET_KEY": TEST_SECRET_KEY})
    env.update(settings)
    return env


def checklistor(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "checklistor"), *args], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def link_path(env: dict[str, str], subject: str) -> str:
    """The path (/in/...) of a sign-in link; `subject` is an organisation slug or "admin"."""
    link = checklistor(env, "access-link", *(["--admin"] if subject == "admin" else [subject]))
    return link.strip()[link.index("/in/") :]


def wait_until_up(base: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the service stopped at start-up (exit {process.returncode})")
        try:
            if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the service did not answer within {seconds:.0f} s")


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextmanager
def gunicorn(env: dict[str, str], workers: int = 2) -> Iterator[str]:
    """Run gunicorn as the container does (web only); yields the base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            *GUNICORN_OPTIONS,
            *("--bind", f"127.0.0.1:{port}", "--workers", str(workers)),
            *("--log-level", "warning", "service.wsgi:app"),
        ],
        env={"CHECKLISTOR_LOG_LEVEL": "warning", **env, "CHECKLISTOR_PUBLIC_URL": base},
    )
    try:
        wait_until_up(base, process)
        yield base
    finally:
        stop(process)


def sync_worker(env: dict[str, str], interval: float = 0.3) -> subprocess.Popen[bytes]:
    """A `checklistor sync --watch` process."""
    return subprocess.Popen(
        [str(BIN / "checklistor"), "sync", "--watch", "--interval", str(interval)], env=env
    )


class Planner:
    """One organisation's browser-like HTTP session: signs in, posts forms with CSRF."""

    def __init__(self, base: str, env: dict[str, str], org: str) -> None:
        self.base = base
        self.session = requests.Session()
        self.session.get(base + link_path(env, org), timeout=30).raise_for_status()

    def on(self, base: str) -> Planner:
        """The same signed-in session, talking to another instance."""
        other = Planner.__new__(Planner)
        other.base, other.session = base, self.session
        return other

    def tokens(self, path: str) -> dict[str, str]:
        page = self.session.get(self.base + path, timeout=30).text
        found = CSRF.search(page)
        if not found:
            raise RuntimeError(f"no CSRF token on {path}")
        fields = {"csrf_token": found.group(1)}
        lock = LOCK.search(page)
        if lock:
            fields["lock_version"] = lock.group(1)
        return fields

    def submit(self, path: str, data: dict[str, str], tokens: dict[str, str]) -> str:
        """POST a complete response; returns its id from the receipt's address."""
        reply = self.session.post(
            self.base + path,
            data={**tokens, **data, "action": "submit"},
            timeout=30,
            allow_redirects=False,
        )
        location = reply.headers.get("Location", "")
        if reply.status_code != 302 or "/kvitto/" not in location:
            raise RuntimeError(f"submit to {path}: HTTP {reply.status_code}")
        return location.split("/svar/")[1].split("/")[0]
