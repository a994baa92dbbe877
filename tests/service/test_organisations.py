"""The organisations file: who is expected to fill in which checklist, and its checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from forms import load_catalogue
from service.errors import StartupError
from service.organisations import DEFAULT_FILE, load_directory

KNOWN = {form.id for form in load_catalogue().current()}


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "organisations.yaml"
    path.write_text("organisations:\n" + body, encoding="utf-8")
    return path


def test_shipped_file_expects_what_the_region_agreed() -> None:
    orgs = load_directory(DEFAULT_FILE, KNOWN)
    assert orgs.get("karlskrona").expects == ("oversiktsplan", "detaljplan")
    assert orgs.get("region-blekinge").expects == ("trafikforsorjningsprogram",)
    assert orgs.get("trafikverket").expects == ()
    assert orgs.expectations()["olofstrom"] == frozenset({"oversiktsplan", "detaljplan"})
    assert not orgs.get("lansstyrelsen-blekinge").expected("detaljplan")


def test_expects_defaults_by_kind_and_takes_the_optional_consultation_keys(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        "  - {slug: kommunen, name: Kommunen, kind: municipality}\n"
        "  - {slug: regionen, name: Regionen, kind: region}\n"
        "  - {slug: verket, name: Verket, kind: agency, consulted_on: [detaljplan],\n"
        "     notify_email: registrator@verket.se}\n"
        "  - {slug: annan, name: Annan, kind: agency, expects: [detaljplan]}\n",
    )
    orgs = load_directory(path, KNOWN)
    assert orgs.get("kommunen").expects == ("oversiktsplan", "detaljplan")
    assert orgs.get("regionen").expects == ("trafikforsorjningsprogram",)
    assert orgs.get("verket").expects == ()
    assert orgs.get("verket").consulted_on == ("detaljplan",)
    assert orgs.get("verket").notify_email == "registrator@verket.se"
    assert orgs.get("annan").expects == ("detaljplan",)
    # Another region's checklists: the defaults keep only those that exist.
    assert load_directory(path, {"detaljplan"}).get("kommunen").expects == ("detaljplan",)


@pytest.mark.parametrize(
    ("entry", "fault"),
    [
        ("expects: [detaljplanen]", "expects: checklistan 'detaljplanen' finns inte"),
        ("expects: detaljplan", "expects ska vara en lista med checklistors id"),
        ("consulted_on: [x]", "consulted_on: checklistan 'x' finns inte"),
        ("notify_email: inte-en-adress", "notify_email 'inte-en-adress' är ingen e-postadress"),
    ],
)
def test_a_wrong_entry_stops_start_up_with_one_swedish_line(
    tmp_path: Path, entry: str, fault: str
) -> None:
    path = write(tmp_path, f"  - slug: verket\n    name: Verket\n    kind: agency\n    {entry}\n")
    with pytest.raises(StartupError) as caught:
        load_directory(path, KNOWN)
    message = str(caught.value)
    assert message.startswith(f"Fel i organisationsfilen {path}, organisationen 'verket': ")
    assert fault in message and "\n" not in message
