"""Autosave, the no-JS save landing, the section list and Kontrollera dina svar."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

import brotli
from flask import Flask

import service
from forms import Form
from support.answers import complete_answers
from tests.service.test_fill import revision_count, stored

FORM_ID = "detaljplan"


def autosave(browser: Any, url: str, data: dict[str, str], page: str | None = None) -> Any:
    """Post to the autosave endpoint with the tokens of `page` (the form page) as fill.js does."""
    tokens = browser.tokens(page or url.replace("/autospara", "/andra"))
    return browser.client.post(url, data={**tokens, **data})


def test_the_first_autosave_creates_the_draft_and_later_ones_update_it(
    app: Flask, sign_in: Any, catalogue: Any
) -> None:
    form: Form = catalogue.latest(FORM_ID)
    first = next(form.items)
    browser = sign_in()
    new_page = f"/checklista/{FORM_ID}/ny"
    empty = autosave(browser, f"/checklista/{FORM_ID}/autospara", {}, page=new_page)
    assert empty.status_code == 200 and empty.get_json()["saved"] is False
    assert stored(app) == []

    reply = autosave(
        browser, f"/checklista/{FORM_ID}/autospara", {first.answer_name: "nej"}, page=new_page
    )
    body = reply.get_json()
    assert reply.status_code == 200 and body["saved"] is True and body["unsaved"] == {}
    [response] = stored(app)
    assert body["edit_url"] == f"/svar/{response.id}/andra"
    assert body["autosave_url"] == f"/svar/{response.id}/autospara"
    assert body["lock_version"] == response.lock_version
    assert response.status == "draft" and response.data["answers"][first.id]["value"] == "nej"

    again = autosave(browser, body["autosave_url"], {first.answer_name: "ja", "m-plan_name": "P"})
    assert again.status_code == 200
    [response] = stored(app)
    assert response.data["answers"][first.id]["value"] == "ja"
    assert response.data["metadata"]["plan_name"] == "P"
    assert again.get_json()["lock_version"] == response.lock_version > body["lock_version"]
    assert revision_count(app) == 0


def test_a_stale_tab_never_overwrites_a_newer_save(app: Flask, sign_in: Any) -> None:
    browser = sign_in()
    browser.post_form(f"/checklista/{FORM_ID}/ny", {"m-plan_name": "A"}, action="draft")
    [response] = stored(app)
    url = f"/svar/{response.id}/autospara"
    stale = browser.tokens(f"/svar/{response.id}/andra")
    assert autosave(browser, url, {"m-plan_name": "B"}).status_code == 200
    reply = browser.client.post(url, data={**stale, "m-plan_name": "C"})
    assert reply.status_code == 409 and reply.get_json() == {"error": "conflict"}
    [response] = stored(app)
    assert response.data["metadata"]["plan_name"] == "B"


def test_a_value_not_valid_yet_is_left_out_and_named(app: Flask, sign_in: Any) -> None:
    browser = sign_in()
    browser.post_form(
        f"/checklista/{FORM_ID}/ny",
        {"m-plan_name": "A", "m-contact_email": "a@b.se"},
        action="draft",
    )
    [response] = stored(app)
    reply = autosave(
        browser,
        f"/svar/{response.id}/autospara",
        {"m-plan_name": "Ny", "m-contact_email": "anna@"},
    )
    body = reply.get_json()
    assert reply.status_code == 200 and body["saved"] is True
    assert list(body["unsaved"]) == ["m-contact_email"]
    assert "e-postadress" in body["unsaved"]["m-contact_email"]
    [response] = stored(app)
    assert response.data["metadata"] == {"plan_name": "Ny", "contact_email": "a@b.se"}


def test_autosave_needs_the_page_token_and_the_owner(app: Flask, sign_in: Any) -> None:
    browser = sign_in()
    browser.post_form(f"/checklista/{FORM_ID}/ny", {"m-plan_name": "A"}, action="draft")
    [response] = stored(app)
    url = f"/svar/{response.id}/autospara"
    reply = browser.client.post(url, data={"m-plan_name": "X", "lock_version": "1"})
    assert reply.status_code == 400 and reply.get_json() == {"error": "stale-page"}
    other = sign_in("ronneby")
    tokens = other.tokens(f"/checklista/{FORM_ID}/ny")
    assert other.client.post(url, data={**tokens, "m-plan_name": "X"}).status_code == 404
    [response] = stored(app)
    assert response.data["metadata"]["plan_name"] == "A"


def test_autosaving_a_submitted_response_is_no_new_revision(
    app: Flask, sign_in: Any, catalogue: Any
) -> None:
    form: Form = catalogue.latest(FORM_ID)
    browser = sign_in()
    browser.post_form(f"/checklista/{FORM_ID}/ny", complete_answers(form))
    [response] = stored(app)
    first = next(form.items)
    reply = autosave(browser, f"/svar/{response.id}/autospara", {first.answer_name: "nej"})
    assert reply.status_code == 200
    [response] = stored(app)
    assert response.status == "submitted" and response.unsubmitted_changes
    assert revision_count(app) == 1


def test_saving_without_javascript_lands_on_the_changed_section(
    app: Flask, sign_in: Any, catalogue: Any
) -> None:
    form: Form = catalogue.latest(FORM_ID)
    third = form.sections[2]
    browser = sign_in()
    reply = browser.post_form(
        f"/checklista/{FORM_ID}/ny", {third.items[0].answer_name: "ja"}, action="draft"
    )
    [response] = stored(app)
    assert reply.status_code == 302
    assert reply.headers["Location"] == f"/svar/{response.id}/andra#{third.id}"
    page = browser.client.get(reply.headers["Location"]).get_data(as_text=True)
    # The confirmation is in the action bar, next to the buttons, not at the top.
    bar = page[page.index('class="action-bar"') :]
    assert "Utkastet är sparat" in bar[: bar.index('value="review"')]
    assert "Utkastet är sparat" not in browser.client.get(f"/svar/{response.id}/andra").get_data(
        as_text=True
    )
    # Saving again without a change lands on the first part still unfinished.
    again = browser.post_form(
        f"/svar/{response.id}/andra", {third.items[0].answer_name: "ja"}, action="draft"
    )
    assert again.headers["Location"].endswith("#uppgifter")


def test_the_section_list_shows_states_and_the_count(
    app: Flask, sign_in: Any, catalogue: Any
) -> None:
    form: Form = catalogue.latest(FORM_ID)
    first, second = form.sections[0], form.sections[1]
    data = {item.answer_name: "ja" for item in first.items}
    data[second.items[0].answer_name] = "delvis"
    browser = sign_in()
    browser.post_form(f"/checklista/{FORM_ID}/ny", data, action="draft")
    [response] = stored(app)
    page = browser.client.get(f"/svar/{response.id}/andra").get_data(as_text=True)
    total = sum(len(s.items) for s in form.sections)
    answered = len(first.items) + 1
    assert f"<span data-answered>{answered}</span> av {total} frågor besvarade" in page

    def state(part_id: str) -> str:
        match = re.search(rf'id="part-{part_id}-status">.*?data-state>([^<]+)<', page, re.S)
        assert match, part_id
        return match.group(1)

    assert state(first.id) == "Klart"
    assert state(second.id) == "Pågår"
    assert state(form.sections[2].id) == "Inte påbörjat"
    assert state("uppgifter") == "Inte påbörjat"
    assert f'href="#{second.items[1].answer_name}"' in page
    assert f"Nästa obesvarade fråga: {len(first.items) + 2}" in page


def test_check_answers_lists_the_missing_and_sends_only_when_complete(
    app: Flask, sign_in: Any, catalogue: Any
) -> None:
    form: Form = catalogue.latest(FORM_ID)
    items = list(form.items)
    complete = complete_answers(form)
    partial = {k: v for k, v in complete.items() if k not in (items[3].answer_name,)}
    browser = sign_in()
    reply = browser.post_form(f"/checklista/{FORM_ID}/ny", partial, action="review")
    [response] = stored(app)
    assert reply.headers["Location"] == f"/svar/{response.id}/kontrollera"
    review = f"/svar/{response.id}/kontrollera"
    page = browser.client.get(review).get_data(as_text=True)
    missing = page[page.index('class="missing"') : page.index("</section>")]
    assert re.findall(r'<a href="([^"]+)">', missing) == [
        f"/svar/{response.id}/andra#{items[3].answer_name}"
    ]
    assert f"Fråga 4: <span>{items[3].question}</span>" in missing
    assert 'value="submit"' not in page
    assert page.count(">Ändra<") == len(items) + len(form.metadata)
    # Posting Skicka in anyway sends nothing.
    lock = str(stored(app)[0].lock_version)
    tokens = {**browser.tokens(review), "lock_version": lock, "action": "submit"}
    sent = browser.client.post(review, data=tokens)
    assert sent.status_code == 422 and revision_count(app) == 0

    browser.post_form(
        f"/svar/{response.id}/andra", {**partial, items[3].answer_name: "nej"}, action="review"
    )
    page = browser.client.get(review).get_data(as_text=True)
    assert 'class="missing"' not in page and 'value="submit"' in page
    tokens = browser.tokens(review)
    # A change from another window since the page was opened: not sent, shown again.
    autosave(browser, f"/svar/{response.id}/autospara", {**partial, items[3].answer_name: "ja"})
    stale = browser.client.post(review, data={**tokens, "action": "submit"})
    assert stale.status_code == 409 and revision_count(app) == 0
    sent = browser.client.post(review, data={**browser.tokens(review), "action": "submit"})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/kvitto/1")
    [response] = stored(app)
    assert response.data["answers"][items[3].id]["value"] == "ja"
    assert revision_count(app) == 1


def cache_control(browser: Any, url: str) -> str:
    with browser.client.get(url) as reply:
        assert reply.status_code == 200
        return str(reply.headers["Cache-Control"])


def test_static_files_are_cached_for_good_under_their_hash_and_pages_compressed(
    sign_in: Any,
) -> None:
    browser = sign_in()
    page = browser.client.get(f"/checklista/{FORM_ID}/ny")
    html = page.get_data(as_text=True)
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert {a.split("?")[0] for a in assets} >= {"/static/style.css", "/static/fill.js"}
    for asset in assets:
        assert re.search(r"\?v=[0-9a-f]{12}$", asset), asset
        assert cache_control(browser, asset) == "public, max-age=31536000, immutable"
    assert cache_control(browser, "/static/style.css") == "no-cache"
    assert cache_control(browser, "/static/style.css?v=000000000000") == "no-cache"

    # Static files leave compressed ahead of time at the strongest level.
    css = next(a for a in assets if a.startswith("/static/style.css"))
    with browser.client.get(css, headers={"Accept-Encoding": "gzip, deflate, br"}) as reply:
        assert reply.headers["Content-Encoding"] == "br"
        source = (Path(service.__file__).parent / "static" / "style.css").read_bytes()
        assert brotli.decompress(reply.data) == source
        assert len(reply.data) < len(source) / 3

    zipped = browser.client.get(f"/checklista/{FORM_ID}/ny", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert len(zipped.data) < len(page.data) / 4
    assert 'value="review"' in gzip.decompress(zipped.data).decode()


def test_fortsatt_without_a_change_leaves_a_submitted_response_as_sent(
    app: Flask, sign_in: Any, catalogue: Any
) -> None:
    form: Form = catalogue.latest(FORM_ID)
    browser = sign_in()
    data = complete_answers(form)
    browser.post_form(f"/checklista/{FORM_ID}/ny", data)
    [response] = stored(app)
    lock = response.lock_version
    reply = browser.post_form(f"/svar/{response.id}/andra", data, action="review")
    assert reply.headers["Location"] == f"/svar/{response.id}/kontrollera"
    [response] = stored(app)
    assert not response.unsubmitted_changes and response.lock_version == lock
    changed = {**data, next(form.items).answer_name: "nej"}
    browser.post_form(f"/svar/{response.id}/andra", changed, action="review")
    [response] = stored(app)
    assert response.unsubmitted_changes and response.status == "submitted"
