"""Filling in with the script: autosave, the status line, asking before leaving, the live
section list, a stale tab that must not overwrite a newer save, comments on demand.
"""

from __future__ import annotations

import re
from typing import Any

from forms import Form
from tests.browser.audit import audit
from tests.browser.keys import checked_value, choose, planned_answer

FORM_ID = "detaljplan"
SAVED = re.compile(r"^Sparat \d\d:\d\d$")


def status(page: Any) -> str:
    text: str = page.locator("#save-status").inner_text()
    return text


def wait_saved(page: Any) -> None:
    """Wait until every change on the page is saved ("Sparat 10:41")."""
    page.locator("#save-status[data-state=saved]").wait_for()
    assert SAVED.match(status(page)), status(page)


def answer_and_wait(page: Any, item_name: str, value: str) -> None:
    page.check(f'input[name="{item_name}"][value="{value}"]')
    wait_saved(page)


def part_state(page: Any, part_id: str) -> str:
    text: str = page.locator(f"#part-{part_id}-status [data-state]").inner_text()
    return text


def test_answers_are_kept_after_following_a_link_away(catalogue: Any, signed_in: Any) -> None:
    form: Form = catalogue.get(FORM_ID)
    items = list(form.items)[:10]
    page = signed_in("solvesborg")
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"/checklista/{FORM_ID}/ny")
    assert page.get_attribute("#save-status", "role") == "status"
    for n, item in enumerate(items):
        choose(page, item, planned_answer(item, n))
    # The first save made the draft: the address is now the draft's own.
    page.wait_for_url(re.compile(r"/svar/[0-9a-f]+/andra"))
    draft = page.url.split("#")[0]
    # Away by the breadcrumb straight after the last answer (asking first if a save is
    # still on its way), then back: every answer is there.
    with page.expect_navigation():
        page.click(".breadcrumb a")
    assert page.url.endswith("/hem")
    page.goto(draft)
    for n, item in enumerate(items):
        assert checked_value(page, item) == planned_answer(item, n), item.id
    page.goto("/hem")
    path = draft.removeprefix(page.url.removesuffix("/hem"))
    row = page.locator("tbody tr", has=page.locator(f'a[href="{path}"]'))
    assert f"10 av {form.item_count}" in row.inner_text()


def test_with_saving_blocked_the_browser_asks_before_leaving(
    catalogue: Any, signed_in: Any
) -> None:
    form: Form = catalogue.get(FORM_ID)
    first, second = list(form.items)[:2]
    page = signed_in("lansstyrelsen-blekinge")
    page.goto(f"/checklista/{FORM_ID}/ny")
    page.route("**/autospara", lambda route: route.abort())
    page.check(f'input[name="{first.answer_name}"][value="nej"]')
    page.wait_for_function(
        "() => document.getElementById('save-status').textContent.startsWith('Kunde inte spara')"
    )
    assert page.locator("#save-status.save-problem").is_visible()
    audit(page, "form whose save failed")

    asked: list[str] = []

    def stay(dialog: Any) -> None:
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.click(".breadcrumb a")
    page.wait_for_timeout(300)
    assert asked == ["beforeunload"]
    assert "/checklista/" in page.url
    assert checked_value(page, first) == "nej"

    # The connection is back: the retry saves, and leaving no longer asks.
    page.unroute("**/autospara")
    wait_saved(page)
    answer_and_wait(page, second.answer_name, "ja")
    page.remove_listener("dialog", stay)
    page.on("dialog", lambda dialog: asked.append(dialog.type) or dialog.dismiss())
    with page.expect_navigation():
        page.click(".breadcrumb a")
    assert page.url.endswith("/hem") and asked == ["beforeunload"]


def test_the_section_list_follows_the_answers(catalogue: Any, signed_in: Any) -> None:
    form: Form = catalogue.get(FORM_ID)
    one, two = form.sections[0], form.sections[1]
    page = signed_in("olofstrom")
    page.goto(f"/checklista/{FORM_ID}/ny")
    count = page.locator(".progress-count")
    assert count.inner_text() == f"0 av {form.item_count} frågor besvarade"
    assert part_state(page, one.id) == "Inte påbörjat"
    page.check(f'input[name="{one.items[0].answer_name}"][value="ja"]')
    assert count.inner_text() == f"1 av {form.item_count} frågor besvarade"
    assert part_state(page, one.id) == "Pågår"
    for item in one.items[1:]:
        page.check(f'input[name="{item.answer_name}"][value="delvis"]')
    assert part_state(page, one.id) == "Klart"
    assert part_state(page, two.id) == "Inte påbörjat"
    following = page.locator(".next-missing a")
    assert following.get_attribute("href") == f"#{two.items[0].answer_name}"
    assert following.inner_text() == f"Nästa obesvarade fråga: {len(one.items) + 1}"
    page.fill("#m-plan_name", "Kv. Hamnen")
    assert part_state(page, "uppgifter") == "Pågår"
    audit(page, "form with the section list changed live")

    # The server draws the same from the saved draft.
    wait_saved(page)
    page.reload()
    assert count.inner_text() == f"{len(one.items)} av {form.item_count} frågor besvarade"
    assert part_state(page, one.id) == "Klart"
    assert part_state(page, "uppgifter") == "Pågår"
    assert following.get_attribute("href") == f"#{two.items[0].answer_name}"


def test_a_stale_tab_never_overwrites_a_newer_save(catalogue: Any, signed_in: Any) -> None:
    form: Form = catalogue.get(FORM_ID)
    first, second = list(form.items)[:2]
    page = signed_in("region-blekinge")
    page.goto(f"/checklista/{FORM_ID}/ny")
    page.fill("#m-plan_name", "Kv. Ankaret")
    wait_saved(page)
    draft = page.url
    other = page.context.new_page()
    other.goto(draft)

    answer_and_wait(page, first.answer_name, "ja")
    other.check(f'input[name="{second.answer_name}"][value="nej"]')
    other.wait_for_function(
        "() => document.getElementById('save-status').textContent.includes('annat fönster')"
    )
    audit(other, "form in conflict with a newer save")
    # The newer save is intact; the stale tab keeps what was chosen there.
    check = page.context.new_page()
    check.goto(draft)
    assert checked_value(check, first) == "ja" and checked_value(check, second) is None
    assert checked_value(other, second) == "nej"
    # Nothing more is saved from the stale tab until the person decides.
    other.fill("#m-plan_name", "Från den gamla fliken")
    other.wait_for_timeout(1800)
    check.reload()
    assert check.input_value("#m-plan_name") == "Kv. Ankaret"
    # Spara utkast shows the conflict with what was typed; saving again is the choice.
    with other.expect_navigation():
        other.click('button[value="draft"]')
    assert other.locator("h2", has_text="ändrats någon annanstans").is_visible()
    assert other.input_value("#m-plan_name") == "Från den gamla fliken"
    with other.expect_navigation():
        other.click('button[value="draft"]')
    check.reload()
    assert check.input_value("#m-plan_name") == "Från den gamla fliken"


def test_comment_boxes_open_on_demand_and_stay_open_with_text(
    catalogue: Any, signed_in: Any
) -> None:
    form: Form = catalogue.get(FORM_ID)
    item = next(form.items)
    page = signed_in("solvesborg")
    page.goto(f"/checklista/{FORM_ID}/ny")
    assert page.locator(f"#{item.comment_name}").is_hidden()
    add = page.locator(f"#item-{item.id} .add-comment")
    assert add.inner_text().startswith("Lägg till kommentar")
    add.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == item.comment_name
    page.keyboard.type("Bussen vänder vid skolan.")
    wait_saved(page)
    page.reload()
    assert page.locator(f"#{item.comment_name}").is_visible()
    assert page.input_value(f"#{item.comment_name}") == "Bussen vänder vid skolan."
    assert page.locator(f"#item-{item.id} .add-comment").count() == 0


def test_on_a_phone_the_parts_fold_and_the_action_bar_stays_in_view(
    catalogue: Any, signed_in: Any
) -> None:
    form: Form = catalogue.get(FORM_ID)
    page = signed_in("olofstrom", viewport={"width": 320, "height": 640})
    page.goto(f"/checklista/{FORM_ID}/ny")
    assert page.locator(".parts-box").get_attribute("open") is None
    assert page.locator(".parts-list").is_hidden()
    page.click(".parts-box summary")
    assert page.locator(".parts-list").is_visible()
    page.locator(f"#{form.sections[3].id}").scroll_into_view_if_needed()
    bar = page.locator(".action-bar").bounding_box()
    assert bar is not None and bar["y"] + bar["height"] <= 640 + 1
    audit(page, "form on a phone, list of parts open")
