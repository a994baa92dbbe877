"""Reflow and text size: at 320 px nothing scrolls sideways; at 200 % text every control works.

WCAG 2.1 1.4.10 (reflow at 320 CSS px) and 1.4.4 (text resized to 200 %). Text zoom is
the browser's default font size doubled, as a reader sets it in the preferences: every
size and breakpoint in the stylesheet is in rem or em, so all of it follows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from forms import Form
from tests.browser.audit import axe_violations, fill_quickly
from tests.browser.conftest import ADMIN
from tests.browser.keys import metadata_values

ORG = "region-blekinge"

# Anything wider than the viewport, or a box that scrolls sideways inside the page.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  if (document.documentElement.scrollWidth > width) {
    out.push(`page is ${document.documentElement.scrollWidth}px wide in ${width}px`);
  }
  for (const e of document.querySelectorAll('body *')) {
    const s = getComputedStyle(e);
    if (s.display === 'none' || s.visibility === 'hidden' || e.closest('.visually-hidden, .skip-link')) continue;
    if ((s.overflowX === 'auto' || s.overflowX === 'scroll') && e.scrollWidth > e.clientWidth + 1) {
      out.push(`${e.tagName}.${e.className} scrolls sideways (${e.scrollWidth} in ${e.clientWidth})`);
    }
    const r = e.getBoundingClientRect();
    if (r.width > 0 && (r.right > width + 1 || r.left < -1)) {
      out.push(`${e.tagName}.${e.className} reaches ${Math.round(r.left)}..${Math.round(r.right)}`);
    }
  }
  return out.slice(0, 8);
}"""

# Every control can be seen whole and is the thing found at its own centre (not covered).
CONTROLS = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  const controls = document.querySelectorAll('main a, main button, main input, main select, main textarea, header a, header button');
  for (const e of controls) {
    // Not shown until asked for: an empty comment box, the folded list of parts.
    if (e.closest('.visually-hidden, [hidden]') || e.type === 'hidden') continue;
    if (e.closest('details:not([open]) > :not(summary)')) continue;
    e.scrollIntoView({block: 'center'});
    const r = e.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) { out.push(`${e.outerHTML.slice(0, 80)} has no size`); continue; }
    if (r.left < -1 || r.right > width + 1) { out.push(`${e.outerHTML.slice(0, 80)} is cut off`); continue; }
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    const label = e.id ? document.querySelector(`label[for='${e.id}']`) : null;
    if (!hit || !(e.contains(hit) || hit.contains(e) || (label && label.contains(hit)))) {
      out.push(`${e.outerHTML.slice(0, 80)} is covered by ${hit ? hit.outerHTML.slice(0, 60) : 'nothing'}`);
    }
  }
  window.scrollTo(0, 0);
  return out.slice(0, 8);
}"""


def visit_pages(page: Any, admin: Any, form: Form) -> Iterator[str]:
    """Put the pages into each main state in turn, yielding the state's name."""
    page.goto("/")
    yield "start page"
    page.goto("/hem")
    yield "home"
    page.goto(f"/checklista/{form.id}/ny")
    yield "empty form"
    email = next(s for s in form.metadata if s.type == "email")
    page.fill(f"#{email.input_name}", "inte en adress")
    with page.expect_navigation():
        page.click('button[value="review"]')
    yield "form with errors"
    page.fill(f"#{email.input_name}", "")
    with page.expect_navigation():
        page.click('button[value="review"]')
    yield "check answers, with gaps"
    page.goto(page.url.replace("/kontrollera", "/andra"))
    fill_quickly(page, form, metadata_values(form, ORG))
    with page.expect_navigation():
        page.click('button[value="review"]')
    yield "check answers, complete"
    with page.expect_navigation():
        page.click('button[value="submit"]')
    yield "receipt"
    page.goto(page.url.split("/kvitto/")[0])
    yield "read-only view"
    page.goto("/hem")
    yield "home with a response"
    admin.goto("/admin/")
    yield "admin overview"
    admin.goto("/admin/export")
    yield "admin downloads"


def signed_in_pages(signed_in: Any, width: int, height: int) -> tuple[Any, Any]:
    viewport = {"width": width, "height": height}
    return signed_in(ORG, viewport=viewport), signed_in(ADMIN, viewport=viewport)


def test_nothing_scrolls_sideways_at_320_px_and_axe_passes(catalogue: Any, signed_in: Any) -> None:
    page, admin = signed_in_pages(signed_in, 320, 640)
    problems = []
    for state in visit_pages(page, admin, catalogue.get("detaljplan")):
        shown = admin if state.startswith("admin") else page
        problems += [f"{state}: {p}" for p in shown.evaluate(OVERFLOW)]
        problems += [f"{state}: {p}" for p in shown.evaluate(CONTROLS)]
        problems += [f"{state}: {p}" for p in axe_violations(shown)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", [1280, 640])
def test_every_control_works_with_text_at_200_percent(
    catalogue: Any, signed_in: Any, width: int
) -> None:
    page, admin = signed_in_pages(signed_in, width, 800)
    for shown in (page, admin):
        # The browser's own text size setting (as in its preferences): 16 px becomes 32 px.
        cdp = shown.context.new_cdp_session(shown)
        cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
    problems = []
    for state in visit_pages(page, admin, catalogue.get("oversiktsplan")):
        shown = admin if state.startswith("admin") else page
        size = shown.evaluate("() => getComputedStyle(document.body).fontSize")
        assert size == "32px", f"{state}: text is {size}"
        problems += [f"{state}: {p}" for p in shown.evaluate(OVERFLOW)]
        problems += [f"{state}: {p}" for p in shown.evaluate(CONTROLS)]
    assert not problems, "\n".join(problems)
