"""Mirroring submitted responses into each organisation's spreadsheet, exactly once.

The outbox (written in the response's own transaction) says what to mirror; the worker
drains it into one sink per organisation, of the kind its `spreadsheet:` setting in
organisations.yaml names (service/sync/registry.py): a local .xlsx workbook by default, a
Google Sheet (`google_key`), or an Excel workbook in Microsoft 365 (`drive_id`/`item_id`
or `sharing_url`).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.models import Response
from service.sync import outbox


def enqueue(db: Session, response: Response) -> None:
    """Mirror the response's newly submitted revision (drafts are never mirrored).

    Call it in the submission's own transaction, before its commit: the mirror can then
    never miss a submission, nor mirror one that was rolled back. The only way in for
    code outside the sync package.
    """
    outbox.enqueue(db, response)
