"""Mails to staff in the member's own language (issue 16.1): staff.language, set from their
pages' language at each login (whistle.web.staff). A mail's texts are gettext calls made under
`in_language(member.language)`: inside the application (a mail sent while answering a request)
that is Flask-Babel's force_locale and its gettext; the deadline watch runs from the scheduler
or the CLI, with no application context, and then the same catalogues are read with Babel
directly, so the mail is translated all the same. (The services do not import Flask: the layers
of docs/architecture.md.)"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Iterator

import flask_babel
from babel.support import Translations

DEFAULT = "nl"
# The languages a mail to staff is written in: those whose staff catalogue is complete.
LANGUAGES = ("nl", "en")
TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"
_chosen: ContextVar[str | None] = ContextVar("whistle_mail_language", default=None)


def mail_language(language: str | None) -> str:
    """The member's language when mails are written in it, Dutch otherwise."""
    return language if language in LANGUAGES else DEFAULT


@cache
def _catalogue(code: str) -> Translations:
    return Translations.load(str(TRANSLATIONS), [code])


@contextmanager
def in_language(language: str | None) -> Iterator[str]:
    """gettext in `language` (see mail_language) inside the block; yields the language used."""
    code = mail_language(language)
    token = _chosen.set(code)
    try:
        with flask_babel.force_locale(code):  # does nothing outside an application context
            yield code
    finally:
        _chosen.reset(token)


def gettext(text: str, **params) -> str:
    """`text` in the mail's language, its %(name)s placeholders filled."""
    if flask_babel.get_locale() is not None:  # inside the application: Flask-Babel's (forced) locale
        return flask_babel.gettext(text, **params)
    translated = _catalogue(_chosen.get() or DEFAULT).gettext(text)
    return translated % params if params else translated
