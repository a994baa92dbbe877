"""podman as this kind of machine needs it, and one running container of the image."""

from __future__ import annotations

import os
import subprocess
import time
import uuid

import pytest
import requests

IMAGE = "localhost/checklistor:test"
DEFAULT_BASE = "localhost/checklistor-base:bookworm"
# crun fails on this machine's cgroup set-up and the default ulimits are refused.
PODMAN = ["podman", "--runtime", "runc"]
LIMITS = ["--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1000:1000", "--network", "host"]
UNIQUE = uuid.uuid4().hex[:8]
MODE = os.environ.get("CHECKLISTOR_CONTAINER_TEST", "")


def podman(*args: str, timeout: float = 120, check: bool = True) -> str:
    done = subprocess.run(
        [*PODMAN, *args], capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and done.returncode != 0:
        raise AssertionError(f"podman {' '.join(args[:2])}: {done.stderr.strip()[-2000:]}")
    return done.stdout


def unusable(reason: str) -> None:
    """Skip (or, with CHECKLISTOR_CONTAINER_TEST=required, fail): podman cannot work here."""
    if MODE == "required":
        pytest.fail(f"podman cannot be used here: {reason}")
    pytest.skip(f"podman cannot be used here: {reason}")


def timed(label: str, started: float) -> None:
    print(f"\n[container-test] {label}: {time.monotonic() - started:.0f} s", flush=True)


class Container:
    """One detached run of the image with the volume at /data, on the host's network."""

    def __init__(
        self, image: str, volume: str, env: dict[str, str], command: list[str] | None = None
    ) -> None:
        self.name = f"checklistor-test-{UNIQUE}-{uuid.uuid4().hex[:4]}"
        port = env.get("CHECKLISTOR_PORT", "")
        self.base = f"http://127.0.0.1:{port}"
        settings = [arg for key, value in env.items() for arg in ("--env", f"{key}={value}")]
        podman(
            *("run", "--detach", "--name", self.name, *LIMITS, "--volume", f"{volume}:/data"),
            *settings,
            image,
            *(command or []),
        )

    def exec(self, *args: str) -> str:
        return podman("exec", self.name, *args, timeout=300)

    def wait_healthy(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        logs = podman("logs", self.name, check=False)
        raise AssertionError(f"no answer from /healthz in {seconds:.0f} s:\n{logs[-3000:]}")

    def logs(self) -> str:
        done = subprocess.run(
            [*PODMAN, "logs", self.name], capture_output=True, text=True, check=False
        )
        return done.stdout + done.stderr

    def remove(self) -> None:
        podman("stop", "--time", "20", self.name, check=False)
        podman("rm", "--force", self.name, check=False)
