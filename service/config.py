"""Settings: defaults that work locally, then environment variables.

Plain `SECRET_KEY` and `DATABASE_URL` as most deployments set them; everything else as
`CHECKLISTOR_<NAME>` (Flask's prefixed environment: values are parsed as JSON when they
can be, so `CHECKLISTOR_SECURE_COOKIES=true` is a boolean).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from service.errors import StartupError

# Large enough for any checklist with long comments, small enough to refuse abuse.
MAX_CONTENT_LENGTH = 1024 * 1024


def default_database_url(instance: Path) -> str:
    return f"sqlite:///{instance / 'checklistor.db'}"


def defaults(instance: Path) -> dict[str, Any]:
    return {
        "DATABASE_URL": default_database_url(instance),
        # None: upgrade an older schema at start-up only for the embedded SQLite default.
        "AUTO_MIGRATE": None,
        "ORGANISATIONS": None,  # path; None = instance/organisations.yaml or the shipped default
        "FORMS_DIR": None,  # path; None = the shipped definitions
        "IDENTITY": None,  # path; None = instance/identity.yaml or the shipped default
        "PUBLIC_URL": "http://127.0.0.1:8000",
        "SECURE_COOKIES": False,
        "MAX_CONTENT_LENGTH": MAX_CONTENT_LENGTH,
        "MAX_FORM_MEMORY_SIZE": MAX_CONTENT_LENGTH,
        "PERMANENT_SESSION_LIFETIME": dt.timedelta(days=30),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "checklistor_session",
        # A checklist is filled in over hours: the token lives as long as the session.
        "WTF_CSRF_TIME_LIMIT": None,
        # Spreadsheet mirrors (service/sync): local workbooks, or Google with a key file.
        "SHEETS_DIR": None,  # path; None = instance/sheets
        "GOOGLE_CREDENTIALS": None,  # path to the service account's JSON key file
        "SYNC_WRITES_PER_MINUTE": 60,  # Google's write quota per user (service account)
        "SYNC_GOOGLE_TIMEOUT": 60,  # seconds to wait for one Google answer
        "SYNC_GOOGLE_API_URL": None,  # None = Google; another base URL for a proxy or stand-in
        "SYNC_LEASE_SECONDS": 600,  # how long a worker holds a sheet before others may take it
        # Mail (service/mail): SMTP by URL, or .eml files in instance/mail when not set.
        "SMTP_URL": None,  # smtp://user:pass@host:587 (STARTTLS) or smtps://… (implicit TLS)
        "MAIL_FROM": None,  # the sender's address; required with SMTP_URL
        "MAIL_DIR": None,  # path; None = instance/mail
    }


def load(app: Flask, test_config: dict[str, Any] | None) -> None:
    instance = Path(app.instance_path)
    try:
        instance.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StartupError(f"Instansmappen {instance} kan inte skapas: {exc.strerror}") from None
    app.config.from_mapping(defaults(instance))
    if test_config is None:
        for name in ("SECRET_KEY", "DATABASE_URL"):
            if os.environ.get(name):
                app.config[name] = os.environ[name]
        app.config.from_prefixed_env("CHECKLISTOR")
    else:
        app.config.from_mapping(test_config)
    app.config["SESSION_COOKIE_SECURE"] = bool(app.config["SECURE_COOKIES"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance / "secret_key")


def _instance_secret(path: Path) -> str:
    """A secret kept in the instance folder, made on first start (0600)."""
    try:
        if path.exists():
            return path.read_text(encoding="ascii").strip()
        secret = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secret)
        return secret
    except FileExistsError:  # another worker made it first
        return path.read_text(encoding="ascii").strip()
    except OSError as exc:
        raise StartupError(
            f"Hemlig nyckel i {path} kan inte läsas eller skapas: {exc.strerror}"
        ) from None


def organisations_path(app: Flask) -> Path:
    from service.organisations import DEFAULT_FILE

    configured = app.config.get("ORGANISATIONS")
    if configured:
        return Path(configured)
    local = Path(app.instance_path) / "organisations.yaml"
    return local if local.exists() else DEFAULT_FILE
