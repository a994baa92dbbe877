"""Shared fixtures: an app on a fresh SQLite file, a client, and signing in by link."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import service.db
from forms import load_catalogue
from service import create_app
from service.access import issue_link
from service.db import get_db
from service.models import AccessLink
from support.answers import complete_answers
from support.databases import fresh_database

CSRF_PATTERN = re.compile(r'name="csrf_token" value="([^"]+)"')
LOCK_PATTERN = re.compile(r'name="lock_version" value="(\d+)"')
# complete_answers lives in support/answers.py; the old name here serves older tests.
__all__ = ["Browser", "complete_answers", "link_token"]


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: SQLite in tmp_path, or with TEST_DATABASE_URL set (PostgreSQL)
    a schema of its own in that database, dropped afterwards."""
    with fresh_database(os.environ.get("TEST_DATABASE_URL"), tmp_path) as url:
        yield url


@pytest.fixture(autouse=True)
def _dispose_engines(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Close every engine an app made during the test, including apps a test builds itself:
    a pooled PostgreSQL connection left to the garbage collector warns (an error here)."""
    made: list[Any] = []
    original = service.db.make_engine

    def tracking(url: str) -> Any:
        engine = original(url)
        made.append(engine)
        return engine

    monkeypatch.setattr(service.db, "make_engine", tracking)
    yield
    for engine in made:
        engine.dispose()


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": database_url,
        }
    )
    yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def catalogue() -> Any:
    return load_catalogue()


def link_token(app: Flask, subject: str, rotate: bool = False) -> str:
    with app.app_context():
        return issue_link(get_db(), app.config["SECRET_KEY"], subject, rotate=rotate)


class Browser:
    """A signed-in client that posts forms as the page does (CSRF token, lock version)."""

    def __init__(self, app: Flask, subject: str) -> None:
        self.app = app
        self.client = app.test_client()
        self.client.get(f"/in/{link_token(app, subject)}")

    def tokens(self, url: str) -> dict[str, str]:
        page = self.client.get(url).get_data(as_text=True)
        csrf = CSRF_PATTERN.search(page)
        assert csrf, f"no CSRF token on {url}"
        fields = {"csrf_token": csrf.group(1)}
        lock = LOCK_PATTERN.search(page)
        if lock:
            fields["lock_version"] = lock.group(1)
        return fields

    def post_form(self, url: str, data: dict[str, str], action: str = "submit") -> Any:
        return self.client.post(url, data={**self.tokens(url), **data, "action": action})


@pytest.fixture
def sign_in(app: Flask) -> Any:
    def make(subject: str = "karlskrona") -> Browser:
        return Browser(app, subject)

    return make


@pytest.fixture
def admin(app: Flask) -> Browser:
    return Browser(app, AccessLink.ADMIN)
