"""The English catalogue covers every marked text, is compiled, and the switch is safe.

(Runs without a browser; it sits here beside the language journey it supports.)
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import service

ROOT = Path(service.__file__).parent
PO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "gettext": None, "N_": None, "flash": None, "fail": (2,), "error_page": (2,)}
# Pieces of texts put together at run time: shown whole, so never looked up alone.
FRAGMENTS = {"och med nu; påbörjade utkast kan flyttas över till den."}


def english_catalogue() -> Any:
    with PO.open("rb") as source:
        return read_po(source)


def marked_texts() -> set[str | tuple[str, ...]]:
    """Marked texts; a plural (ngettext) as the tuple of its singular and plural."""
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {**KEYWORDS, "ngettext": (1, 2)}
    found = extract_from_dir(ROOT, method_map, keywords=keywords)
    return {
        message if isinstance(message, str) else tuple(message) for _, _, message, _, _ in found
    }


def key(value: Any) -> Any:
    """Plural ids and strings come as lists or tuples; compare them as tuples."""
    return value if isinstance(value, str) else tuple(value)


def test_every_marked_text_has_an_english_translation() -> None:
    catalogue = english_catalogue()
    english = {key(m.id): key(m.string) for m in catalogue if m.id}
    missing = sorted(
        str(t)
        for t in marked_texts() - FRAGMENTS
        if not english.get(t) or (isinstance(t, tuple) and not all(english[t]))
    )
    assert not missing, "texts without English (run `make translations`):\n" + "\n".join(missing)


def test_the_compiled_catalogue_matches_the_source() -> None:
    source = {key(m.id): key(m.string) for m in english_catalogue() if m.id and m.string}
    compiled = {key(m.id): key(m.string) for m in read_mo(io.BytesIO(MO.read_bytes())) if m.id}
    assert compiled == source, "messages.mo is stale: run `make translations`"


def test_english_keeps_every_placeholder() -> None:
    for message in english_catalogue():
        if message.id and message.string:
            pairs = zip(key(message.id), key(message.string), strict=True)
            for source, english in (
                [(message.id, message.string)] if isinstance(message.id, str) else pairs
            ):
                for name in ("%(", "<strong", "<code>", "<span"):
                    assert source.count(name) == english.count(name), source


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil"])
def test_the_switch_never_leaves_the_site(client: Any, target: str) -> None:
    reply = client.get("/sprak/en", query_string={"next": target})
    assert reply.status_code == 302 and reply.headers["Location"] == "/"


def test_the_switch_remembers_the_choice_and_unknown_languages_are_404(client: Any) -> None:
    assert client.get("/sprak/de").status_code == 404
    reply = client.get("/sprak/en", query_string={"next": "/hem"})
    assert reply.headers["Location"] == "/hem"
    assert "Max-Age=31536000" in reply.headers["Set-Cookie"]
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    client.get("/sprak/sv")
    assert '<html lang="sv">' in client.get("/").get_data(as_text=True)
