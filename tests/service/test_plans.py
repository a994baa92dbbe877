"""Plans: reference numbers, stages in order, the next stage carried over, comparison,
who saved, the home page and the confirmation after submitting."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import threading
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import func, select

from service import plans
from service.db import get_db
from service.models import Plan, Response
from service.runtime import runtime_of, settings_of
from service.sync import registry
from service.views.plans import plan_link
from support.answers import complete_answers

FORM = "detaljplan"


def submit_new(browser: Any, form: Any, **fields: str) -> str:
    """Submit a new plan's first stage; returns the plan id."""
    data = {**complete_answers(form), **fields}
    reply = browser.post_form(f"/checklista/{form.id}/ny", data)
    assert reply.status_code == 302, reply.get_data(as_text=True)[:2000]
    response_id = reply.location.split("/svar/")[1].split("/")[0]
    with browser.app.app_context():
        return str(get_db().get(Response, response_id).plan_id)


def plan(app: Flask, plan_id: str) -> Plan:
    with app.app_context():
        found = get_db().get(Plan, plan_id)
        assert found is not None
        found.stages  # noqa: B018 (loaded while the session is open)
        for stage in found.stages:
            stage.revisions  # noqa: B018
        return found


def test_reference_numbers_run_per_organisation_checklist_and_year(
    app: Flask, sign_in: Any, catalogue: Any
) -> None:
    year = dt.datetime.now(dt.UTC).year
    karlskrona, ronneby = sign_in("karlskrona"), sign_in("ronneby")
    dp, op = catalogue.latest("detaljplan"), catalogue.latest("oversiktsplan")
    first = submit_new(karlskrona, dp)
    second = submit_new(karlskrona, dp)
    other_org = submit_new(ronneby, dp)
    other_form = submit_new(karlskrona, op)
    assert [plan(app, p).reference for p in (first, second, other_org, other_form)] == [
        f"DP-{year}-0001",
        f"DP-{year}-0002",
        f"DP-{year}-0001",
        f"OP-{year}-0001",
    ]


def test_plans_started_at_once_wait_for_each_other_and_a_rollback_leaves_nothing(
    app: Flask,
) -> None:
    """Two sessions take numbers at once: the second waits for the first's commit and takes
    the next; a plan whose save is rolled back leaves neither a plan nor a used number. The
    number is taken when the plan is written, so the wait is as short as it can be."""
    maker = runtime_of(app).sessionmaker
    first, second = maker(), maker()
    taken: list[str] = []

    def other() -> None:
        plan = plans.create(second, "karlskrona", FORM)
        second.flush()
        taken.append(plan.reference)
        second.commit()

    try:
        a = plans.create(first, "karlskrona", FORM)
        assert a.reference is None  # not yet written: no number held
        first.flush()
        assert a.reference.casefold() in a.search_text
        worker = threading.Thread(target=other)
        worker.start()
        worker.join(timeout=1)
        assert worker.is_alive()  # waiting on the number the first session holds
        first.commit()
        worker.join(timeout=20)
        assert not worker.is_alive()
        assert [a.reference[-4:], taken[0][-4:]] == ["0001", "0002"]

        plans.create(first, "karlskrona", FORM)
        first.flush()
        first.rollback()
        assert first.scalar(select(func.count()).select_from(Plan)) == 2
        third = plans.create(first, "karlskrona", FORM)
        first.commit()
        assert third.reference.endswith("-0003")
    finally:
        first.close()
        second.close()


def test_next_stage_is_prefilled_marked_and_unmarked_section_by_section(
    app: Flask, sign_in: Any, catalogue: Any
) -> None:
    form = catalogue.latest(FORM)
    browser = sign_in()
    plan_id = submit_new(browser, form, **{"m-stage": "samrad", "m-plan_name": "Hästö 4:12"})
    page = browser.client.get(f"/plan/{plan_id}").get_data(as_text=True)
    # The suggested stage is the one after samråd in the checklist's own order.
    assert re.search(r'<option value="underrattelse" selected', page)
    assert "Fyll i nästa skede" in page

    tokens = browser.tokens(f"/plan/{plan_id}")
    reply = browser.client.post(
        f"/plan/{plan_id}/nytt-skede",
        data={"csrf_token": tokens["csrf_token"], "stage": "granskning"},
    )
    assert reply.status_code == 302
    edit_url = reply.location
    page = browser.client.get(edit_url).get_data(as_text=True)
    assert "Svaren är överförda från" in page and "Samråd" in page
    first_section = form.sections[0]
    assert page.count('class="carried-tag"') == form.item_count
    item = first_section.items[0]
    assert re.search(rf'name="{item.answer_name}" value="ja"[^>]*checked', page)
    assert re.search(r'<option value="granskning" selected', page)

    # Saving the first section with its own button takes its marks away, only its.
    data = {**complete_answers(form), "m-stage": "granskning", "m-plan_name": "Hästö 4:12"}
    browser.post_form(edit_url, data, action=f"draft@{first_section.id}")
    page = browser.client.get(edit_url).get_data(as_text=True)
    assert page.count('class="carried-tag"') == form.item_count - len(first_section.items)

    # A second start while the draft is open leads back to it instead of a third stage.
    reply = browser.client.post(
        f"/plan/{plan_id}/nytt-skede",
        data={"csrf_token": tokens["csrf_token"], "stage": "antagande"},
    )
    assert reply.location.endswith(edit_url.split("localhost")[-1])
    assert len(plan(app, plan_id).stages) == 2

    browser.post_form(edit_url, data)  # submitting clears every mark
    with app.app_context():
        stages = get_db().scalars(select(Response).where(Response.plan_id == plan_id)).all()
        assert [s.carried_over for s in stages] == [None, None]


def test_an_unknown_stage_is_refused(app: Flask, sign_in: Any, catalogue: Any) -> None:
    browser = sign_in()
    plan_id = submit_new(browser, catalogue.latest(FORM))
    tokens = browser.tokens(f"/plan/{plan_id}")
    reply = browser.client.post(
        f"/plan/{plan_id}/nytt-skede", data={"csrf_token": tokens["csrf_token"], "stage": "x"}
    )
    assert reply.status_code == 400
    assert "Välj ett av skedena" in reply.get_data(as_text=True)
    assert len(plan(app, plan_id).stages) == 1


def test_comparison_shows_moves_in_words_and_filters_unchanged(
    app: Flask, sign_in: Any, catalogue: Any
) -> None:
    form = catalogue.latest(FORM)
    items = list(form.items)
    browser = sign_in()
    before = {**complete_answers(form, "nej"), "m-stage": "samrad"}
    plan_id = submit_new(browser, form, **before)
    response_id = plan(app, plan_id).stages[0].id
    after = {**before, items[0].answer_name: "delvis", items[1].comment_name: "Ny kommentar"}
    browser.post_form(f"/svar/{response_id}/andra", after)

    page = browser.client.get(f"/plan/{plan_id}").get_data(as_text=True)
    assert "2 frågor har ändrats" in page
    assert re.search(r"Nej</span> → <strong[^>]*>Delvis</strong>\s*<span[^>]*>\(bättre\)", page)
    assert "Ny kommentar" in page
    assert page.count('class="item-number"') == form.item_count  # every question

    revs = plans.revisions(plan(app, plan_id))
    only = browser.client.get(
        f"/plan/{plan_id}?fran={revs[0].id}&till={revs[1].id}&andrade=1"
    ).get_data(as_text=True)
    assert only.count('<tr class="changed">') == 2
    assert items[2].question not in only and only.count('class="item-number"') == 2
    missing = browser.client.get(f"/plan/{plan_id}?fran=999999&till={revs[1].id}")
    assert missing.status_code == 404


def test_plan_pages_belong_to_their_organisation(
    app: Flask, sign_in: Any, admin: Any, client: Any, catalogue: Any
) -> None:
    plan_id = submit_new(sign_in("karlskrona"), catalogue.latest(FORM))
    other = sign_in("ronneby")
    assert other.client.get(f"/plan/{plan_id}").status_code == 404
    tokens = other.tokens("/hem")
    reply = other.client.post(f"/plan/{plan_id}/nytt-skede", data={**tokens, "stage": "samrad"})
    assert reply.status_code == 404
    assert client.get(f"/plan/{plan_id}").status_code == 401
    assert admin.client.get(f"/plan/{plan_id}").status_code == 200
    assert len(plan(app, plan_id).stages) == 1


def test_who_saved_is_kept_shown_remembered_and_never_in_a_spreadsheet(
    app: Flask, sign_in: Any, catalogue: Any
) -> None:
    form = catalogue.latest(FORM)
    browser = sign_in()
    plan_id = submit_new(browser, form, by="Planarkitekt Eva Ek")
    page = browser.client.get(f"/plan/{plan_id}").get_data(as_text=True)
    assert "Planarkitekt Eva Ek" in page
    # Remembered in the browser session for the next form.
    assert 'value="Planarkitekt Eva Ek"' in browser.client.get(f"/checklista/{FORM}/ny").get_data(
        as_text=True
    )
    assert 'value="Planarkitekt Eva Ek"' not in sign_in().client.get(
        f"/checklista/{FORM}/ny"
    ).get_data(as_text=True)
    with browser.client.get("/hem/svar.xlsx") as reply:
        workbook = load_workbook(io.BytesIO(reply.get_data()))
    cells = [str(c) for ws in workbook for row in ws.iter_rows(values_only=True) for c in row]
    assert cells and not any("Eva Ek" in c for c in cells)

    too_long = browser.post_form(
        f"/checklista/{FORM}/ny", {**complete_answers(form), "by": "x" * 201}
    )
    assert too_long.status_code == 422
    assert "högst 200 tecken" in too_long.get_data(as_text=True)


@pytest.mark.parametrize("google", [False, True])
def test_the_confirmation_quotes_the_reference_and_offers_the_right_spreadsheet(
    app: Flask, sign_in: Any, catalogue: Any, google: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if google:
        directory = runtime_of(app).organisations
        org = dataclasses.replace(
            directory.get("karlskrona"), spreadsheet=registry.target({"google_key": "abc123"})
        )
        monkeypatch.setitem(directory._by_slug, "karlskrona", org)
    form = catalogue.latest(FORM)
    browser = sign_in()
    data = complete_answers(form)
    reply = browser.post_form(f"/checklista/{FORM}/ny", data)
    page = browser.client.get(reply.location).get_data(as_text=True)
    reference = plan(app, page.split('href="/plan/')[1].split('"')[0]).reference
    assert reference in page and "Checklistan är inskickad" in page
    assert f"{form.item_count} frågor besvarade" in page
    comments = sum(1 for k, v in data.items() if k.startswith("c-") and v)
    assert f"{comments} kommentarer" in page
    assert "er organisations kalkylblad" not in page
    assert ".pdf" in page
    if google:
        assert "https://docs.google.com/spreadsheets/d/abc123" in page
    else:
        assert "/hem/svar.xlsx" in page and "docs.google.com" not in page


def test_home_groups_by_year_searches_and_pages(app: Flask, sign_in: Any) -> None:
    with app.app_context():
        db = get_db()
        for n in range(60):
            made = plans.create(db, "karlskrona", FORM, dt.datetime(2025 - n % 2, 5, 1, 12))
            made.name = f"Plan {n}" + (" Hästö" if n == 7 else "")
            made.diarienummer = f"SBF 2025/{n:03d}"
            plans.set_details(made, {})
        db.commit()
    browser = sign_in()
    first = browser.client.get("/hem").get_data(as_text=True)
    assert "Sida 1 av 2" in first
    assert first.index("<h3>2025</h3>") < first.index("<h3>2024</h3>")
    second = browser.client.get("/hem?sida=2").get_data(as_text=True)
    assert "Sida 2 av 2" in second
    assert first.count("/plan/") + second.count("/plan/") == 60
    found = browser.client.get("/hem?q=HÄSTÖ").get_data(as_text=True)
    assert "1 plan matchar" in found and "Plan 7 Hästö" in found and "Plan 8" not in found
    by_number = browser.client.get("/hem?q=2025/013").get_data(as_text=True)
    assert "Plan 13" in by_number and "1 plan matchar" in by_number
    assert "0 planer matchar" in browser.client.get("/hem?q=100%25").get_data(as_text=True)


def test_plan_link_for_the_receipt_mail_needs_no_request(
    app: Flask, sign_in: Any, catalogue: Any
) -> None:
    form = catalogue.latest(FORM)
    plan_id = submit_new(sign_in(), form, **{"m-stage": "granskning", "m-plan_name": "Hästö"})
    with app.app_context():
        response = get_db().scalars(select(Response)).one()
        link = plan_link(get_db(), response)
    assert link.reference == plan(app, plan_id).reference
    assert (link.name, link.stage) == ("Hästö", "Granskning")
    assert link.url == f"{settings_of(app).public_url.rstrip('/')}/plan/{plan_id}"
    assert "/in/" not in link.url  # never a sign-in link


def test_stages_are_listed_in_the_checklists_order_and_the_next_follows_the_furthest(
    app: Flask, sign_in: Any, catalogue: Any
) -> None:
    form = catalogue.latest(FORM)
    browser = sign_in()
    plan_id = submit_new(browser, form, **{"m-stage": "granskning"})
    tokens = browser.tokens(f"/plan/{plan_id}")
    reply = browser.client.post(
        f"/plan/{plan_id}/nytt-skede", data={**tokens, "stage": "planuppdrag"}
    )
    browser.post_form(reply.location, {**complete_answers(form), "m-stage": "planuppdrag"})
    page = browser.client.get(f"/plan/{plan_id}").get_data(as_text=True)
    timeline = page.split('class="timeline"')[1].split("</table>")[0]
    assert timeline.index("Planuppdrag") < timeline.index("Granskning")
    # Filled in later, planuppdrag comes before granskning: next is the one after granskning.
    assert re.search(r'<option value="granskningsutlatande" selected', page)
