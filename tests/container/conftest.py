"""The image, built once per run of `make container-test`, and a fresh volume per test."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.container.podman import DEFAULT_BASE, IMAGE, LIMITS, UNIQUE, podman, timed, unusable

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def image() -> str:
    """Build the Dockerfile on BASE (default: the Debian base of scripts/container-base.sh)."""
    try:
        podman("info", timeout=60)
    except (OSError, AssertionError, subprocess.TimeoutExpired) as exc:
        unusable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    base = os.environ.get("BASE", DEFAULT_BASE)
    started = time.monotonic()
    if base == DEFAULT_BASE:
        made = subprocess.run(
            ["sh", str(ROOT / "scripts" / "container-base.sh"), base],
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        if made.returncode != 0:
            unusable(f"no base image: {made.stderr.strip()[-500:]}")
    try:
        podman("run", "--rm", *LIMITS, base, "true", timeout=120)
    except AssertionError as exc:
        unusable(f"a container does not start: {exc}")
    timed("base image ready", started)
    started = time.monotonic()
    args = ["build", *LIMITS, "--format", "docker", "--build-arg", f"BASE={base}"]
    # The machine's package index and its CA, from the environment; never in a file.
    for name in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_TRUSTED_HOST"):
        if os.environ.get(name):
            args += ["--build-arg", f"{name}={os.environ[name]}"]
    cert = os.environ.get("PIP_CERT")
    if cert and Path(cert).is_file():
        args += ["--volume", f"{cert}:/run/pip-cert.pem:ro"]
        args += ["--build-arg", "PIP_CERT=/run/pip-cert.pem"]
    podman(*args, "--tag", IMAGE, str(ROOT), timeout=1800)
    timed("image built", started)
    return IMAGE


@pytest.fixture
def volume() -> Iterator[tuple[str, Path]]:
    """A new podman volume: its name and where it lies on this machine."""
    name = f"checklistor-test-{UNIQUE}-{os.urandom(2).hex()}"
    podman("volume", "create", name)
    try:
        mountpoint = podman("volume", "inspect", "--format", "{{.Mountpoint}}", name).strip()
        yield name, Path(mountpoint)
    finally:
        podman("volume", "rm", "--force", name, check=False)
