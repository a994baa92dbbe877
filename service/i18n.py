"""Language: Swedish by default, English by a switch that is remembered in a cookie.

Page texts are marked for translation in the templates (`_()` and `{% trans %}`), and the
English catalogue lives in service/translations. Texts that come from elsewhere at run time
(the checklists' own questions, validation messages, error details) go through `t()`: it
translates what the catalogue knows and marks the rest `lang="sv"`, so an English page is
never silently mixed for a screen reader.
"""

from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    has_request_context,
    redirect,
    request,
    url_for,
)
from flask_babel import Babel, get_locale, gettext
from markupsafe import Markup, escape
from werkzeug.wrappers import Response as WerkzeugResponse

from forms.clock import STOCKHOLM
from forms.text import LINE_CONTROL_CHARS

bp = Blueprint("language", __name__)

DEFAULT = "sv"
LANGUAGES = ("sv", "en")
COOKIE = "checklistor_lang"
COOKIE_AGE = dt.timedelta(days=365)


def N_(text: str) -> str:
    """Mark a Swedish text for the catalogue; it is translated where it is shown (`t`)."""
    return text


def select_locale() -> str:
    chosen = request.cookies.get(COOKIE)
    return chosen if chosen in LANGUAGES else DEFAULT


def current_language() -> str:
    """The page's language; Swedish outside a request (CLI, sync worker)."""
    if not has_request_context():
        return DEFAULT
    locale = get_locale()
    return locale.language if locale else DEFAULT


def t(text: object) -> Markup | str:
    """A run-time Swedish text in the page's language, or marked as Swedish."""
    source = str(text)
    if current_language() == DEFAULT or not source:
        return source
    translated = gettext(source)
    if translated != source:
        return translated
    return Markup('<span lang="sv">{}</span>').format(escape(source))


def content_lang() -> Markup:
    """` lang="sv"` on elements holding checklist content when the page is not Swedish."""
    return Markup("") if current_language() == DEFAULT else Markup(' lang="sv"')


@bp.route("/sprak/<code>")
def switch(code: str) -> WerkzeugResponse:
    if code not in LANGUAGES:
        abort(404)
    response = redirect(local_path(request.args.get("next", "")))
    response.set_cookie(
        COOKIE,
        code,
        max_age=int(COOKIE_AGE.total_seconds()),
        samesite="Lax",
        httponly=True,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
    return response


def local_path(target: str) -> str:
    """`target` if it is a path on this site, else the start page: never an open redirect.

    Browsers drop tabs and line breaks from a URL and read a backslash as a slash, so
    "/<tab>/evil.example" is "//evil.example" (another host) to them: anything holding
    control characters or backslashes, or not starting with exactly one slash, is refused.
    """
    if (
        not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or LINE_CONTROL_CHARS.search(target)
        or len(target) > 2000
    ):
        return "/"
    return target


def switch_url(back_to: str | None = None) -> str:
    """The link to the other language, coming back to this page (or to `back_to`)."""
    other = "en" if current_language() == DEFAULT else "sv"
    here = request.full_path.rstrip("?") if request.method == "GET" else request.path
    if request.path.startswith("/in/"):
        here = "/"  # never carry a sign-in link's secret into another URL
    here = back_to or here
    return url_for("language.switch", code=other, next=here)


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", STOCKHOLM.key)
    Babel(app, locale_selector=select_locale)
    app.register_blueprint(bp)
    app.add_template_global(t)
    app.add_template_global(content_lang)
    app.add_template_global(current_language)
    app.add_template_global(switch_url)
