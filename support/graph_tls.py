"""Loopback TLS and the Microsoft Entra token endpoint for the Graph fake.

MSAL takes only https authorities, so the fake serves TLS with a certificate made here
for 127.0.0.1; the client trusts it through a CA bundle file. The token endpoint answers
the client-credentials grant as Entra does: a secret, or a client assertion (a JWT signed
with the app's certificate, checked against that certificate's public key).
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import json
import ssl
import urllib.parse
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

GRAPH_SCOPE = "https://graph.microsoft.com/.default"


def self_signed(common_name: str = "127.0.0.1") -> tuple[bytes, bytes]:
    """(private key PEM, certificate PEM) valid for 127.0.0.1 for a day."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


def server_context(folder: Path) -> tuple[ssl.SSLContext, Path]:
    """A server TLS context for 127.0.0.1 and the CA bundle file clients should trust."""
    key_pem, cert_pem = self_signed()
    (folder / "fake-key.pem").write_bytes(key_pem)
    bundle = folder / "fake-ca.pem"
    bundle.write_bytes(cert_pem)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(bundle, folder / "fake-key.pem")
    return context, bundle


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Entra:
    """The tenant's app registration and its token endpoint."""

    def __init__(self, tenant: str, client_id: str, secret: str) -> None:
        self.tenant, self.client_id, self.secret = tenant, client_id, secret
        self.certificate: bytes | None = None  # PEM whose key may sign client assertions
        self.tokens: set[str] = set()
        self.token_requests = 0

    def openid_configuration(self, base: str) -> dict[str, Any]:
        root = f"{base}/{self.tenant}"
        return {
            "authorization_endpoint": f"{root}/oauth2/v2.0/authorize",
            "token_endpoint": f"{root}/oauth2/v2.0/token",
            "issuer": f"{root}/v2.0",
            "device_authorization_endpoint": f"{root}/oauth2/v2.0/devicecode",
        }

    def token(self, body: str) -> tuple[int, dict[str, Any]]:
        self.token_requests += 1
        form = {k: v[0] for k, v in urllib.parse.parse_qs(body).items()}
        if form.get("grant_type") != "client_credentials":
            return 400, _aad("unsupported_grant_type", "AADSTS70003: unsupported grant type")
        if form.get("client_id") != self.client_id:
            return 400, _aad(
                "unauthorized_client",
                f"AADSTS700016: Application with identifier '{form.get('client_id')}' was not "
                f"found in the directory '{self.tenant}'.",
            )
        if form.get("scope") != GRAPH_SCOPE:
            return 400, _aad(
                "invalid_scope", "AADSTS1002012: The provided value for scope is not valid."
            )
        if "client_assertion" in form:
            if not self._assertion_ok(form["client_assertion"]):
                return 401, _aad(
                    "invalid_client", "AADSTS700027: Client assertion failed signature validation."
                )
        elif form.get("client_secret") != self.secret:
            return 401, _aad(
                "invalid_client",
                "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent "
                "in the request is the client secret value, not the client secret ID.",
            )
        token = f"eyJ0eXAi.fake-graph-{len(self.tokens) + 1}"
        self.tokens.add(token)
        return 200, {"token_type": "Bearer", "expires_in": 3599, "access_token": token}

    def _assertion_ok(self, assertion: str) -> bool:
        if self.certificate is None:
            return False
        header, payload, signature = assertion.split(".")
        public = x509.load_pem_x509_certificate(self.certificate).public_key()
        if not isinstance(public, rsa.RSAPublicKey):
            return False
        try:
            public.verify(
                _b64(signature),
                f"{header}.{payload}".encode(),
                padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
                if json.loads(_b64(header)).get("alg") == "PS256"
                else padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except Exception:
            return False
        claims = json.loads(_b64(payload))
        return bool(claims.get("iss") == self.client_id and claims.get("sub") == self.client_id)


def _aad(error: str, description: str) -> dict[str, Any]:
    return {"error": error, "error_description": description, "error_codes": [0]}
