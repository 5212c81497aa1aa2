"""What was typed survives an ended staff session (issue 13, item 5).

A form sent to a staff page after the 30-minute session ended is not lost and not stored: the
answer is the login form on the same page, with everything that was typed as hidden fields
(`bewaard-<name>`) and the page it was sent to (`verder_naar`). The passphrase step and the
second-factor step each carry those fields on in their own page; once the second factor is
accepted, the original POST is handled in that same request, as the member who just logged in,
and its answer (usually the redirect with its confirmation) is the answer to the login.

Nothing of it reaches the server's storage: the fields travel only in the pages. Every step is
CSRF-checked: the original POST when it arrived (the cookie's CSRF secret outlives the staff
session), then the login form and the second-factor form. Only POSTs to the staff workbench's
pages are kept (a counsellor's or the bevoegd gezag's forms), never file uploads, never the
login or the beheerder's pages; a `verder_naar` that names anything else is ignored."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template, request, session
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException

PREFIX = "bewaard-"
RESUME = "verder_naar"
KEEPABLE_BLUEPRINTS = frozenset({"counsellor", "handover", "authority", "disclosure", "deadlines"})
_SKIP = frozenset({"csrf_token"})
_MAX_FIELDS = 2000


@dataclass
class Kept:
    resume_to: str                    # the path the form was sent to
    fields: list[tuple[str, str]]     # what was typed, in order

    @property
    def hidden(self) -> list[tuple[str, str]]:
        """The hidden inputs a login page carries on."""
        return [(RESUME, self.resume_to)] + [(PREFIX + n, v) for n, v in self.fields]


def _endpoint_for(path: str) -> tuple[object, dict] | None:
    """The staff page `path` names for a POST, when it is one whose form may be kept."""
    if not isinstance(path, str) or not path.startswith("/") or path.startswith("//") or "?" in path:
        return None
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        rule, args = adapter.match(path, method="POST", return_rule=True)
    except HTTPException:
        return None
    if rule.endpoint.split(".", 1)[0] not in KEEPABLE_BLUEPRINTS:
        return None
    return rule, args


def keepable() -> bool:
    """This request is a form POST to a staff page whose typing should survive a login, from a
    browser whose staff session ended (its cookie still names one that no longer opens). Anyone
    who never logged in is sent to the login page as before."""
    return (request.method == "POST" and session.get("_user_id") is not None
            and request.blueprint in KEEPABLE_BLUEPRINTS and not request.files
            and _endpoint_for(request.path) is not None)


def from_expired_post() -> Kept:
    fields = [(n, v) for n, v in request.form.items(multi=True) if n not in _SKIP]
    return Kept(request.path, fields[:_MAX_FIELDS])


def from_login_form() -> Kept | None:
    """The kept form a login step received, when it names a keepable page; None otherwise."""
    resume_to = request.form.get(RESUME)
    if not resume_to or _endpoint_for(resume_to) is None:
        return None
    fields = [(n[len(PREFIX):], v) for n, v in request.form.items(multi=True)
              if n.startswith(PREFIX) and n[len(PREFIX):] not in _SKIP]
    return Kept(resume_to, fields[:_MAX_FIELDS])


def login_page(kept: Kept):
    """The answer to a POST whose session ended: the login form, carrying what was typed."""
    return render_template("staff/login.html", kept=kept, expired=True), 401


def replay(kept: Kept):
    """Handle the kept POST now, in this request, as the member who just logged in."""
    found = _endpoint_for(kept.resume_to)
    if found is None:  # checked before; the page map does not change within a request
        return None
    rule, args = found
    request.__dict__["form"] = ImmutableMultiDict(kept.fields)  # the form as it was typed
    request.__dict__["files"] = ImmutableMultiDict()
    request.url_rule, request.view_args = rule, args
    return current_app.view_functions[rule.endpoint](**args)
