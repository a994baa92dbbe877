"""Samråd by keyboard alone: Karlskrona asks Region Blekinge and Trafikverket about a
detaljplan's samråd stage; both comment, the region marks a question "Behöver åtgärdas";
Karlskrona replies, sees it on the next stage's form and marks it handled there.
Every new page and state passes the accessibility audit.
"""

from __future__ import annotations

from typing import Any

from forms import Form
from tests.browser.audit import audit, fill_quickly, send_quickly
from tests.browser.keys import activate, metadata_values, tab_to

ASKER = "karlskrona"
FORM_ID = "detaljplan"


def choose_kind(page: Any, item_id: str, steps: int) -> None:
    """From "Ingen bedömning" (checked), the arrow keys move to Instämmer (1), Synpunkt (2)
    or Behöver åtgärdas (3)."""
    tab_to(page, f'input[name="kind-{item_id}"]:checked')
    for _ in range(steps):
        page.keyboard.press("ArrowRight")


def test_a_samrad_round_by_keyboard(catalogue: Any, signed_in: Any) -> None:
    form: Form = catalogue.get(FORM_ID)
    first, second = list(form.items)[:2]
    values = {**metadata_values(form, ASKER), "plan_name": "Pantarholmen", "stage": "samrad"}

    karlskrona = signed_in(ASKER)
    karlskrona.goto(f"/checklista/{FORM_ID}/ny")
    fill_quickly(karlskrona, form, values, answer="delvis")
    send_quickly(karlskrona)  # setting up: the journey starts at the submitted stage
    activate(karlskrona, "a[href^='/plan/']")
    audit(karlskrona, "plan page with Be om synpunkter")

    # Be om synpunkter: the usual three are chosen; Länsstyrelsen is left out this time.
    activate(karlskrona, "a[href$='/be-om-synpunkter']")
    assert karlskrona.locator("input[name='org']:checked").count() == 3
    audit(karlskrona, "ask for comments")
    tab_to(karlskrona, "#org-lansstyrelsen-blekinge")
    karlskrona.keyboard.press("Space")
    tab_to(karlskrona, "#message")
    karlskrona.keyboard.type("Särskilt avsnittet om hållplatser.")
    activate(karlskrona, "button[type='submit'].button")
    assert karlskrona.locator("h1").inner_text().startswith("Samråd om")
    assert "Skickad" in karlskrona.locator(".summary").inner_text()
    request_url = karlskrona.url.split("#")[0]
    audit(karlskrona, "request, nobody answered yet")

    # Region Blekinge: from its home to the request; a mistake first, then its comments.
    region = signed_in("region-blekinge")
    assert region.locator("#att-yttra").count() == 1
    audit(region, "home with Att yttra sig över")
    activate(region, "#att-yttra ~ .table-wrap a")
    audit(region, "consultee's page")
    activate(region, "button[value='send']")
    assert "Skriv minst en kommentar" in region.locator(".error-summary").inner_text()
    audit(region, "consultee's page, nothing to send")
    choose_kind(region, first.id, 3)
    tab_to(region, f"#text-{first.id}")
    region.keyboard.type("Hållplatsen ligger för långt från entrén.")
    tab_to(region, "#statement")
    region.keyboard.type("Region Blekinge tillstyrker med ändringar.")
    tab_to(region, "#by")
    region.keyboard.press("Control+A")
    region.keyboard.type("Kollektivtrafikplanerare")
    activate(region, "button[value='send']")
    assert "Dina synpunkter är skickade" in region.locator(".notice").inner_text()
    assert region.locator(".thread").count() == 2
    audit(region, "consultee's page after sending")

    # Trafikverket agrees to the second question and sees what the region sent.
    verket = signed_in("trafikverket")
    activate(verket, "#att-yttra ~ .table-wrap a")
    assert "Hållplatsen ligger för långt från entrén." in verket.locator("main").inner_text()
    choose_kind(verket, second.id, 1)
    activate(verket, "button[value='send']")
    assert "Dina synpunkter är skickade" in verket.locator(".notice").inner_text()

    # Karlskrona: both have answered; it replies to the thread that needs action.
    karlskrona.goto(request_url)
    karlskrona.reload()  # the audit's skip link left the page at #main: load it afresh
    assert "Besvarad av 2 av 2" in karlskrona.locator(".summary").inner_text()
    thread = karlskrona.locator(".thread-open").get_attribute("id").removeprefix("trad-")
    audit(karlskrona, "request with comments")
    tab_to(karlskrona, f"#reply-{thread}")
    karlskrona.keyboard.type("Vi ser över entrén till granskningen.")
    activate(karlskrona, f"#trad-{thread} form[action$='/svar'] button")
    assert "Ditt svar är skickat." in karlskrona.locator(".notice").inner_text()

    # The next stage's form shows the open thread at its question.
    activate(karlskrona, ".breadcrumb a")
    tab_to(karlskrona, "#stage")
    karlskrona.keyboard.type("Gr")  # the first stage starting so: Granskning
    assert karlskrona.locator("#stage").input_value() == "granskning"
    activate(karlskrona, ".next-stage button")
    form_url = karlskrona.url.split("#")[0]
    raised = karlskrona.locator(f"#item-{first.id} ~ .raised")
    assert "Vi ser över entrén till granskningen." in raised.first.inner_text()
    audit(karlskrona, "next stage with what needs action")

    # Marked handled from there, with a note of how; the form no longer shows it.
    activate(karlskrona, f".raised a[href$='#trad-{thread}']")
    tab_to(karlskrona, f"#note-{thread}")
    karlskrona.keyboard.type("Hållplatsen flyttad i granskningshandlingen")
    activate(karlskrona, f"#trad-{thread} form[action$='/hanterad'] button")
    assert "Hanterad" in karlskrona.locator(f"#trad-{thread}").inner_text()
    karlskrona.goto(form_url)
    karlskrona.reload()
    assert karlskrona.locator(".raised").count() == 0

    # The region sees how its comment was handled.
    region.reload()
    assert "Hållplatsen flyttad i granskningshandlingen" in region.locator("main").inner_text()
