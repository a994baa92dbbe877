"""The region's overview with open samråd requests and a late reply, in Swedish and English:
the accessibility audit passes, and the late reply's plan opens with the keyboard."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from service.models import Consultation, ConsultationComment, ConsultationInvite, Response
from tests.browser.audit import audit, fill_quickly, send_quickly
from tests.browser.conftest import ADMIN
from tests.browser.keys import activate, metadata_values, tab_to

ORG = "karlshamn"
PLAN = "Detaljplan för Vägga hamn"


def ask_late(service: Any, response_id: str) -> None:
    """A request on the plan, answered by the region and late from Trafikverket."""
    database = Path(service.env["CHECKLISTOR_INSTANCE_PATH"]) / "checklistor.db"
    engine = create_engine(f"sqlite:///{database}")
    try:
        with Session(engine) as db:
            response = db.scalars(select(Response).where(Response.id == response_id)).one()
            consultation = Consultation(
                org=ORG,
                plan_id=response.plan_id,
                response_id=response.id,
                revision=response.revision,
                reply_by=dt.date.today() - dt.timedelta(days=5),
                created_at=dt.datetime.now() - dt.timedelta(days=26),
            )
            consultation.invites = [
                ConsultationInvite(org="region-blekinge", answered_at=dt.datetime.now()),
                ConsultationInvite(org="trafikverket"),
            ]
            db.add(consultation)
            db.flush()
            db.add(
                ConsultationComment(
                    consultation_id=consultation.id,
                    org="region-blekinge",
                    kind="synpunkt",
                    text="Bra läge för hållplatsen.",
                    sent_at=dt.datetime.now(),
                )
            )
            db.commit()
    finally:
        engine.dispose()


def test_the_overview_shows_open_requests_and_late_replies(
    catalogue: Any, signed_in: Any, service: Any
) -> None:
    form = catalogue.get("detaljplan")
    values = metadata_values(form, ORG)
    values["plan_name"] = PLAN
    page = signed_in(ORG)
    page.goto(f"/checklista/{form.id}/ny")
    fill_quickly(page, form, values)
    send_quickly(page)
    match = re.search(r"/svar/([0-9a-f]+)/kvitto/1", page.url)
    assert match, page.url
    page.context.close()
    ask_late(service, match.group(1))

    page = signed_in(ADMIN, viewport={"width": 1200, "height": 900})
    section = page.locator("h2", has_text="Samråd: förfrågningar om synpunkter")
    assert section.count() == 1
    row = page.locator(
        "table.consultations tbody tr", has=page.locator("th", has_text="Trafikverket")
    )
    assert row.locator("td").all_inner_texts() == ["0", "1", "1"]
    late = page.locator(".late-replies li", has_text=PLAN)
    assert "5 dagar sent" in late.inner_text()
    audit(page, "admin overview with samråd")

    href = late.locator("a").get_attribute("href")
    tab_to(page, f'.late-replies a[href="{href}"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/plan/" in page.url and PLAN in page.locator("h1").inner_text()

    page.goto("/admin/")
    activate(page, 'a[hreflang="en"]')
    assert page.locator("h2", has_text="requests for comments").count() == 1
    audit(page, "admin overview with samråd, in English", lang="en")
