"""Personal data in responses: which fields hold it, and removing it after the retention period.

`checklistor personal-data purge --older-than 3y` empties the fields that say who filled
a checklist in, in the working copy and in every submitted revision of each response not
changed since the cutoff; the answers, dates, statuses and revision numbers stay exactly as
they were. Submitted responses are queued for the spreadsheet sync again, so the mirrors
lose the fields too. Sent e-mails older than the cutoff (they hold addresses) are deleted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

import click
from sqlalchemy import CursorResult, Table, delete, or_, select, update
from sqlalchemy.orm import Session

from forms import Catalogue, Form, Status
from forms.model import Field
from service.catalogue import catalogue_for
from service.cli_app import command_runtime
from service.models import MailMessage, OutboxEntry, Response, Revision, utcnow

# Metadata that names or reaches a person (beside every e-mail field). Roles are asked for
# instead of names, but a role in a small organisation can point at one person.
ROLE_FIELDS = frozenset({"contact_role", "reviewer_role"})
# "Ditt namn eller din roll" on saves and versions: kept in the service, never mirrored.
AUTHOR = "by"
AGE = re.compile(r"^(\d+)\s*([dy])$")


def personal_fields(form: Form) -> list[Field]:
    return [spec for spec in form.metadata if spec.type == "email" or spec.id in ROLE_FIELDS]


def personal_ids(catalogue: Catalogue, form_id: str) -> set[str]:
    """Ids of personal fields in any version of a checklist (older versions included)."""
    return {spec.id for form in catalogue.versions(form_id) for spec in personal_fields(form)}


@dataclass(frozen=True)
class Found:
    """One response that holds personal data older than the cutoff."""

    response_id: str
    org: str
    form_id: str
    title: str
    updated_at: dt.datetime
    fields: tuple[str, ...]


def _held(data: dict[str, Any] | None, ids: set[str]) -> set[str]:
    metadata = (data or {}).get("metadata") or {}
    return {key for key in ids if metadata.get(key) not in (None, "")}


def _without(data: dict[str, Any] | None, ids: set[str]) -> dict[str, Any]:
    copy = dict(data or {})
    metadata = dict(copy.get("metadata") or {})
    copy["metadata"] = {k: v for k, v in metadata.items() if k not in ids}
    return copy


def find(db: Session, catalogue: Catalogue, cutoff: dt.datetime) -> Iterator[Found]:
    """Responses last changed before `cutoff` that still hold personal data."""
    ids_by_form: dict[str, set[str]] = {}
    query = select(Response).where(Response.updated_at < cutoff).order_by(Response.updated_at)
    for response in db.scalars(query):
        ids = ids_by_form.setdefault(response.form_id, personal_ids(catalogue, response.form_id))
        held = _held(response.data, ids)
        for revision in response.revisions:
            held |= _held(revision.data, ids)
        if response.updated_by or any(r.submitted_by for r in response.revisions):
            held.add(AUTHOR)
        if held:
            yield Found(
                response.id,
                response.org,
                response.form_id,
                response.title,
                response.updated_at,
                tuple(sorted(held)),
            )


def old_mail(cutoff: dt.datetime) -> Any:
    """Messages sent (or refused for good) and made before the cutoff."""
    return (
        MailMessage.created_at < cutoff,
        or_(MailMessage.sent_at.is_not(None), MailMessage.failed_at.is_not(None)),
    )


def purge(db: Session, catalogue: Catalogue, cutoff: dt.datetime) -> tuple[list[Found], int]:
    """Empty the personal fields older than the cutoff and delete old mail; commits.

    Plain UPDATEs of the JSON columns: no timestamps or lock versions move, so nothing but
    the personal fields changes (and an open edit page is not turned into a conflict).
    """
    found = list(find(db, catalogue, cutoff))
    responses = cast(Table, Response.__table__)
    revisions = cast(Table, Revision.__table__)
    for item in found:
        ids = set(item.fields)
        response = db.get(Response, item.response_id)
        assert response is not None
        db.execute(
            update(responses)
            .where(responses.c.id == item.response_id)
            .values(data=_without(response.data, ids), updated_by=None)
        )
        for revision in response.revisions:
            db.execute(
                update(revisions)
                .where(revisions.c.id == revision.id)
                .values(data=_without(revision.data, ids), submitted_by=None)
            )
        # The mirror row is rewritten without them (the author is never in a mirror).
        if response.status == Status.SUBMITTED and ids - {AUTHOR}:
            db.add(
                OutboxEntry(
                    target=response.org, response_id=response.id, revision=response.revision
                )
            )
    result = cast(CursorResult[Any], db.execute(delete(MailMessage).where(*old_mail(cutoff))))
    db.commit()
    return found, int(result.rowcount or 0)


def cutoff_for(older_than: str | None, retention_days: int, now: dt.datetime) -> dt.datetime:
    """'3y', '1095d' or a date (2024-01-01); None = the configured retention period."""
    if not older_than:
        return now - dt.timedelta(days=retention_days)
    match = AGE.match(older_than.strip().lower())
    if match:
        count, unit = int(match.group(1)), match.group(2)
        return now - dt.timedelta(days=count * (365 if unit == "y" else 1))
    try:
        return dt.datetime.combine(dt.date.fromisoformat(older_than.strip()), dt.time())
    except ValueError:
        raise click.BadParameter(
            f"'{older_than}' ska vara antal dagar eller år (1095d, 3y) eller ett datum (2024-01-01)",
            param_hint="--older-than",
        ) from None


@click.group("personal-data", help="Personuppgifter i tjänsten.")
def personal_data_group() -> None:
    pass


@personal_data_group.command("purge")
@click.option(
    "--older-than",
    help="Ålder: 1095d, 3y eller ett datum. Utan: lagringstiden i identitetsfilen.",
)
@click.option("--dry-run", is_flag=True, help="Visa bara vad som skulle tas bort.")
def purge_command(older_than: str | None, dry_run: bool) -> None:
    """Ta bort uppgifter om kontaktperson ur checklistor som inte ändrats sedan gränsen.

    Svaren på frågorna finns kvar. Skickade e-postmeddelanden äldre än gränsen tas bort.
    """
    runtime = command_runtime()
    cutoff = cutoff_for(older_than, runtime.identity.retention_days, utcnow())
    with runtime.session() as db:
        catalogue = catalogue_for(runtime, db)
        if dry_run:
            found = list(find(db, catalogue, cutoff))
            mails = len(list(db.scalars(select(MailMessage.id).where(*old_mail(cutoff)))))
        else:
            found, mails = purge(db, catalogue, cutoff)
        for item in found:
            click.echo(
                f"{item.updated_at:%Y-%m-%d}  {item.org}  {item.form_id}  {item.response_id}  "
                f"{item.title}: {', '.join(item.fields)}"
            )
    verb = "Skulle ta bort" if dry_run else "Tog bort"
    click.echo(
        f"{verb} personuppgifter ur {len(found)} checklistor och {mails} skickade "
        f"e-postmeddelanden, äldre än {cutoff:%Y-%m-%d}."
    )
