"""Who stands behind the service: the identity file in header, footer and the two pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask

from service import create_app
from service.errors import StartupError
from service.identity import DEFAULT_FILE, tel_href

LOGO = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>'


def custom_identity(instance: Path, **changes: Any) -> dict[str, Any]:
    """Region Kronoberg instead of Blekinge, written to instance/identity.yaml."""
    raw = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
    raw["organisation"] = {"name": "Region Kronoberg", "website": "https://kronoberg.example"}
    raw["help"] = {
        "name": "Kollektivtrafikenheten",
        "email": "hjalp@kronoberg.example",
        "phone": "0470-58 30 00",
    }
    raw["accessibility"]["email"] = "tillganglighet@kronoberg.example"
    raw["accessibility"]["status"] = "full"
    raw["accessibility"]["known_issues"] = []
    raw["controller"]["name"] = "Regionstyrelsen i Region Kronoberg"
    raw["personal_data"]["retention_days"] = 400
    raw.update(changes)
    instance.mkdir(parents=True, exist_ok=True)
    (instance / "identity.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    return raw


def make_app(tmp_path: Path, database_url: str) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": database_url,
        }
    )


def test_the_shipped_identity_is_region_blekinge_in_header_and_footer(client: Any) -> None:
    page = client.get("/").get_data(as_text=True)
    header = page[page.index("<header") : page.index("</header>")]
    footer = page[page.index("<footer") : page.index("</footer>")]
    assert '<span class="brand-mark">Region Blekinge</span>' in header  # a text mark: no logo
    assert "Tjänsten drivs av <span>Region Blekinge</span>" in footer
    assert 'href="mailto:region@regionblekinge.se"' in footer
    assert 'href="tel:+46455734000"' in footer
    assert 'href="/tillganglighet"' in footer and 'href="/personuppgifter"' in footer
    assert 'rel="icon" href="/favicon.ico"' in page


def test_a_configured_identity_with_a_logo_replaces_every_mention(
    tmp_path: Path, database_url: str
) -> None:
    instance = tmp_path / "instance"
    custom_identity(instance)
    (instance / "logo.svg").write_text(LOGO, "utf-8")
    client = make_app(tmp_path, database_url).test_client()

    start = client.get("/").get_data(as_text=True)
    assert '<img class="brand-logo" src="/logotyp" alt="Region Kronoberg">' in start
    assert "Blekinge</span>" not in start[start.index("<header") : start.index("</header>")]
    assert "hjalp@kronoberg.example" in start and "tillganglighet@kronoberg.example" in start
    assert "regionblekinge" not in start
    logo = client.get("/logotyp")
    assert (
        logo.status_code == 200 and logo.mimetype == "image/svg+xml" and logo.data == LOGO.encode()
    )

    signin = client.get("/hem")
    assert signin.status_code == 401
    text = signin.get_data(as_text=True)
    assert "<span>Region Kronoberg</span> driver tjänsten och ger varje organisation" in text
    assert (
        'Kontakta <span>Kollektivtrafikenheten</span> (<a href="mailto:hjalp@kronoberg.example">'
        in text
    )
    invalid = client.get("/in/not-a-link").get_data(as_text=True)
    assert "be om en ny länk: <span>Kollektivtrafikenheten</span>" in invalid

    statement = client.get("/tillganglighet").get_data(as_text=True)
    assert "Tjänsten är helt förenlig med lagen" in statement
    assert "Vi känner inte till något innehåll som inte är tillgängligt." in statement
    notice = client.get("/personuppgifter").get_data(as_text=True)
    assert "<span>Regionstyrelsen i Region Kronoberg</span> är personuppgiftsansvarig" in notice
    assert "400 dagar efter att den senast ändrades" in notice


def test_the_accessibility_statement_follows_diggs_structure(client: Any) -> None:
    page = client.get("/tillganglighet")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    headings = [
        "Hur tillgänglig är tjänsten?",
        "Vad kan du göra om du inte kan använda delar av tjänsten?",
        "Rapportera brister i tjänstens tillgänglighet",
        "Tillsyn",
        "Teknisk information om tjänstens tillgänglighet",
        "Innehåll som inte är tillgängligt",
        "Hur vi testat tjänsten",
    ]
    positions = [text.index(f"<h2>{h}</h2>") for h in headings]
    assert positions == sorted(positions)
    assert "delvis förenlig med lagen" in text and "EN 301 549" in text
    assert "Arbetsböckerna som laddas ner (.xlsx)" in text  # the shipped known issue
    assert 'href="https://www.digg.se/tdosanmalan"' in text
    assert "axe-core" in text and "320 pixlars bredd" in text and "JavaScript avstängt" in text
    assert "Senaste bedömningen gjordes 29 november 2026." in text


def test_the_personal_data_page_names_fields_cookies_and_rights(client: Any, app: Flask) -> None:
    text = client.get("/personuppgifter").get_data(as_text=True)
    assert "E-post till kontaktperson" in text and "Kontaktperson, roll" in text
    assert "uppgift av allmänt intresse" in text
    assert f"<code>{app.config['SESSION_COOKIE_NAME']}</code>" in text
    assert "<code>checklistor_lang</code>" in text
    assert "1095 dagar efter att den senast ändrades" in text
    assert "Integritetsskyddsmyndigheten" in text
    assert 'href="mailto:dataskyddsombud@regionblekinge.se"' in text


def test_every_error_page_names_the_help_contact(client: Any) -> None:
    page = client.get("/svar/does-not-exist")
    assert page.status_code in (401, 404)
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    assert "Behöver du hjälp? Kontakta <span>Region Blekinge" in missing.get_data(as_text=True)


def test_the_favicon_is_an_icon(client: Any) -> None:
    with client.get("/favicon.ico") as icon:
        assert icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00"
    with client.get("/static/favicon.svg") as svg:
        assert svg.status_code == 200


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"help": {"name": "Hjälp", "email": "inte-en-adress"}}, "help.email: 'inte-en-adress'"),
        ({"logo": "saknas.svg"}, "logo: filen"),
        ({"logo": "logo.gif"}, "logo: logo.gif ska vara en SVG- eller PNG-fil"),
        ({"personal_data": {"legal_basis": "consent", "retention_days": 0}}, "retention_days"),
    ],
)
def test_a_faulty_identity_file_stops_start_up_with_one_line(
    tmp_path: Path, database_url: str, change: dict[str, Any], message: str
) -> None:
    custom_identity(tmp_path / "instance", **change)
    with pytest.raises(StartupError) as caught:
        make_app(tmp_path, database_url)
    assert "identitetsfilen" in str(caught.value) and message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_swedish_phone_numbers_become_international_tel_links() -> None:
    assert tel_href("0455-73 40 00") == "+46455734000"
    assert tel_href("+46 455 73 40 00") == "+46455734000"
