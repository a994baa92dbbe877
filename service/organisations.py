"""The organisations that answer the checklists, read from the instance config file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from service.errors import StartupError
from service.sync import registry
from service.sync.kind import SettingsError, Target

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,62}$")
KINDS = {"municipality": "Kommun", "region": "Region", "agency": "Myndighet"}
DEFAULT_FILE = Path(__file__).parent / "organisations.yaml"


@dataclass(frozen=True)
class Organisation:
    slug: str
    name: str
    kind: str
    code: str | None = None
    # Where this organisation's spreadsheet mirror lives (a sink kind and its checked
    # settings); None is the embedded default, a local .xlsx workbook.
    spreadsheet: Target | None = field(default=None, compare=False)

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


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


def _fail(path: Path, where: str, fault: str) -> StartupError:
    return StartupError(f"Fel i organisationsfilen {path}{', ' + where if where else ''}: {fault}")


def load_directory(path: Path) -> Directory:
    """Read and check the organisations file; a fault stops start-up with one line."""
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
        unknown = set(entry) - {"slug", "name", "kind", "code", "spreadsheet"}
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
        organisations.append(
            Organisation(slug, name.strip(), kind, str(code) if code else None, target)
        )
    return Directory(organisations)
