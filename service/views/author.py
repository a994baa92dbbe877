""" "Ditt namn eller din roll": who saved or submitted, remembered in the browser session.

It is kept with the response's history and printed in the PDF, but never written to a
spreadsheet.
"""

from __future__ import annotations

from flask import Flask, request, session

from forms.text import LINE_CONTROL_CHARS

FIELD = "by"
SESSION_KEY = "author"
MAX_LENGTH = 200


def posted_author() -> tuple[str | None, str | None]:
    """(name or role, error): what the form posted, cleaned; remembered when it is fine."""
    raw = request.form.get(FIELD, "")
    value = " ".join(LINE_CONTROL_CHARS.sub(" ", raw).split())
    if len(value) > MAX_LENGTH:
        return (
            value,
            f"Ditt namn eller din roll får vara högst {MAX_LENGTH} tecken (nu {len(value)}).",
        )
    if value:
        session[SESSION_KEY] = value
    else:
        session.pop(SESSION_KEY, None)
    return (value or None), None


def remembered_author() -> str:
    """What to show in the field: what was just posted, else what this browser gave last."""
    if request.method == "POST" and FIELD in request.form:
        return request.form.get(FIELD, "")
    return str(session.get(SESSION_KEY, ""))


def session_author() -> str | None:
    """The name or role this browser gave last (Kontrollera dina svar posts no field)."""
    return session.get(SESSION_KEY) or None


def init_app(app: Flask) -> None:
    app.add_template_global(remembered_author)
