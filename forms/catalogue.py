"""All checklists the service offers, each with every version it knows."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from forms.loader import DefinitionError, load_form
from forms.model import Form

DEFINITIONS_DIR = Path(__file__).parent / "definitions"


class Catalogue:
    """Forms by id and version; the highest version of each id is the one to fill in."""

    def __init__(self, forms: Iterable[Form]) -> None:
        self._versions: dict[str, dict[int, Form]] = {}
        for form in forms:
            versions = self._versions.setdefault(form.id, {})
            if form.version in versions:
                other = versions[form.version].source
                raise DefinitionError(
                    form.source, "", f"version {form.version} av '{form.id}' finns redan i {other}"
                )
            versions[form.version] = form

    def __contains__(self, form_id: object) -> bool:
        return form_id in self._versions

    def current(self) -> list[Form]:
        """The version to fill in of every checklist, in a stable order."""
        return [self.latest(form_id) for form_id in self._versions]

    def latest(self, form_id: str) -> Form:
        versions = self._versions[form_id]
        return versions[max(versions)]

    def get(self, form_id: str, version: int | None = None) -> Form | None:
        versions = self._versions.get(form_id)
        if not versions:
            return None
        return versions.get(version if version is not None else max(versions))

    def versions(self, form_id: str) -> list[Form]:
        """Every known version of a checklist, oldest first."""
        versions = self._versions.get(form_id, {})
        return [versions[v] for v in sorted(versions)]

    def reference_prefix(self, form_id: str) -> str:
        """The short part of the checklist's reference numbers ("DP" in DP-2026-0007): as
        its newest version that states one says, so a version published without the setting
        keeps the series going; else made from the id."""
        stated = (f.reference_prefix for f in reversed(self.versions(form_id)))
        return next((p for p in stated if p), None) or default_prefix(form_id)


def default_prefix(form_id: str) -> str:
    """A reference prefix for a definition that states none: its id's first letters."""
    return "".join(c for c in form_id.upper() if c.isalnum())[:3] or "PL"


def load_catalogue(directory: Path = DEFINITIONS_DIR) -> Catalogue:
    """Load every `*.yaml` definition in `directory`; raises DefinitionError on the first fault."""
    if not directory.is_dir():
        raise DefinitionError(str(directory), "", "mappen med formulärdefinitioner finns inte")
    forms = [load_form(path) for path in sorted(directory.glob("*.yaml"))]
    if not forms:
        raise DefinitionError(
            str(directory), "", "mappen innehåller inga formulärdefinitioner (*.yaml)"
        )

    newest: dict[str, Form] = {}
    for form in forms:
        if form.id not in newest or form.version > newest[form.id].version:
            newest[form.id] = form

    def order(form: Form) -> tuple[bool, int, str]:
        # By the newest version's `order`; checklists without one last, by id.
        rank = newest[form.id].order
        return rank is None, rank or 0, form.id

    return Catalogue(sorted(forms, key=order))
