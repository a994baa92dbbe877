"""Delivering one message: by SMTP (CHECKLISTOR_SMTP_URL), or as an .eml file by default.

`smtp://user:password@host:587` speaks STARTTLS before anything else (the password never
goes in clear), `smtps://user:password@host:465` TLS from the first byte. Certificates are
checked against the system's trusted authorities.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import smtplib
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from service.identity import Identity
from service.models import MailMessage
from service.settings import Settings, StartupError

TIMEOUT = 30  # seconds for one answer from the mail server
DEFAULT_PORTS = {"smtp": 587, "smtps": 465}


class TransientMailError(Exception):
    """The server or the network refused for now; the message is tried again later."""


class PermanentMailError(Exception):
    """The server refused this message for good (e.g. the address does not exist)."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    implicit_tls: bool
    username: str
    password: str

    @property
    def label(self) -> str:
        scheme = "smtps" if self.implicit_tls else "smtp"
        return f"{scheme}://{self.host}:{self.port}"


def smtp_settings(url: str | None) -> SmtpSettings | None:
    """Parse CHECKLISTOR_SMTP_URL; a faulty value stops start-up with one line."""
    if not url:
        return None
    parts = urlsplit(str(url))
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise StartupError(
            "CHECKLISTOR_SMTP_URL ska se ut som smtp://namn:lösenord@server:587 (STARTTLS) "
            "eller smtps://namn:lösenord@server:465"
        )
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise StartupError("CHECKLISTOR_SMTP_URL har ett ogiltigt portnummer") from None
    return SmtpSettings(
        host=parts.hostname,
        port=port,
        implicit_tls=parts.scheme == "smtps",
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )


def sender_address(config: Settings) -> str:
    """CHECKLISTOR_MAIL_FROM, or (for .eml files only) an address at the public host."""
    if config.mail_from:
        return config.mail_from
    host = urlsplit(config.public_url).hostname or "localhost"
    return f"checklistor@{host}"


def check_settings(config: Settings) -> None:
    """At start-up: a usable SMTP URL, and a sender address whenever SMTP is used."""
    settings = smtp_settings(config.smtp_url)
    configured = config.mail_from
    if configured and "@" not in parseaddr(str(configured))[1]:
        raise StartupError(f"CHECKLISTOR_MAIL_FROM '{configured}' är inte en e-postadress")
    if settings is not None and not (settings.username + settings.password).isascii():
        # smtplib sends AUTH in ASCII only: say so now rather than at the first message.
        raise StartupError(
            "Namnet och lösenordet i CHECKLISTOR_SMTP_URL får bara innehålla ASCII-tecken "
            "(inga å, ä, ö)"
        )
    if settings is not None and not configured:
        raise StartupError(
            "CHECKLISTOR_MAIL_FROM behövs när CHECKLISTOR_SMTP_URL är satt "
            "(avsändaradressen, t.ex. checklistor@region.se)"
        )


def compose(message: MailMessage, sender: str, identity: Identity) -> EmailMessage:
    """The MIME message: plain text plus HTML, replies going to the help contact."""
    mail = EmailMessage()
    mail["From"] = Address(f"{identity.name} – Checklistor", addr_spec=sender)
    mail["To"] = message.recipient
    mail["Reply-To"] = Address(identity.help.name, addr_spec=identity.help.email)
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(message.created_at.replace(tzinfo=dt.UTC))
    mail["Message-ID"] = message.message_id
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies back
    mail["Content-Language"] = "sv"
    mail.set_content(message.body_text)
    mail.add_alternative(message.body_html, subtype="html")
    return mail


class Connection(Protocol):
    def send(self, mail: EmailMessage) -> None: ...


class EmlConnection:
    """Writes each message as <id>.eml into a folder, replacing a half-written earlier try."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, mail: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = str(mail["Message-ID"]).strip("<>").replace("/", "_")
        target = self.folder / f"{name}.eml"
        partial = target.with_suffix(".eml.part")
        partial.write_bytes(bytes(mail))
        os.replace(partial, target)


class SmtpConnection:
    def __init__(self, client: smtplib.SMTP) -> None:
        self.client = client

    def send(self, mail: EmailMessage) -> None:
        try:
            self.client.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise _refusal(code, text) from None
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
            if isinstance(exc, smtplib.SMTPSenderRefused):  # our address: a setting to fix
                raise TransientMailError(_reply(exc.smtp_code, exc.smtp_error)) from None
            raise _refusal(exc.smtp_code, exc.smtp_error) from None


def _reply(code: int, text: bytes | str) -> str:
    shown = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return f"e-postservern svarade {code} {shown}".strip()


def _refusal(code: int, text: bytes | str) -> Exception:
    if 500 <= code < 600:
        return PermanentMailError(_reply(code, text))
    return TransientMailError(_reply(code, text))


@contextlib.contextmanager
def open_smtp(settings: SmtpSettings) -> Iterator[SmtpConnection]:
    """One connection for a whole pass; connection trouble is a TransientMailError."""
    context = ssl.create_default_context()
    client: smtplib.SMTP | None = None
    try:
        if settings.implicit_tls:
            client = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=TIMEOUT, context=context
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT)
            client.starttls(context=context)
        if settings.username:
            client.login(settings.username, settings.password)
    except smtplib.SMTPAuthenticationError as exc:
        client.close()  # type: ignore[union-attr]  # set: login comes after connecting
        raise TransientMailError(
            f"inloggningen på {settings.label} nekades: {_reply(exc.smtp_code, exc.smtp_error)}"
        ) from None
    except (OSError, smtplib.SMTPException) as exc:
        if client is not None:
            client.close()
        raise TransientMailError(f"{settings.label} kan inte nås: {exc}") from None
    try:
        yield SmtpConnection(client)
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            client.quit()
        client.close()


@contextlib.contextmanager
def open_connection(config: Settings) -> Iterator[Connection]:
    settings = smtp_settings(config.smtp_url)
    if settings is None:
        yield EmlConnection(config.mail_folder)
        return
    with open_smtp(settings) as connection:
        yield connection
