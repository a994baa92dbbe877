"""The organisations that answer the checklists, read from the instance config file."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from service.errors import StartupError
from service.sync import registry
from service.sync.kind import SettingsError, Target

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,62}$")
KINDS = {"municipality": "Kommun", "region": "Region", "agency": "Myndighet"}
DEFAULT_FILE = Path(__file__).parent / "organisations.yaml"
# Which checklists an organisation is expected to fill in when its entry says nothing.
DEFAULT_EXPECTS: dict[str, tuple[str, ...]] = {
    "municipality": ("oversiktsplan", "detaljplan"),
    "region": ("trafikforsorjningsprogram",),
    "agency": (),
}
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
KEYS = {
    "slug",
    "name",
    "kind",
    "code",
    "spreadsheet",
    "expects",
    "consulted_on",
    "notify_email",
}


@dataclass(frozen=True)
class Organisation:
    slug: str
    name: str
    kind: str
    code: str | None = None
    # Where this organisation's spreadsheet mirror lives (a sink kind and its checked
    # settings); None is the embedded default, a local .xlsx workbook.
    spreadsheet: Target | None = field(default=None, compare=False)
    # The checklists (ids) this organisation is expected to fill in; the rest are
    # "ej aktuellt" for it in the overviews.
    expects: tuple[str, ...] = ()
    # Read and checked here for the consultations; nothing else uses them yet.
    consulted_on: tuple[str, ...] = ()
    notify_email: str | None = None

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    def expected(self, form_id: str) -> bool:
        return form_id in self.expects


class Directory:
    """Organisations by slug, in the order of the config file."""

    def __init__(self, organisations: list[Organisation]) -> None:
        self._by_slug = {org.slug: org for org in organisations}

    def __iter__(self) -> Iterator[Organisation]:
        return iter(self._by_slug.values())

    def __len__(self) -> int:
        return len(self._by_slug)

    def get(self, slug: str) -> Organisation | None:
        return self._by_slug.get(slug)

    def slugs(self) -> list[str]:
        return list(self._by_slug)

    def expectations(self) -> dict[str, frozenset[str]]:
        """slug -> the checklist ids that organisation is expected to fill in."""
        return {org.slug: frozenset(org.expects) for org in self}


def _fail(path: Path, where: str, fault: str) -> StartupError:
    return StartupError(f"Fel i organisationsfilen {path}{', ' + where if where else ''}: {fault}")


def _form_ids(
    path: Path, where: str, key: str, value: Any, known: Collection[str] | None
) -> tuple[str, ...]:
    """A list of checklist ids (`expects`, `consulted_on`), each known when `known` is given."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(path, where, f"{key} ska vara en lista med checklistors id")
    for form_id in value:
        if known is not None and form_id not in known:
            raise _fail(
                path,
                where,
                f"{key}: checklistan '{form_id}' finns inte (kända: {', '.join(sorted(known))})",
            )
    return tuple(dict.fromkeys(value))


def load_directory(path: Path, known_forms: Collection[str] | None = None) -> Directory:
    """Read and check the organisations file; a fault stops start-up with one line.

    `known_forms` are the checklist ids `expects` and `consulted_on` may name.
    """
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _fail(path, "", f"filen kan inte läsas ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise _fail(path, f"rad {mark.line + 1}" if mark else "", "YAML-syntaxfel") from None
    entries = raw.get("organisations") if isinstance(raw, dict) else None
    if not isinstance(entries, list) or not entries:
        raise _fail(path, "", "listan 'organisations' saknas eller är tom")
    organisations: list[Organisation] = []
    seen: set[str] = set()
    for n, entry in enumerate(entries, 1):
        where = f"organisation {n}"
        if not isinstance(entry, dict):
            raise _fail(path, where, "ska vara en samling nyckel: värde")
        unknown = set(entry) - KEYS
        if unknown:
            raise _fail(path, where, f"okänd nyckel '{sorted(unknown)[0]}'")
        slug = entry.get("slug")
        if not isinstance(slug, str) or not SLUG_PATTERN.match(slug):
            raise _fail(path, where, f"slug '{slug}' ska vara små bokstäver a–z, siffror och -")
        if slug in seen:
            raise _fail(path, where, f"slug '{slug}' finns redan")
        seen.add(slug)
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _fail(path, f"organisationen '{slug}'", "namn saknas")
        kind = entry.get("kind")
        if kind not in KINDS:
            raise _fail(path, f"organisationen '{slug}'", f"kind ska vara en av {', '.join(KINDS)}")
        code = entry.get("code")
        spreadsheet = entry.get("spreadsheet") or {}
        if not isinstance(spreadsheet, dict):
            raise _fail(path, f"organisationen '{slug}'", "spreadsheet ska vara en samling")
        try:
            target = registry.target(spreadsheet)
        except SettingsError as exc:
            raise _fail(
                path, f"organisationen '{slug}', spreadsheet.{exc.field}", exc.message
            ) from None
        here = f"organisationen '{slug}'"
        expects = (
            _form_ids(path, here, "expects", entry["expects"] or [], known_forms)
            if "expects" in entry
            # Defaults name the shipped checklists; another region's set may lack some.
            else tuple(f for f in DEFAULT_EXPECTS[kind] if known_forms is None or f in known_forms)
        )
        consulted_on = _form_ids(
            path, here, "consulted_on", entry.get("consulted_on") or [], known_forms
        )
        email = entry.get("notify_email")
        if email is not None and (not isinstance(email, str) or not EMAIL_PATTERN.match(email)):
            raise _fail(path, here, f"notify_email '{email}' är ingen e-postadress")
        organisations.append(
            Organisation(
                slug,
                name.strip(),
                kind,
                str(code) if code else None,
                target,
                expects,
                consulted_on,
                email,
            )
        )
    return Directory(organisations)
