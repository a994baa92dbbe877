"""Start-up: the instance folder, the secret key, and Flask's own configuration.

The settings themselves are read in service/settings.py; this module prepares what they
point at and hands Flask the part of them it reads itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
import re
import secrets
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from service.settings import Settings, StartupError

# Large enough for any checklist with long comments, small enough to refuse abuse.
MAX_CONTENT_LENGTH = 1024 * 1024


def prepare(settings: Settings) -> Settings:
    """The instance folder made private, and the secret key: checked, or made on first start."""
    instance = settings.instance_path
    try:
        instance.mkdir(mode=0o700, parents=True, exist_ok=True)
        private(instance, 0o700)
    except OSError as exc:
        raise StartupError(f"Instansmappen {instance} kan inte skapas: {exc.strerror}") from None
    if not settings.secret_key:
        return dataclasses.replace(settings, secret_key=_instance_secret(instance / "secret_key"))
    if not settings.testing:
        check_secret_key(settings.secret_key)
    return settings


def flask_config(settings: Settings, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What Flask and its extensions read from app.config; `extra` (tests) goes on top."""
    return {
        "SECRET_KEY": settings.secret_key,
        "TESTING": settings.testing,
        "SESSION_COOKIE_SECURE": settings.secure_cookies,
        "MAX_CONTENT_LENGTH": MAX_CONTENT_LENGTH,
        "MAX_FORM_MEMORY_SIZE": MAX_CONTENT_LENGTH,
        # The cookie's and the server-side session's longest life; the session also ends
        # after session_idle_minutes without a request, and at once on Logga ut.
        "PERMANENT_SESSION_LIFETIME": dt.timedelta(days=30),
        # The cookie is set once at sign-in, not signed anew on every request: the server-side
        # session ends at its longest life anyway, however fresh the cookie.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "checklistor_session",
        # A checklist is filled in over hours: the token lives as long as the session.
        "WTF_CSRF_TIME_LIMIT": None,
        **(extra or {}),
    }


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
