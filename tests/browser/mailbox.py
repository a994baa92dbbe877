"""A live service that sends its mail through a real SMTP server on loopback.

The server (tests/mail/smtp_server.py: STARTTLS, a password, a throw-away authority the
service trusts through SSL_CERT_FILE) keeps what arrives; a `checklistor sync --watch`
process beside the service sends the outbox, as in production. The organisations file
gives Karlskrona, Region Blekinge and Trafikverket a notification mailbox.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from support.live import free_port, stop, sync_worker
from tests.browser.conftest import Service, live_service
from tests.consultation_rows import MAILBOXES, organisations_file
from tests.mail.smtp_server import PASSWORD, USER, Arrived, Inbox, make_certificates, smtp_server

MAIL_FROM = "checklistor@regionblekinge.example"


@dataclass
class Mailbox:
    inbox: Inbox

    def to(self, slug: str) -> list[Arrived]:
        """What has arrived for an organisation's notification mailbox."""
        return [a for a in self.inbox.arrived if a.envelope_to == [MAILBOXES[slug]]]

    def wait_for(self, slug: str, subject: str, seconds: float = 30) -> Arrived:
        """The one message to `slug` whose subject starts so, once the sender has sent it."""
        deadline = time.monotonic() + seconds
        while True:
            found = [a for a in self.to(slug) if a.message["Subject"].startswith(subject)]
            if found:
                assert len(found) == 1, [a.message["Subject"] for a in found]
                return found[0]
            assert time.monotonic() < deadline, f"no {subject!r} to {slug} within {seconds} s"
            time.sleep(0.1)


def bodies(arrived: Arrived) -> tuple[str, str]:
    """The plain text and the HTML of a message."""
    mail = arrived.message
    return mail.get_body(("plain",)).get_content(), mail.get_body(("html",)).get_content()


@contextmanager
def mailing_service(folder: Path) -> Iterator[tuple[Service, Mailbox]]:
    """The service, its sync watcher and the SMTP server, all on loopback."""
    certificates = make_certificates(folder)
    port = free_port()
    settings = {
        "CHECKLISTOR_SMTP_URL": f"smtp://{USER}:{quote(PASSWORD, safe='')}@127.0.0.1:{port}",
        "CHECKLISTOR_MAIL_FROM": MAIL_FROM,
        "CHECKLISTOR_ORGANISATIONS": str(organisations_file(folder / "organisations")),
        "SSL_CERT_FILE": str(certificates.authority),
    }
    instance = folder / "instance"
    instance.mkdir()
    with smtp_server(certificates, port) as inbox, live_service(instance, **settings) as service:
        watcher = sync_worker(service.env, interval=0.3)
        try:
            yield service, Mailbox(inbox)
        finally:
            stop(watcher)
