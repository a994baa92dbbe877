"""Fixtures for the Google mirror: the Sheets fake on loopback and an app that uses it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from service import create_app
from service.sync.worker import Worker
from support.sheets_fake import FakeSheets
from tests.sync.helpers import worker

KARLSKRONA, RONNEBY = "sheet-karlskrona", "sheet-ronneby"


@pytest.fixture
def fake() -> Iterator[FakeSheets]:
    server = FakeSheets().start()
    server.create(KARLSKRONA)
    server.create(RONNEBY)
    yield server
    server.stop()


@pytest.fixture
def gapp(tmp_path: Path, fake: FakeSheets, database_url: str) -> Flask:
    key_file = tmp_path / "service-account.json"
    key_file.write_text(json.dumps(fake.key_file()))
    orgs = tmp_path / "organisations.yaml"
    orgs.write_text(
        "organisations:\n"
        "  - {slug: karlskrona, name: Karlskrona kommun, kind: municipality,"
        f" spreadsheet: {{google_key: {KARLSKRONA}}}}}\n"
        "  - {slug: ronneby, name: Ronneby kommun, kind: municipality,"
        f" spreadsheet: {{google_key: {RONNEBY}}}}}\n"
        "  - {slug: karlshamn, name: Karlshamns kommun, kind: municipality}\n",
        encoding="utf-8",
    )
    return create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": database_url,
            "ORGANISATIONS": str(orgs),
            "GOOGLE_CREDENTIALS": str(key_file),
            "SYNC_GOOGLE_TIMEOUT": 1.5,
        }
    )


def google_worker(
    app: Flask, fake: FakeSheets, sleeps: list[float] | None = None, **kw: Any
) -> Worker:
    record = sleeps.append if sleeps is not None else (lambda _s: None)
    return worker(app, google_adapter=fake.adapter(), sleep=record, **kw)


def rows(fake: FakeSheets, key: str = KARLSKRONA, title: str = "Detaljplan") -> list[dict]:
    values = fake.values(key, title)
    keys = values[0]
    return [{k: v for k, v in zip(keys, row, strict=False) if k} for row in values[2:]]
