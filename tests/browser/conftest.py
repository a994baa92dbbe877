"""The real service on a loopback port and Debian's Chromium driven by Playwright.

One gunicorn (started through `checklistor serve`) serves the whole browser suite from a
temporary instance folder; sign-in links come from `checklistor access-link`, exactly as an
operator gets them. Each test opens its own browser contexts (a context is one browser
profile: closing it forgets the session cookie, like closing the browser).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from service.organisations import DEFAULT_FILE, load_directory
from support.live import BIN, TEST_SECRET_KEY, free_port, service_env, stop, wait_until_up

CHROMIUM = Path("/usr/bin/chromium")
# A test tool's own browser download does not work here: always Debian's Chromium.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ADMIN = "admin"


@dataclass
class Service:
    """The running service: its address, environment and cached sign-in links."""

    base_url: str
    env: dict[str, str]
    links: dict[str, str] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.base_url + path

    def link(self, subject: str) -> str:
        """The sign-in link of an organisation slug, or of ADMIN."""
        if not self.links:
            # One `checklistor access-link --all` prints every link, as an operator sees them.
            result = subprocess.run(
                [str(BIN / "checklistor"), "access-link", "--all"],
                env=self.env,
                capture_output=True,
                text=True,
                check=True,
                timeout=60,
            )
            slugs = {org.name: org.slug for org in load_directory(DEFAULT_FILE)}
            slugs["Regionens administratörer"] = ADMIN
            for line in result.stdout.splitlines():
                name, _, url = line.rpartition(": ")
                self.links[slugs[name]] = url
        return self.links[subject]


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    instance = tmp_path_factory.mktemp("browser-instance")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = service_env(instance, SECRET_KEY=TEST_SECRET_KEY, CHECKLISTOR_PUBLIC_URL=base_url)
    log = (instance / "server.log").open("w")
    process = subprocess.Popen(
        [
            str(BIN / "checklistor"),
            *("serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        try:
            wait_until_up(base_url, process)
        except RuntimeError as exc:
            pytest.fail(f"{exc}:\n{(instance / 'server.log').read_text()}")
        yield Service(base_url=base_url, env=env)
    finally:
        stop(process)
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium (scripts/system-deps.sh)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


NewContext = Callable[..., Any]


@pytest.fixture
def new_context(browser: Any, service: Service) -> Iterator[NewContext]:
    """Open browser contexts (fresh profiles) in Swedish; all are closed after the test."""
    opened: list[Any] = []

    def make(**options: Any) -> Any:
        settings: dict[str, Any] = {
            "base_url": service.base_url,
            "locale": "sv-SE",
            "viewport": {"width": 1100, "height": 900},
            **options,
        }
        context = browser.new_context(**settings)
        context.set_default_timeout(10_000)
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()


@pytest.fixture
def signed_in(new_context: NewContext, service: Service) -> Callable[..., Any]:
    """A page signed in as `subject` through its link, in a fresh context."""

    def make(subject: str, **options: Any) -> Any:
        page = new_context(**options).new_page()
        page.goto(service.link(subject))
        return page

    return make
