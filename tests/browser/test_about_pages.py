"""Who stands behind the service: from every page's footer to the accessibility statement
and the personal-data page, by keyboard, axe clean; the receipt e-mail names who sent it."""

from __future__ import annotations

import time
from email.parser import BytesParser
from email.policy import default
from pathlib import Path
from typing import Any

from forms import Form
from tests.browser.audit import audit, fill_quickly, send_quickly
from tests.browser.conftest import ADMIN
from tests.browser.keys import activate, metadata_values

ORG = "solvesborg"
FOOTER_LINKS = {
    "/tillganglighet": "Tillgänglighetsredogörelse",
    "/personuppgifter": "Personuppgifter och kakor",
}


def follow_footer(page: Any, lang: str = "sv") -> None:
    """From the page shown, reach both pages through its footer with the keyboard."""
    start = page.url
    footer = page.locator("footer.site-footer")
    assert footer.get_by_text("Region Blekinge").first.is_visible()
    assert footer.locator('a[href="mailto:region@regionblekinge.se"]').first.is_visible()
    for path, heading in FOOTER_LINKS.items():
        page.goto(start)
        activate(page, f'footer a[href="{path}"]')
        assert page.url.endswith(path)
        if lang == "sv":
            assert page.locator("h1").inner_text() == heading
        audit(page, f"{path} reached from {start}", lang=lang)


def test_both_pages_from_the_footer_of_every_public_page(new_context: Any, service: Any) -> None:
    page = new_context().new_page()
    for path, status in (
        ("/", 200),
        ("/hem", 401),
        ("/in/not-a-link", 404),
        ("/tillganglighet", 200),
    ):
        assert page.goto(path).status == status
        assert page.locator("header .brand-mark").inner_text() == "Region Blekinge"
        follow_footer(page)


def test_the_sign_in_page_says_who_sends_the_link_and_why(new_context: Any) -> None:
    page = new_context().new_page()
    page.goto("/hem")
    main = page.locator("main")
    assert main.get_by_role("heading", name="Vem skickar länken och varför?").is_visible()
    text = main.inner_text()
    assert "Region Blekinge driver tjänsten och ger varje organisation" in text
    assert "skickar aldrig inloggningslänkar i automatiska e-postmeddelanden" in text
    assert "region@regionblekinge.se" in text


def test_both_pages_from_the_footer_of_every_signed_in_page(
    catalogue: Any, signed_in: Any, service: Any
) -> None:
    page = signed_in(ORG)
    follow_footer(page)  # home
    form: Form = catalogue.get("trafikforsorjningsprogram")
    page.goto(f"/checklista/{form.id}/ny")
    follow_footer(page)  # an empty form
    page.goto(f"/checklista/{form.id}/ny")
    fill_quickly(page, form, metadata_values(form, ORG))
    send_quickly(page)
    assert "/kvitto/" in page.url
    follow_footer(page)  # the receipt
    page.goto(page.url.split("/kvitto/")[0])
    follow_footer(page)  # the read-only view

    admin = signed_in(ADMIN)
    for path in ("/admin/", "/admin/export", "/admin/checklistor/"):
        admin.goto(path)
        follow_footer(admin)


def test_the_pages_in_english(new_context: Any) -> None:
    page = new_context().new_page()
    page.goto("/sprak/en?next=/tillganglighet")
    assert page.locator("h1").inner_text() == "Accessibility statement"
    audit(page, "accessibility statement in English", lang="en")
    follow_footer(page, lang="en")


def test_the_receipt_e_mail_is_written_for_a_newcomer_to_read(
    catalogue: Any, signed_in: Any, service: Any
) -> None:
    """No SMTP configured: the sync process beside the server writes it as an .eml file."""
    mail_dir = Path(service.env["CHECKLISTOR_INSTANCE_PATH"]) / "mail"
    before = set(mail_dir.glob("*.eml")) if mail_dir.exists() else set()
    page = signed_in("karlshamn")
    form: Form = catalogue.get("oversiktsplan")
    page.goto(f"/checklista/{form.id}/ny")
    values = metadata_values(form, "karlshamn")
    fill_quickly(page, form, values)
    send_quickly(page)
    response_url = page.url.split("/kvitto/")[0]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        new = set(mail_dir.glob("*.eml")) - before if mail_dir.exists() else set()
        if new:
            break
        time.sleep(0.2)
    assert len(new) == 1, "no receipt was written within 30 s"
    mail = BytesParser(policy=default).parsebytes(new.pop().read_bytes())
    text = mail.get_body(("plain",)).get_content()
    assert mail["Subject"].startswith("Kvitto: Översiktsplan för ")
    assert "Karlshamns kommun har skickat in" in text
    assert response_url in text and "/in/" not in text
    assert "som Region Blekinge driver" in text
