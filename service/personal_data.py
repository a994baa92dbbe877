"""Personal data in responses: which fields hold it, and removing it after the retention period.

The answers stay; only the fields that say who filled a checklist in are emptied, in the
working copy and in every submitted revision. Submitted responses are queued for the
spreadsheet sync again, so the mirrors lose the fields too.
"""

from __future__ import annotations

from forms import Catalogue, Form
from forms.model import Field

# Metadata that names or reaches a person (beside every e-mail field). Roles are asked for
# instead of names, but a role in a small organisation can point at one person.
ROLE_FIELDS = frozenset({"contact_role", "reviewer_role"})


def personal_fields(form: Form) -> list[Field]:
    return [spec for spec in form.metadata if spec.type == "email" or spec.id in ROLE_FIELDS]


def personal_ids(catalogue: Catalogue, form_id: str) -> set[str]:
    """Ids of personal fields in any version of a checklist (older versions included)."""
    return {spec.id for form in catalogue.versions(form_id) for spec in personal_fields(form)}
