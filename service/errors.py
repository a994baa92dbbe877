"""Errors that stop start-up, and the error pages every failure ends in."""

from __future__ import annotations

from typing import NoReturn

from flask import Flask, abort, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from service.i18n import N_
from service.settings import StartupError as StartupError  # raised here before

# Plain Swedish for every status a person can meet.
MESSAGES = {
    400: (
        N_("Begäran kunde inte behandlas"),
        N_(
            "Sidan skickade något som tjänsten inte känner igen. Gå tillbaka, ladda om sidan och försök igen."
        ),
    ),
    403: (
        N_("Du saknar behörighet"),
        N_("Du har inte tillgång till den här sidan."),
    ),
    404: (
        N_("Sidan finns inte"),
        N_("Sidan du söker finns inte, eller så hör den till en annan organisation."),
    ),
    405: (
        N_("Fel sätt att öppna sidan"),
        N_("Sidan kan inte öppnas på det här sättet. Gå tillbaka och försök igen."),
    ),
    413: (
        N_("För mycket text på en gång"),
        N_(
            "Det du skickade var större än tjänsten tar emot. Inget har sparats. Korta ner de längsta kommentarerna och försök igen."
        ),
    ),
    500: (
        N_("Något gick fel hos oss"),
        N_("Ett oväntat fel inträffade. Inget har skickats in. Försök igen om en stund."),
    ),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_page(code: int, detail: str | None = None) -> tuple[str | dict[str, object], int]:
    title, text = MESSAGES.get(code, MESSAGES[400])
    if _wants_json():
        return {"error": {"code": code, "message": detail or text}}, code
    return render_template("error.html", code=code, title=title, text=detail or text), code


def fail(code: int, detail: str | None = None) -> NoReturn:
    """Stop the request with the Swedish error page (or JSON error) for `code`."""
    abort(make_response(error_page(code, detail)))


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[str | dict[str, object], int]:
        code = exc.code or 500
        return error_page(code if code in MESSAGES else 400)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> tuple[str | dict[str, object], int]:
        return error_page(
            400,
            N_(
                "Sidan hade hunnit bli för gammal eller öppnats i en annan webbläsare, så inget sparades. "
                "Gå tillbaka, ladda om sidan och försök igen."
            ),
        )

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> tuple[str | dict[str, object], int]:
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return error_page(500)
