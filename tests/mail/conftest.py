"""An app that sends through the loopback SMTP server, and the server's certificates."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask

from service import create_app
from support.live import free_port
from tests.mail.smtp_server import PASSWORD, USER, Certificates, make_certificates

MAIL_FROM = "checklistor@regionblekinge.example"


@pytest.fixture(scope="session")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("smtp-certificates"))


@pytest.fixture
def trust(certificates: Certificates, monkeypatch: pytest.MonkeyPatch) -> Certificates:
    """The client trusts the test authority, as an operator adds a private one."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates.authority))
    return certificates


def smtp_url(port: int, scheme: str = "smtp") -> str:
    return f"{scheme}://{USER}:{quote(PASSWORD, safe='')}@127.0.0.1:{port}"


@pytest.fixture
def mail_app(
    tmp_path: Path, database_url: str, trust: Certificates
) -> Iterator[Callable[..., Flask]]:
    """Make an app whose mail goes to the SMTP server on `port` (or to .eml files)."""

    def make(port: int | None, scheme: str = "smtp", **settings: Any) -> Flask:
        config: dict[str, Any] = {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": database_url,
            "PUBLIC_URL": "https://checklistor.example.se",
            **settings,
        }
        if port is not None:
            config.update(SMTP_URL=smtp_url(port, scheme), MAIL_FROM=MAIL_FROM)
        return create_app(config)

    yield make


@pytest.fixture
def port() -> int:
    return free_port()
