"""Samråd by keyboard alone: Karlskrona asks Region Blekinge and Trafikverket about a
detaljplan's samråd stage; both comment, the region marks a question "Behöver åtgärdas";
Karlskrona replies, sees it on the next stage's form and marks it handled there.
Every new page and state passes the accessibility audit.

The journey has its own service, which sends its mail through a real SMTP server on
loopback (tests/browser/mailbox.py): each organisation asked gets one notice, Karlskrona one
per organisation that sends, and each links to the page, never to a sign-in.

It also takes the README's pictures of samråd: to a temporary folder on every run, to the
repository with

    SCREENSHOT_DIR=docs/screenshots .venv/bin/pytest tests/browser/test_consultation_journey.py
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from forms import Form
from tests.browser.audit import audit, fill_quickly, send_quickly
from tests.browser.conftest import Service
from tests.browser.keys import activate, metadata_values, tab_to
from tests.browser.mailbox import Mailbox, bodies, mailing_service
from tests.mail.smtp_server import Arrived

ASKER = "karlskrona"
FORM_ID = "detaljplan"
VIEWPORT = {"width": 1000, "height": 760}  # as tests/browser/test_screenshots.py


@pytest.fixture(scope="module")
def mailing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, Mailbox]]:
    with mailing_service(tmp_path_factory.mktemp("samrad-mail")) as running:
        yield running


@pytest.fixture(scope="module")
def service(mailing: tuple[Service, Mailbox]) -> Service:
    """This file's own service (in place of the suite's): it sends its mail."""
    return mailing[0]


@pytest.fixture
def mailbox(mailing: tuple[Service, Mailbox]) -> Mailbox:
    return mailing[1]


def the_link(arrived: Arrived, url: str) -> str:
    """The page a notice links to, in both its text and its HTML; never a sign-in link."""
    text, html = bodies(arrived)
    assert url in text and f'<a href="{url}">' in html
    assert "/in/" not in text and "/in/" not in html
    return url


def shot(page: Any, folder: Path, name: str, selector: str) -> None:
    """The window's view with `selector` near its top, without the focus ring; the focus
    goes back where it was, so the keyboard journey goes on from there."""
    page.evaluate(
        """(s) => {
            window.focusedBeforeShot = document.activeElement;
            document.activeElement.blur();
            document.querySelector(s).scrollIntoView();
            window.scrollBy(0, -12);
        }""",
        selector,
    )
    page.screenshot(path=str(folder / f"{name}.png"))
    page.evaluate("() => window.focusedBeforeShot.focus({preventScroll: true})")
    assert (folder / f"{name}.png").stat().st_size > 5_000


def choose_kind(page: Any, item_id: str, steps: int) -> None:
    """From "Ingen bedömning" (checked), the arrow keys move to Instämmer (1), Synpunkt (2)
    or Behöver åtgärdas (3)."""
    tab_to(page, f'input[name="kind-{item_id}"]:checked')
    for _ in range(steps):
        page.keyboard.press("ArrowRight")


def test_a_samrad_round_by_keyboard(
    catalogue: Any, signed_in: Any, service: Service, mailbox: Mailbox, tmp_path: Path
) -> None:
    pictures = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    pictures.mkdir(parents=True, exist_ok=True)
    form: Form = catalogue.get(FORM_ID)
    first, second = list(form.items)[:2]
    values = {**metadata_values(form, ASKER), "plan_name": "Pantarholmen", "stage": "samrad"}

    karlskrona = signed_in(ASKER, viewport=VIEWPORT)
    karlskrona.goto(f"/checklista/{FORM_ID}/ny")
    fill_quickly(karlskrona, form, values, answer="delvis")
    send_quickly(karlskrona)  # setting up: the journey starts at the submitted stage
    activate(karlskrona, "a[href^='/plan/']")
    plan_url = karlskrona.url.split("#")[0]
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
    consultee_url = request_url + "/yttrande"
    audit(karlskrona, "request, nobody answered yet")

    # Each organisation asked (Länsstyrelsen was not) gets a notice linking to its page.
    for slug in ("region-blekinge", "trafikverket"):
        notice = mailbox.wait_for(slug, "Karlskrona kommun ber om synpunkter: Pantarholmen")
        the_link(notice, consultee_url)
        assert "Särskilt avsnittet om hållplatser." in bodies(notice)[0]

    # Region Blekinge: from its home to the request; a mistake first, then its comments.
    region = signed_in("region-blekinge", viewport=VIEWPORT)
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
    activate(region, "button[value='draft']")
    assert "Utkastet är sparat" in region.locator(".notice").inner_text()
    assert region.locator(f"#text-{first.id}").input_value().startswith("Hållplatsen")
    shot(region, pictures, "samrad-yttrande", f"#fraga-{first.id}")
    activate(region, "button[value='send']")
    assert "Dina synpunkter är skickade" in region.locator(".notice").inner_text()
    assert region.locator(".thread").count() == 2
    audit(region, "consultee's page after sending")
    notice = mailbox.wait_for(
        ASKER, "Synpunkter från Region Blekinge (med Blekingetrafiken): Pantarholmen"
    )
    the_link(notice, plan_url)
    assert "Behöver åtgärdas 1" in bodies(notice)[0]

    # Trafikverket comes from its notice, agrees to the second question and sees what the
    # region sent.
    verket = signed_in("trafikverket")
    verket.goto(the_link(mailbox.wait_for("trafikverket", "Karlskrona"), consultee_url))
    assert verket.url == consultee_url
    assert "Hållplatsen ligger för långt från entrén." in verket.locator("main").inner_text()
    choose_kind(verket, second.id, 1)
    activate(verket, "button[value='send']")
    assert "Dina synpunkter är skickade" in verket.locator(".notice").inner_text()
    notice = mailbox.wait_for(ASKER, "Synpunkter från Trafikverket: Pantarholmen")
    assert "Instämmer 1" in bodies(notice)[0]

    # Karlskrona: from the notice to the plan page, then the request; both have answered.
    karlskrona.goto(the_link(notice, plan_url))
    assert karlskrona.url == plan_url
    activate(karlskrona, f"a[href='{request_url.removeprefix(service.base_url)}']")
    assert "Besvarad av 2 av 2" in karlskrona.locator(".summary").inner_text()
    thread = karlskrona.locator(".thread-open").get_attribute("id").removeprefix("trad-")
    audit(karlskrona, "request with comments")
    tab_to(karlskrona, f"#reply-{thread}")
    karlskrona.keyboard.type("Vi ser över entrén till granskningen.")
    activate(karlskrona, f"#trad-{thread} form[action$='/svar'] button")
    assert "Ditt svar är skickat." in karlskrona.locator(".notice").inner_text()
    shot(karlskrona, pictures, "samrad-synpunkter", f"#fraga-{first.id}")

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
    shot(karlskrona, pictures, "samrad-nasta-skede", f"#item-{first.id}")

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

    # Every notice exactly once: the sender has passed many times since the last one.
    def subjects(slug: str) -> list[str]:
        return sorted(a.message["Subject"].split(":")[0] for a in mailbox.to(slug))

    assert subjects("region-blekinge") == ["Karlskrona kommun ber om synpunkter"]
    assert subjects("trafikverket") == ["Karlskrona kommun ber om synpunkter"]
    assert subjects(ASKER) == [
        "Synpunkter från Region Blekinge (med Blekingetrafiken)",
        "Synpunkter från Trafikverket",
    ]
