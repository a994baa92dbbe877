"""The receipt e-mail: sent to the contact e-mail of a checklist each time it is submitted.

Swedish whatever language the page was in. It links to the response's page, which asks
for the organisation's sign-in link when needed; it never carries a sign-in link itself.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import render_template, url_for
from flask_babel import force_locale
from sqlalchemy.orm import Session

from forms import Form
from service.access import directory
from service.identity import current_identity
from service.mail import outbox
from service.models import Response, Revision
from service.runtime import current_settings
from service.views.formatting import local_datetime


def contact_email(form: Form, data: dict[str, object]) -> str:
    """The first e-mail field of the checklist's metadata, as answered."""
    metadata = data.get("metadata")
    if not isinstance(metadata, dict):
        return ""
    for spec in form.metadata:
        if spec.type == "email" and metadata.get(spec.id):
            return str(metadata[spec.id]).strip()
    return ""


def receipt_facts(form: Form, response: Response, revision: Revision) -> list[tuple[str, str]]:
    """What the receipt states, label and value; the one place to add a plan's reference."""
    metadata = (revision.data or {}).get("metadata") or {}
    org = directory().get(response.org)
    facts = [
        ("Organisation", org.name if org else response.org),
        ("Checklista", form.title),
        ("Plan", response.title),
    ]
    for field_id in ("diarienummer", "stage"):
        spec = form.find_field(field_id)
        if spec is not None and metadata.get(field_id):
            facts.append((spec.label, spec.choice_label(str(metadata[field_id]))))
    facts.append(("Version av svaret", str(revision.number)))
    facts.append(("Inskickad", local_datetime(revision.submitted_at)))
    return facts


def page_url(response: Response) -> str:
    """The response's page: where the receipt links (never a sign-in link)."""
    base = current_settings().public_url.rstrip("/")
    return base + url_for("fill.view", response_id=response.id)


def receipt(form: Form, response: Response, revision: Revision) -> outbox.Outgoing | None:
    """The receipt of one submitted revision, or None when no contact e-mail was given."""
    recipient = contact_email(form, revision.data or {})
    if not recipient:
        return None
    with force_locale("sv"):
        facts = receipt_facts(form, response, revision)
        values = {
            "facts": facts,
            "form": form,
            "plan": response.title,
            "url": page_url(response),
            "identity": current_identity(),
            "privacy_url": current_settings().public_url.rstrip("/")
            + url_for("about.personal_data"),
        }
        text = render_template("mail/receipt.txt", **values)
        html = render_template("mail/receipt.html", **values)
    stage = next((value for label, value in facts if label == "Skede"), "")
    subject = f"Kvitto: {form.short_title} för {response.title}" + (f", {stage}" if stage else "")
    return outbox.Outgoing(
        key=f"receipt:{response.id}:{revision.number}",
        recipient=recipient,
        subject=subject[:300],
        text=text,
        html=html,
    )


def enqueue_receipt(db: Session, form: Form, response: Response, revision: Revision) -> None:
    """Queue the receipt in the submission's transaction (the caller commits)."""
    message = receipt(form, response, revision)
    if message is not None:
        domain = urlsplit(current_settings().public_url).hostname or "localhost"
        outbox.enqueue(db, message, domain)
