"""Checks every page must pass: axe-core at WCAG 2.1 A and AA, plus what axe cannot see.

Beyond axe: exactly one h1, the page's language, a working skip link as the first stop of
the keyboard, and a focus indicator that is actually drawn.
"""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe

from forms import Form

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

_axe = Axe()


def axe_violations(page: Any) -> list[str]:
    results = _axe.run(page, options={**WCAG_21_AA, "resultTypes": ["violations"]})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(", ".join(node["target"]) for node in v["nodes"][:5])
        for v in results.response["violations"]
    ]


def audit(page: Any, state: str, lang: str = "sv", keyboard: bool = True) -> None:
    """Assert that the page in its current state passes every check.

    keyboard=False leaves out the skip-link and focus checks (for print media).
    """
    problems = axe_violations(page)
    h1s = page.locator("h1").count()
    if h1s != 1:
        problems.append(f"{h1s} h1 elements")
    if page.get_attribute("html", "lang") != lang:
        problems.append(f"html lang is {page.get_attribute('html', 'lang')!r}, not {lang!r}")
    if not page.title().strip():
        problems.append("no title")
    if keyboard:
        problems += _skip_link_problems(page)
    assert not problems, f"{state} ({page.url}):\n  " + "\n  ".join(problems)


FOCUS_STYLE = (
    "() => { const e = document.activeElement; const s = getComputedStyle(e);"
    " const r = e.getBoundingClientRect();"
    " return {tag: e.tagName, cls: e.className, href: e.getAttribute('href'),"
    " drawn: s.outlineStyle !== 'none' || s.boxShadow !== 'none',"
    " onScreen: r.left >= 0 && r.top >= 0 && r.width > 0} }"
)


def _skip_link_problems(page: Any) -> list[str]:
    """On a page where nothing has focus yet, Tab reaches the skip link first."""
    if not page.evaluate("() => document.activeElement === document.body"):
        return []  # e.g. the error summary took focus on load, as it should
    if page.evaluate("() => location.hash"):
        return []  # opened at a part of the page: Tab rightly continues from there
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUS_STYLE)
    if first["cls"] != "skip-link" or first["href"] != "#main":
        return [f"the first Tab stop is not the skip link: {first}"]
    problems = []
    if not (first["onScreen"] and first["drawn"]):
        problems.append(f"the focused skip link is not visible: {first}")
    page.keyboard.press("Enter")
    if page.evaluate("() => document.activeElement.id") != "main":
        problems.append("the skip link does not move focus to the main content")
    page.keyboard.press("Tab")
    after = page.evaluate(FOCUS_STYLE)
    if after["tag"] != "BODY" and not after["drawn"]:
        problems.append(f"no visible focus indicator on {after}")
    return problems


def fill_quickly(page: Any, form: Form, values: dict[str, str], answer: str = "ja") -> None:
    """Fill in a whole form through Playwright's fill/check (for setting up states)."""
    for spec in form.metadata:
        selector = f"#{spec.input_name}"
        if spec.type == "choice":
            page.select_option(selector, values[spec.id])
        else:
            page.fill(selector, values[spec.id])
    for item in form.items:
        page.check(f'input[name="{item.answer_name}"][value="{answer}"]')


def send_quickly(page: Any) -> None:
    """Fortsätt, then Skicka in on Kontrollera dina svar (for setting up states)."""
    with page.expect_navigation():
        page.click('button[value="review"]')
    with page.expect_navigation():
        page.click('button[value="submit"]')
