"""An organisation's own look (whistle.domain.theme): its tokens as a stylesheet of the same
origin, /o/<org>/thema.css, and its logo, /o/<org>/logo. A page links them when it belongs to
one organisation: a melder's page under /o/<org>/, or any page of a logged-in member of staff.
Nothing inline, so the CSP stays as strict as it is."""
from __future__ import annotations

import re

from flask import Blueprint, Response, abort, request
from flask_login import current_user

from whistle.domain.theme import Theme
from whistle.services.errors import NotFound
from whistle.services.organisations import get_organisation, regeling_of
from whistle.web.context import db

bp = Blueprint("theme", __name__)
_CACHE = "public, max-age=3600"
# The logo opened on its own (an SVG is a document): nothing runs, nothing loads.
_LOGO_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


# What a slug can be (whistle.domain.regeling); anything else (a NUL byte, a path) is no
# organisation, without asking the database, which may refuse such text outright.
_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,79}")


def _theme(slug: str):
    if not _SLUG.fullmatch(slug):
        abort(404)
    try:
        return regeling_of(get_organisation(db(), slug)).theme
    except NotFound:
        abort(404)


@bp.get("/o/<org>/thema.css")
def stylesheet(org: str):
    return Response(_theme(org).css(), mimetype="text/css", headers={"Cache-Control": _CACHE})


@bp.get("/o/<org>/logo")
def logo(org: str):
    theme = _theme(org)
    if theme.logo is None:
        abort(404)
    return Response(theme.logo, mimetype=theme.logo_type,
                    headers={"Cache-Control": _CACHE, "Content-Security-Policy": _LOGO_CSP})


def page_organisation():
    """The organisation whose look the page takes: the one in the path (a melder's page under
    /o/<org>/), else the logged-in member's; None for the neutral look."""
    slug = (request.view_args or {}).get("org")
    if isinstance(slug, str) and _SLUG.fullmatch(slug):
        try:
            return get_organisation(db(), slug)
        except NotFound:
            pass
    if current_user and current_user.is_authenticated:
        return current_user.staff.organisation
    return None


@bp.app_context_processor
def _theme_of_page():
    def page_theme():
        org = page_organisation()
        if org is None:
            return None
        theme = regeling_of(org).theme
        return {"slug": org.slug, "name": org.name, "themed": theme != Theme(), "logo": theme.logo is not None}
    return {"page_theme": page_theme}
