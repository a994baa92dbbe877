"""Benchmark 4: the weight of the checklist form page in a real browser.

Run: `make bench-page` (or `.venv/bin/python -m bench.page`).
Debian's Chromium loads the detaljplan form from the service (gunicorn on loopback) and
the Chrome DevTools protocol counts what crossed the network: bytes as transferred
(compressed, headers included) and requests, on a first visit with an empty cache and on
the next visit. The reference, measured in the same run, is the same page with
compression refused (`Accept-Encoding: identity`) and the cache switched off, as the page
was served before. First contentful paint is the median of the runs.
Targets: the first visit at most 20 KB transferred; the next visit one request (the HTML);
first paint no slower than the reference.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

BENCH_KEY = secrets.token_urlsafe(32)  # a fresh strong key; start-up refuses a weak one

BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
FORM = "/checklista/detaljplan/ny"
ORG = "karlskrona"


@dataclass
class Visit:
    """What one page load cost on the network."""

    requests: int = 0
    transferred: int = 0
    decoded: int = 0
    first_paint_ms: float = 0.0
    urls: list[str] = field(default_factory=list)


def start_service(instance: Path, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHECKLISTOR_")}
    env.pop("DATABASE_URL", None)
    env.update({"CHECKLISTOR_INSTANCE_PATH": str(instance), "SECRET_KEY": BENCH_KEY})
    process = subprocess.Popen(
        [str(BIN / "checklistor"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                return process
        except requests.ConnectionError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the service did not start")


def sign_in_link(instance: Path) -> str:
    env = {**os.environ, "CHECKLISTOR_INSTANCE_PATH": str(instance)}
    env["SECRET_KEY"] = BENCH_KEY
    out = subprocess.run(
        [str(BIN / "checklistor"), "access-link", ORG],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.strip()[out.index("/in/") :]


def measure(page: Any, cdp: Any, url: str) -> Visit:
    """Load `url` and add up the responses that came over the network."""
    visit = Visit()
    from_network: dict[str, bool] = {}

    def received(event: dict[str, Any]) -> None:
        response = event["response"]
        cached = response.get("fromDiskCache") or response.get("fromMemoryCache")
        if not response["url"].startswith("http") or cached:
            return  # a data: URL in the stylesheet, or a file from the cache
        from_network[event["requestId"]] = True
        visit.urls.append(response["url"])

    def served_from_cache(event: dict[str, Any]) -> None:
        from_network[event["requestId"]] = False

    def finished(event: dict[str, Any]) -> None:
        # A file served from the cache transfers nothing, whatever the events say.
        if from_network.get(event["requestId"]) and event["encodedDataLength"] > 0:
            visit.requests += 1
            visit.transferred += int(event["encodedDataLength"])

    def data(event: dict[str, Any]) -> None:
        if from_network.get(event["requestId"]):
            visit.decoded += int(event["dataLength"])

    cdp.on("Network.responseReceived", received)
    cdp.on("Network.requestServedFromCache", served_from_cache)
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.dataReceived", data)
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)  # let the last loadingFinished events arrive
    visit.first_paint_ms = page.evaluate(
        "() => { const p = performance.getEntriesByName('first-contentful-paint')[0];"
        " return p ? p.startTime : 0 }"
    )
    return visit


def run(browser: Any, base: str, link: str, *, reference: bool) -> tuple[Visit, Visit]:
    context = browser.new_context(base_url=base, locale="sv-SE")
    page = context.new_page()
    page.goto(link)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")  # the sign-in page's files do not count as cached
    if reference:
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.setExtraHTTPHeaders", {"headers": {"Accept-Encoding": "identity"}})
    first = measure(page, cdp, base + FORM)
    cdp.detach()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    if reference:
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.setExtraHTTPHeaders", {"headers": {"Accept-Encoding": "identity"}})
    again = measure(page, cdp, base + FORM)
    context.close()
    return first, again


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder)
        link = sign_in_link(instance)
        service = start_service(instance, args.port)
        base = f"http://127.0.0.1:{args.port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
                )
                # Taken in turns, so that the machine's load weighs on both alike.
                results: dict[str, list[tuple[Visit, Visit]]] = {"reference": [], "service": []}
                for _ in range(args.runs):
                    for name, runs in results.items():
                        runs.append(run(browser, base, link, reference=name == "reference"))
                browser.close()
        finally:
            service.terminate()
            service.wait(timeout=30)
    report(results)


def report(results: dict[str, list[tuple[Visit, Visit]]]) -> None:
    print(f"{'':<34}{'first visit':>28}{'next visit':>26}{'first paint':>14}")
    for name, label in (
        ("reference", "uncompressed, no cache (before)"),
        ("service", "compressed, cached by hash"),
    ):
        first, again = results[name][-1]
        paint = statistics.median(v[0].first_paint_ms for v in results[name])
        print(
            f"{label:<34}{first.transferred / 1000:>9.1f} KB in {first.requests} requests"
            f"{'':>4}{again.transferred / 1000:>8.1f} KB in {again.requests} requests"
            f"{paint:>10.0f} ms"
        )
    first, again = results["service"][-1]
    print(f"  (page and files decoded: {first.decoded / 1000:.1f} KB)")
    print(
        f"  next visit fetched: {', '.join(u.split('?')[0] for u in again.urls[: again.requests])}"
    )
    print("Targets: first visit <= 20 KB, next visit 1 request, first paint <= reference.")


if __name__ == "__main__":
    main()
