"""Mails to staff in the member's own language (issue 16.1): staff.language, set from their
pages' language at each login (whistle.web.staff). A mail's texts are Flask-Babel gettext
calls made under `in_language(member.language)` (force_locale). The deadline watch runs from
the scheduler or the CLI, with no request and no application: then a small application that
knows only the catalogues gives gettext its context, so the mail is translated all the same."""
from __future__ import annotations

from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Iterator

from flask import Flask, current_app, has_app_context
from flask_babel import Babel, force_locale

DEFAULT = "nl"
# The languages a mail to staff is written in: those whose staff catalogue is complete.
LANGUAGES = ("nl", "en")
TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"


def mail_language(language: str | None) -> str:
    """The member's language when mails are written in it, Dutch otherwise."""
    return language if language in LANGUAGES else DEFAULT


@cache
def _catalogues_app() -> Flask:
    app = Flask("whistle.mail")
    app.config["BABEL_DEFAULT_LOCALE"] = DEFAULT
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    Babel(app)
    return app


@contextmanager
def in_language(language: str | None) -> Iterator[str]:
    """gettext in `language` (see mail_language) inside the block; yields the language used."""
    code = mail_language(language)
    if has_app_context() and "babel" in current_app.extensions:
        with force_locale(code):
            yield code
    else:
        with _catalogues_app().app_context(), force_locale(code):
            yield code
