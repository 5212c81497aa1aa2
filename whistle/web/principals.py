"""Who is asking. A view names its principal with a decorator, which loads it and passes it as
the view's first argument:

- `@melder_required`: the melder behind a session token, read here and nowhere else (the
  bearer header on the API, the cookie on the pages);
- `@staff_required(role)`: a logged-in staff member (Flask-Login), of that role when one is
  named. The login id is the session token; loading it unseals the member's private key for
  this request only."""
from __future__ import annotations

import base64
import binascii
from functools import wraps

from flask import Flask, abort, request, session
from flask_babel import gettext
from flask_login import LoginManager, UserMixin, current_user

from whistle.domain.roles import StaffRole
from whistle.services.errors import Unauthorized
from whistle.services.melder import case as melder_case
from whistle.services.melder.case import ReporterContext
from whistle.services.staff import accounts as staff_accounts
from whistle.services.staff.accounts import StaffPrincipal
from whistle.web.context import commit_login, redo_after_rollback, use_case
from whistle.web.staff_words import N_

MELDER_COOKIE_KEY = "melder"  # nosec B105  # the cookie session's key for the token, not a secret
login_manager = LoginManager()


def encode_token(token: bytes) -> str:
    return base64.urlsafe_b64encode(token).decode()


def decode_token(raw: str | None) -> bytes | None:
    """A session token as a cookie or a bearer header carries it (URL-safe base64, the padding
    optional); None when there is none or it is not base64."""
    if not raw:
        return None
    try:
        return base64.urlsafe_b64decode(raw + "==")
    except (binascii.Error, ValueError, TypeError):
        return None


# --- the melder ---------------------------------------------------------------------------

def melder_token() -> bytes | None:
    if request.blueprint == "api":
        auth = request.headers.get("Authorization", "")
        return decode_token(auth[7:].strip() if auth.startswith("Bearer ") else None)
    return decode_token(session.get(MELDER_COOKIE_KEY))


def melder_required(view):
    """The pages work on the case itself (the server path), so their session must also hold
    the case key; an API session never does."""
    @wraps(view)
    def with_melder(*args, **kwargs):
        token = melder_token()
        ctx = melder_case.resume(use_case(), token)
        if request.blueprint != "api" and ctx.case_key is None:
            raise Unauthorized()
        redo_after_rollback(lambda: melder_case.resume(use_case(), token))
        return view(ctx, *args, **kwargs)
    return with_melder


def remember_melder(ctx: ReporterContext) -> None:
    session.clear()
    session[MELDER_COOKIE_KEY] = encode_token(ctx.token)


def forget_melder() -> bytes | None:
    """Empty the cookie; the token it held, if any, to end its session."""
    token = decode_token(session.pop(MELDER_COOKIE_KEY, None))
    session.clear()
    return token


# --- staff --------------------------------------------------------------------------------

class StaffUser(UserMixin):
    def __init__(self, principal: StaffPrincipal) -> None:
        self.principal = principal

    def get_id(self) -> str:
        return encode_token(self.principal.token)

    @property
    def staff(self):
        return self.principal.staff


@login_manager.user_loader
def _load(user_id: str):
    token = decode_token(user_id)
    if token is None:
        return None
    principal = staff_accounts.resume(use_case(), token)
    commit_login()
    return StaffUser(principal) if principal else None


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "staff.login"
    login_manager.login_message = N_("Log in om verder te gaan.")
    login_manager.localize_callback = gettext  # the message in the page's language
    login_manager.session_protection = None  # the token itself is the session


def staff_required(role: StaffRole | None = None):
    """Anyone not logged in goes to the login page; a member of another role gets 403."""
    def decorate(view):
        @wraps(view)
        def with_staff(*args, **kwargs):
            if not current_user.is_authenticated:
                from whistle.web import kept_form
                if kept_form.keepable():  # a form sent after the session ended: keep what was typed
                    return kept_form.login_page(kept_form.from_expired_post())
                abort(login_manager.unauthorized())
            if role is not None and current_user.staff.role != role:
                abort(403)
            return view(current_user.principal, *args, **kwargs)
        return with_staff
    return decorate
