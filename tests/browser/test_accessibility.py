"""axe-core (WCAG 2.1 A and AA) and the page basics on every page and state of the service."""

from __future__ import annotations

from typing import Any

from forms import Form
from tests.browser.audit import audit, fill_quickly
from tests.browser.conftest import ADMIN
from tests.browser.keys import metadata_values

ORG = "olofstrom"


def test_public_pages(new_context: Any, service: Any) -> None:
    page = new_context().new_page()
    page.goto("/")
    audit(page, "start page")
    assert page.goto("/hem").status == 401
    audit(page, "sign-in needed")
    assert page.goto("/in/not-a-valid-link").status == 404
    audit(page, "invalid link")


def test_organisation_pages_in_every_state(catalogue: Any, signed_in: Any, service: Any) -> None:
    page = signed_in(ORG)
    audit(page, "home without responses")
    for form in catalogue.current():
        page.goto(f"/checklista/{form.id}/ny")
        audit(page, f"empty form {form.id}")

    form: Form = catalogue.get("detaljplan")
    page.goto(f"/checklista/{form.id}/ny")
    email = next(s for s in form.metadata if s.type == "email")
    page.fill(f"#{email.input_name}", "inte en adress")
    with page.expect_navigation():
        page.click('button[value="review"]')
    assert page.locator(".error-summary").is_visible()
    audit(page, "form with errors")
    page.fill(f"#{email.input_name}", "")
    with page.expect_navigation():
        page.click('button[value="review"]')
    assert page.locator(".missing").is_visible()
    audit(page, "check answers with gaps")
    page.goto(page.url.replace("/kontrollera", "/andra"))

    values = metadata_values(form, ORG)
    page.fill(f"#{form.metadata[0].input_name}", values[form.metadata[0].id])
    with page.expect_navigation():
        page.click('button[value="draft"]')
    assert page.locator(".notice-success").is_visible()
    audit(page, "draft saved")

    # Two windows on one draft: saving from the older one is a conflict, not an overwrite.
    other = page.context.new_page()
    other.goto(page.url)
    with page.expect_navigation():
        page.click('button[value="draft"]')
    with other.expect_navigation():
        other.click('button[value="draft"]')
    assert other.locator("h2", has_text="ändrats någon annanstans").is_visible()
    audit(other, "conflict")
    other.close()

    page.goto(page.url)
    fill_quickly(page, form, values)
    page.click(f"#item-{next(iter(form.items)).id} .add-comment")
    page.fill(f"#{next(iter(form.items)).comment_name}", "En kommentar\npå två rader.")
    with page.expect_navigation():
        page.click('button[value="review"]')
    audit(page, "check answers, complete")
    with page.expect_navigation():
        page.click('button[value="submit"]')
    audit(page, "receipt")
    response_view = page.url.split("/kvitto/")[0]
    page.goto(response_view)
    audit(page, "read-only view")
    page.emulate_media(media="print")
    audit(page, "read-only view, printed", keyboard=False)
    page.emulate_media(media="screen")
    page.goto(response_view + "?revision=1")
    audit(page, "read-only view of a revision")

    # A second response left as a draft, so both lists show on the home page.
    page.goto("/checklista/oversiktsplan/ny")
    page.fill("#m-plan_name", "Översiktsplan 2040")
    with page.expect_navigation():
        page.click('button[value="draft"]')
    page.goto("/hem")
    assert page.locator("table").count() == 2
    audit(page, "home with drafts and submitted responses")
    assert page.goto("/svar/does-not-exist").status == 404
    audit(page, "not found")

    with page.expect_navigation():
        page.click("text=Logga ut")
    assert page.locator(".notice").is_visible()
    audit(page, "signed out")


def test_admin_pages(signed_in: Any, service: Any) -> None:
    page = signed_in(ADMIN)
    assert page.url.endswith("/admin/")
    audit(page, "admin overview")
    assert page.goto("/hem").status == 403
    audit(page, "admin on an organisation page")
