"""Who stands behind the service: organisation, logo, contacts, data controller.

Read once at start-up from the identity file (instance/identity.yaml, CHECKLISTOR_IDENTITY,
or the shipped Region Blekinge default). Shown in every page's header and footer, on the
accessibility statement and the personal-data page, on the sign-in page and in e-mails.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from flask import Flask

from service.settings import StartupError

DEFAULT_FILE = Path(__file__).parent / "identity.yaml"
LOGO_NAMES = ("logo.svg", "logo.png")
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
STATUSES = ("full", "partly")
LEGAL_BASES = {
    "public_interest": "uppgift av allmänt intresse (artikel 6.1 e i dataskyddsförordningen)",
    "legitimate_interest": "berättigat intresse (artikel 6.1 f i dataskyddsförordningen)",
    "consent": "samtycke (artikel 6.1 a i dataskyddsförordningen)",
}


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class KnownIssue:
    what: str
    why: str


@dataclass(frozen=True)
class Accessibility:
    contact: Contact
    status: str  # "full" or "partly"
    known_issues: tuple[KnownIssue, ...]
    reviewed: dt.date
    published: dt.date
    updated: dt.date


@dataclass(frozen=True)
class Controller:
    contact: Contact
    org_number: str = ""
    dpo_email: str = ""


@dataclass(frozen=True)
class Identity:
    name: str
    website: str
    address: str
    logo: Path | None
    help: Contact
    accessibility: Accessibility
    controller: Controller
    legal_basis: str  # a sentence in Swedish
    retention_days: int

    @property
    def logo_type(self) -> str:
        return LOGO_TYPES[self.logo.suffix.lower()] if self.logo else ""


def current_identity() -> Identity:
    from service.runtime import current_runtime  # built on this module

    return current_runtime().identity


class _Reader:
    """Reads one identity file; every fault is one line naming the file and the key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def error(self, key: str, fault: str) -> StartupError:
        return StartupError(f"Fel i identitetsfilen {self.path}, {key}: {fault}")

    def section(self, raw: dict[str, Any], key: str) -> dict[str, Any]:
        value = raw.get(key)
        if not isinstance(value, dict):
            raise self.error(key, "saknas eller är inte en samling nyckel: värde")
        return value

    def text(self, raw: dict[str, Any], key: str, where: str, required: bool = True) -> str:
        value = raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.error(f"{where}.{key}", "saknas")
            return ""
        if not isinstance(value, str | int):
            raise self.error(f"{where}.{key}", "ska vara text")
        return " ".join(str(value).split())

    def contact(self, raw: dict[str, Any], where: str) -> Contact:
        email = self.text(raw, "email", where)
        if not EMAIL.match(email):
            raise self.error(f"{where}.email", f"'{email}' är inte en e-postadress")
        return Contact(
            name=self.text(raw, "name", where),
            email=email,
            phone=self.text(raw, "phone", where, required=False),
            address=self.text(raw, "address", where, required=False),
        )

    def date(self, raw: dict[str, Any], key: str, where: str) -> dt.date:
        value = raw.get(key)
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise self.error(f"{where}.{key}", "ska vara ett datum som 2026-11-29") from None


def load_identity(path: Path, instance: Path) -> Identity:
    """Read and check the identity file; a fault stops start-up with one line."""
    reader = _Reader(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise StartupError(f"Identitetsfilen {path} kan inte läsas ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", rad {mark.line + 1}" if mark else ""
        raise StartupError(f"Fel i identitetsfilen {path}{where}: YAML-syntaxfel") from None
    if not isinstance(raw, dict):
        raise StartupError(f"Fel i identitetsfilen {path}: ska vara en samling nyckel: värde")
    org = reader.section(raw, "organisation")
    access = reader.section(raw, "accessibility")
    controller = reader.section(raw, "controller")
    personal = reader.section(raw, "personal_data")
    status = access.get("status")
    if status not in STATUSES:
        raise reader.error("accessibility.status", f"ska vara en av {', '.join(STATUSES)}")
    issues = access.get("known_issues") or []
    if not isinstance(issues, list) or not all(isinstance(i, dict) for i in issues):
        raise reader.error("accessibility.known_issues", "ska vara en lista med what och why")
    basis = reader.text(personal, "legal_basis", "personal_data")
    days = personal.get("retention_days")
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise reader.error("personal_data.retention_days", "ska vara ett positivt heltal (dagar)")
    return Identity(
        name=reader.text(org, "name", "organisation"),
        website=reader.text(org, "website", "organisation", required=False),
        address=reader.text(org, "address", "organisation", required=False),
        logo=_logo(reader, raw.get("logo"), instance),
        help=reader.contact(reader.section(raw, "help"), "help"),
        accessibility=Accessibility(
            contact=reader.contact(access, "accessibility"),
            status=str(status),
            known_issues=tuple(
                KnownIssue(
                    reader.text(i, "what", "accessibility.known_issues"),
                    reader.text(i, "why", "accessibility.known_issues"),
                )
                for i in issues
            ),
            reviewed=reader.date(access, "reviewed", "accessibility"),
            published=reader.date(access, "published", "accessibility"),
            updated=reader.date(access, "updated", "accessibility"),
        ),
        controller=Controller(
            contact=reader.contact(controller, "controller"),
            org_number=reader.text(controller, "org_number", "controller", required=False),
            dpo_email=reader.text(controller, "dpo_email", "controller", required=False),
        ),
        legal_basis=LEGAL_BASES.get(basis, basis),
        retention_days=days,
    )


def _logo(reader: _Reader, configured: object, instance: Path) -> Path | None:
    """The logo file: as named (relative to the instance folder), else logo.svg/png there."""
    if configured:
        path = Path(str(configured))
        path = path if path.is_absolute() else instance / path
        if path.suffix.lower() not in LOGO_TYPES:
            raise reader.error("logo", f"{path.name} ska vara en SVG- eller PNG-fil")
        if not path.is_file():
            raise reader.error("logo", f"filen {path} finns inte")
        return path
    for name in LOGO_NAMES:
        if (instance / name).is_file():
            return instance / name
    return None


def tel_href(phone: str) -> str:
    """A phone number as written in Sweden (0455-73 40 00) as a tel: target (+46455734000)."""
    digits = re.sub(r"[^\d+]", "", phone)
    return "+46" + digits[1:] if digits.startswith("0") and not digits.startswith("00") else digits


def init_app(app: Flask) -> None:
    """The identity (read with the runtime) in every template, and the tel: filter."""
    app.context_processor(lambda: {"identity": current_identity()})
    app.add_template_filter(tel_href, "tel")
