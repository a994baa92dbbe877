"""The sending pass: claim unsent messages, deliver them one by one, mark each at once."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage

from sqlalchemy.orm import Session

from service.mail import outbox
from service.mail.transport import (
    Connection,
    PermanentMailError,
    TransientMailError,
    compose,
    open_connection,
    sender_address,
)
from service.models import MailMessage, utcnow
from service.runtime import Runtime
from service.sync.outbox import worker_id

log = logging.getLogger(__name__)


@dataclass
class PassResult:
    sent: int = 0
    failed: list[str] = field(default_factory=list)  # refused for good: "address: reason"
    retrying: int = 0
    error: str = ""  # why the rest of the pass waits (server away, refusing)


def send_pending(
    runtime: Runtime,
    *,
    force: bool = False,
    now: Callable[[], dt.datetime] = utcnow,
    owner: str | None = None,
    batches: int | None = None,
) -> PassResult:
    """One pass over the outbox; `force` also takes messages pausing after a refusal.

    `batches` caps the pass (the sync watcher sends one batch between its sheet passes).
    """
    result = PassResult()
    identity, sender = runtime.identity, sender_address(runtime.settings)

    def compose_for(message: MailMessage) -> EmailMessage:
        return compose(message, sender, identity)

    with runtime.session() as db:
        for _ in itertools.count() if batches is None else range(batches):
            claimed = outbox.claim(db, owner or worker_id(), now(), force=force)
            if not claimed:
                return result
            pending = list(claimed)
            try:
                with open_connection(runtime.settings) as connection:
                    while pending:
                        _deliver(db, connection, pending[0], compose_for, now(), result)
                        pending.pop(0)
            except (TransientMailError, OSError, smtplib.SMTPException) as exc:
                reason = str(exc) or type(exc).__name__
                for message in pending:
                    outbox.mark_retry(db, message, now(), reason)
                result.retrying += len(pending)
                result.error = reason
                log.warning("mail: %d message(s) wait: %s", len(pending), reason)
                return result
            # Another batch only while this one went through and there may be more.
            if result.retrying or len(claimed) < outbox.BATCH:
                return result
    return result


def _deliver(
    db: Session,
    connection: Connection,
    message: MailMessage,
    compose_for: Callable[[MailMessage], EmailMessage],
    now: dt.datetime,
    result: PassResult,
) -> None:
    """Send one message and record the outcome in its own commit."""
    try:
        mail = compose_for(message)
    except ValueError as exc:  # e.g. an address no header can hold: never sendable
        outbox.mark_failed(db, message, now, f"kan inte skrivas: {exc}")
        result.failed.append(f"{message.recipient}: {exc}")
        return
    try:
        connection.send(mail)
    except PermanentMailError as exc:
        outbox.mark_failed(db, message, now, str(exc))
        result.failed.append(f"{message.recipient}: {exc}")
    except TransientMailError as exc:  # this message only, e.g. a 451 for its address
        outbox.mark_retry(db, message, now, str(exc))
        result.retrying += 1
        result.error = str(exc)
    else:
        outbox.mark_sent(db, message, now)
        result.sent += 1
