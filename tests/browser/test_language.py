"""Swedish by default, English by a switch that is remembered, and no page mixes the two.

The checklists' own texts (questions, titles, choices) exist in Swedish only: on English
pages they are marked lang="sv", so assistive technology reads them as Swedish. The check
for mixed pages looks for Swedish letters (å, ä, ö) in any text not inside lang="sv".
"""

from __future__ import annotations

import time
from typing import Any

from forms import Form
from support.answers import complete_answers
from tests.browser.audit import audit, fill_quickly
from tests.browser.conftest import ADMIN
from tests.browser.keys import activate

ORG = "ronneby"

SWEDISH_OUTSIDE_SV = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim();
    const owner = walker.currentNode.parentElement;
    if (!/[åäöÅÄÖ]/.test(text) || owner.closest('script, style, textarea, .user-text')) continue;
    if (owner.closest('[lang]').getAttribute('lang') !== 'sv') out.push(text.slice(0, 90));
  }
  for (const e of document.querySelectorAll('[aria-label], [data-label], [title]')) {
    for (const name of ['aria-label', 'data-label', 'title']) {
      const value = e.getAttribute(name) || '';
      if (/[åäöÅÄÖ]/.test(value) && e.closest('[lang]').getAttribute('lang') !== 'sv') out.push(`${name}=${value}`);
    }
  }
  return out;
}"""


def english_values(form: Form) -> dict[str, str]:
    """Plan details typed by the user, in plain ASCII so they cannot look Swedish."""
    posted = complete_answers(form, text="Harbour plan", email="planner@ronneby.se", number="40")
    return {spec.id: posted[spec.input_name] for spec in form.metadata}


def test_swedish_by_default_english_by_a_remembered_switch(
    catalogue: Any, signed_in: Any, new_context: Any, service: Any
) -> None:
    page = signed_in(ORG)
    assert page.get_attribute("html", "lang") == "sv"
    assert page.locator("h2").first.inner_text() == "Fyll i en checklista"

    # The switch is a plain link, marked in its own language, reached by keyboard.
    switch = page.locator('a[hreflang="en"]')
    assert switch.inner_text() == "In English" and switch.get_attribute("lang") == "en"
    activate(page, 'a[hreflang="en"]')
    assert page.url.endswith("/hem")
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("h2").first.inner_text() == "Fill in a checklist"

    # Remembered for a year, in this browser and in a browser restored from its profile.
    cookie = next(c for c in page.context.cookies() if c["name"] == "checklistor_lang")
    assert cookie["value"] == "en" and cookie["expires"] > time.time() + 300 * 86400
    restored = new_context(storage_state=page.context.storage_state()).new_page()
    restored.goto("/")
    assert restored.get_attribute("html", "lang") == "en"
    assert restored.locator("h1").inner_text() == "Checklists for public transport in planning"

    # Every page and state in English: nothing Swedish unmarked, and axe passes.
    form: Form = catalogue.get("detaljplan")
    problems: list[str] = []

    def check(state: str, shown: Any = page) -> None:
        problems.extend(f"{state}: {text}" for text in shown.evaluate(SWEDISH_OUTSIDE_SV))
        audit(shown, f"English {state}", lang="en")

    check("home")
    page.goto("/")
    check("start page")
    page.goto(f"/checklista/{form.id}/ny")
    check("empty form")
    email = next(s for s in form.metadata if s.type == "email")
    page.fill(f"#{email.input_name}", "not an address")
    with page.expect_navigation():
        page.click('button[value="review"]')
    check("form with errors")
    page.fill(f"#{email.input_name}", "")
    with page.expect_navigation():
        page.click('button[value="review"]')
    assert page.locator("h1").inner_text() == "Check your answers"
    check("check answers, with gaps")
    page.goto(page.url.replace("/kontrollera", "/andra"))
    check("form with its parts in progress")
    fill_quickly(page, form, english_values(form))
    with page.expect_navigation():
        page.click('button[value="review"]')
    check("check answers, complete")
    with page.expect_navigation():
        page.click('button[value="submit"]')
    assert page.locator("h1").inner_text() == "The checklist has been submitted"
    check("receipt")
    view = page.url.split("/kvitto/")[0]
    page.goto(view)
    check("read-only view")
    # Dates keep the Swedish order (day month year) with the page's month names.
    assert "15 March 2026" in page.locator(".summary").nth(1).inner_text()
    page.goto("/hem")
    check("home with a response")
    page.goto("/svar/does-not-exist")
    check("not found")

    admin = new_context(storage_state=page.context.storage_state()).new_page()
    admin.goto(service.link(ADMIN))
    check("admin overview", admin)
    admin.goto("/admin/export")
    check("admin downloads", admin)
    assert not problems, "\n".join(problems)

    # Back to Swedish: the same view in Swedish words and Swedish dates.
    page.goto(view)
    activate(page, 'a[hreflang="sv"]')
    assert page.get_attribute("html", "lang") == "sv"
    assert "15 mars 2026" in page.locator(".summary").nth(1).inner_text()
    assert " kl. " in page.locator(".summary").first.inner_text()
    assert page.locator("h2").first.inner_text() == "Uppgifter om planen"
