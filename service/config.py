"""Settings: defaults that work locally, then environment variables.

Plain `SECRET_KEY` and `DATABASE_URL` as most deployments set them; everything else as
`CHECKLISTOR_<NAME>` (Flask's prefixed environment: values are parsed as JSON when they
can be, so `CHECKLISTOR_SECURE_COOKIES=true` is a boolean).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import secrets
import zlib
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
        # The cookie's and the server-side session's longest life; the session also ends
        # after SESSION_IDLE_MINUTES without a request, and at once on Logga ut.
        "PERMANENT_SESSION_LIFETIME": dt.timedelta(days=30),
        "SESSION_IDLE_MINUTES": 8 * 60,
        # A regional export of more responses than this is built in the background.
        "EXPORT_INLINE_LIMIT": 5000,
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
        "SYNC_STALE_SECONDS": 300,  # no pass this long while entries wait: /healthz says stopped
        # Mail (service/mail): SMTP by URL, or .eml files in instance/mail when not set.
        "SMTP_URL": None,  # smtp://user:pass@host:587 (STARTTLS) or smtps://… (implicit TLS)
        "MAIL_FROM": None,  # the sender's address; required with SMTP_URL
        "MAIL_DIR": None,  # path; None = instance/mail
    }


def load(app: Flask, test_config: dict[str, Any] | None) -> None:
    instance = Path(app.instance_path)
    try:
        instance.mkdir(mode=0o700, parents=True, exist_ok=True)
        private(instance, 0o700)
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
    elif not app.config.get("TESTING"):
        check_secret_key(str(app.config["SECRET_KEY"]))


# The key signs sessions and derives every sign-in link: whoever guesses it can compute
# the admin's link from their own. 32 random bytes make guessing hopeless.
MIN_SECRET_BITS = 256
MAKE_A_KEY = 'python3 -c "import secrets; print(secrets.token_urlsafe(32))"'


def secret_bits(key: str) -> float:
    """A generous estimate of the key's entropy in bits.

    Each character counts log2 of the alphabet its character classes span (16 for hex,
    64 for base64, up to 95 for printable ASCII), so a random key made the usual ways
    scores its real size. Repetition is punished: a key is worth no more than its number
    of distinct characters allows, nor more than it compresses to (a word repeated,
    "aaaa…", a short pattern).
    """
    if not key:
        return 0.0
    alphabet = 0
    if re.search(r"[0-9]", key):
        alphabet += 10
    if re.fullmatch(r"[0-9a-f]+", key) or re.fullmatch(r"[0-9A-F]+", key):
        alphabet = 16
    elif re.fullmatch(r"[0-9A-Za-z_-]+|[0-9A-Za-z+/]+=*", key):
        alphabet = 64  # base64, as secrets.token_urlsafe and openssl rand -base64 write
    else:
        alphabet += 26 * bool(re.search(r"[a-z]", key)) + 26 * bool(re.search(r"[A-Z]", key))
        alphabet += 33 * bool(re.search(r"[^0-9a-zA-Z]", key))
    per_char = math.log2(max(alphabet, 2))
    distinct = len(set(key))
    # Fewer distinct characters than a random key of this length would show: repetition.
    expected = alphabet * (1 - (1 - 1 / alphabet) ** len(key))
    factor = min(1.0, distinct / max(expected * 0.6, 1))
    # And no more than it compresses to: repeated words and patterns pack small.
    packed = (len(zlib.compress(key.encode(), 9)) - 8) * 8
    return min(len(key) * per_char * factor, packed)


def check_secret_key(key: str) -> None:
    """Refuse to start with a key that could be guessed."""
    bits = secret_bits(key)
    if bits < MIN_SECRET_BITS:
        raise StartupError(
            f"SECRET_KEY är för svag (uppskattningsvis {bits:.0f} bitar, minst "
            f"{MIN_SECRET_BITS} behövs): den som gissar den kan räkna fram alla "
            f"inloggningslänkar. Skapa en med: {MAKE_A_KEY} "
            "(eller ta bort SECRET_KEY så skapar tjänsten en egen i instansmappen)."
        )


def private(path: Path, mode: int) -> None:
    """Every answer lies in the instance folder: only the service's own user may read it."""
    if path.exists() and path.stat().st_uid == os.geteuid():
        path.chmod(mode)


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
