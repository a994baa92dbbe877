"""A real SMTP server on loopback (aiosmtpd) with TLS and a password, that keeps what arrives.

It speaks STARTTLS on a plain port (`smtp://`) or TLS from the first byte (`smtps://`),
with a certificate from a throw-away authority that the client is told to trust through
SSL_CERT_FILE, exactly as an operator would add a private authority. It can refuse the
next messages (451, as a busy server does), refuse an address for good (550), or hold one
message unanswered so a test can kill the sender at that moment.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USER, PASSWORD = "checklistor", "hemligt:l@sen/1 %"  # URL-quoted in the SMTP URL


@dataclass
class Arrived:
    envelope_to: list[str]
    message: EmailMessage
    user: str
    tls: bool


@dataclass
class Inbox:
    """The handler: what arrived, and how to misbehave."""

    arrived: list[Arrived] = field(default_factory=list)
    refuse_next: int = 0  # answer 451 to this many messages
    reject: set[str] = field(default_factory=set)  # addresses answered 550
    hold_at: int | None = None  # the n-th message is held until `release` is set
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.reject:
            return "550 5.1.1 Adressen finns inte"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_next > 0:
            self.refuse_next -= 1
            return "451 4.3.0 Servern är upptagen, försök igen senare"
        if self.hold_at is not None and len(self.arrived) + 1 == self.hold_at:
            self.hold_at = None
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Avbrutet"  # the sender is gone: nothing is kept
        login = session.auth_data.login.decode() if session.auth_data else ""
        message = BytesParser(policy=default).parsebytes(envelope.original_content)
        assert isinstance(message, EmailMessage)
        self.arrived.append(Arrived(list(envelope.rcpt_tos), message, login, bool(session.ssl)))
        return "250 OK"


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False, auth_data=data)  # handled=False: answer 535


@dataclass
class Certificates:
    authority: Path  # PEM of the authority, for SSL_CERT_FILE
    chain: Path
    key: Path


def make_certificates(folder: Path) -> Certificates:
    """A throw-away authority and a server certificate for 127.0.0.1 and localhost."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Testets certifikatutfärdare")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    authority, chain, key_file = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    authority.write_bytes(ca.public_bytes(pem))
    chain.write_bytes(leaf.public_bytes(pem) + ca.public_bytes(pem))
    key_file.write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return Certificates(authority, chain, key_file)


@contextmanager
def smtp_server(
    certificates: Certificates, port: int, *, implicit_tls: bool = False, inbox: Inbox | None = None
) -> Iterator[Inbox]:
    """Run the server on 127.0.0.1:`port` until the block ends; yields its inbox."""
    inbox = inbox or Inbox()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificates.chain, certificates.key)
    tls: dict[str, Any] = (
        # With TLS from the first byte there is no STARTTLS to wait for before AUTH.
        {"ssl_context": context, "auth_require_tls": False}
        if implicit_tls
        else {"tls_context": context, "require_starttls": True}
    )
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticate,
        auth_required=True,
        **tls,
    )
    controller.start()
    try:
        yield inbox
    finally:
        inbox.release.set()
        controller.stop()
