"""The language a page is shown in (Flask-Babel).

The reader chooses it with `?taal=xx`, which every link and form on the pages then carries
(url_defaults below): no cookie and nothing stored, so a choice of language never marks a
melder. Without a choice the browser's Accept-Language picks among the languages of the page's
actor, and Dutch is the default. The melder's pages come in five languages (Arabic right to
left); the staff's pages in Dutch and English."""
from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from babel.messages.extract import extract_from_file
from flask import Flask, has_request_context, request
from flask_babel import Babel, get_locale, gettext

PARAM = "taal"
DEFAULT = "nl"
# Each language named in itself, as the switcher shows it.
NAMES = {"nl": "Nederlands", "en": "English", "pl": "Polski", "tr": "Türkçe", "ar": "العربية"}
MELDER_LANGUAGES = ("nl", "en", "pl", "tr", "ar")
# The staff's pages: Dutch and English (tests/i18n/test_staff_catalogue.py keeps every staff
# text translated into English).
STAFF_LANGUAGES = ("nl", "en")
RIGHT_TO_LEFT = frozenset({"ar"})
# The blueprints a melder reads, the reporter protocol's JSON included (its `error` texts);
# every other page is read by staff.
MELDER_BLUEPRINTS = frozenset({"reporter", "melder_consent", "api"})
# The melder's scripts whose gettext("…") strings the page hands them (static/js/i18n.js).
STATIC = Path(__file__).resolve().parents[2] / "static"
MELDER_SCRIPTS = ("js/attachments.js", "js/melden.js", "js/terug.js", "js/melder-steps.js",
                  "js/melder-consent.js", "js/melder-complaint.js", "js/melder-minutes.js",
                  "js/melder-benadeling.js", "js/kdf.js", "js/melder-copy.js",
                  "js/melder-meeting.js")


def languages() -> tuple[str, ...]:
    """The languages of the page being served."""
    if has_request_context() and request.blueprint in MELDER_BLUEPRINTS:
        return MELDER_LANGUAGES
    return STAFF_LANGUAGES


def chosen() -> str | None:
    """The language the reader chose on these pages, when it is one this page offers."""
    if not has_request_context():
        return None
    value = request.args.get(PARAM)
    return value if value in languages() else None


def select_locale() -> str:
    if not has_request_context():
        return DEFAULT
    return chosen() or request.accept_languages.best_match(languages(), default=DEFAULT)


def carry_choice(endpoint: str, values: dict) -> None:
    """A chosen language stays chosen on the next page: url_for adds it to every link and form
    of a page that was asked for with it (not to static files, whose URLs stay the same)."""
    language = chosen()
    if language and endpoint != "static" and PARAM not in values:
        values[PARAM] = language


def language() -> str:
    return str(get_locale() or DEFAULT)


def text_direction() -> str:
    return "rtl" if language() in RIGHT_TO_LEFT else "ltr"


def switcher() -> list[dict]:
    """The other languages of this page as links to the same page, for a GET page only (a
    page that answered a form has no address to reload in another language). The link is
    relative, only a query: the page does not repeat its own path (which may hold a case
    reference the reader has no right to, on the page that says so)."""
    if request.method != "GET" or request.endpoint is None or len(languages()) < 2:
        return []
    current = language()
    args = [(k, v) for k, v in request.args.items(multi=True) if k != PARAM]
    return [{"code": code, "name": NAMES[code], "href": "?" + urlencode(args + [(PARAM, code)]),
             "current": code == current} for code in languages()]


@cache
def script_messages() -> tuple[str, ...]:
    """Every gettext("…") string of the melder's scripts, read once with Babel's extractor
    (the same one scripts/translations.sh uses for the catalogues)."""
    found: list[str] = []
    for name in MELDER_SCRIPTS:
        for _line, message, _comments, _context in extract_from_file("javascript", str(STATIC / name),
                                                                  keywords={"gettext": None}):
            if isinstance(message, str) and message not in found:
                found.append(message)
    return tuple(found)


def script_words() -> dict[str, str]:
    """The melder's scripts' words in the page's language, for static/js/i18n.js's data-words
    (empty in Dutch: a script shows its own Dutch text when a word is not in the table): their
    own gettext strings, and the server's texts they show as the API sends them (a step's
    label, a refusal; whistle.web.melder_words)."""
    if language() == DEFAULT:
        return {}
    from whistle.web.melder_words import TEXTS  # the server's texts the scripts show (labels, refusals)
    return {message: gettext(message) for message in script_messages() + TEXTS}


def init_app(app: Flask, translations: str) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = translations
    Babel(app, locale_selector=select_locale)
    app.url_defaults(carry_choice)
    app.add_template_global(language, "page_language")
    app.add_template_global(text_direction)
    app.add_template_global(switcher, "language_switcher")
    app.add_template_global(script_words)
