"""Flask-Login for staff. The login id is the session token; the user loader resumes the
session, which unseals the member's private key for this request only."""
from __future__ import annotations

import base64
import binascii

from flask import Flask, abort
from flask_login import LoginManager, UserMixin, current_user

from whistle.services.staff import accounts as staff_service
from whistle.services.staff.accounts import StaffPrincipal
from whistle.web.context import clock, db, settings, whistle

login_manager = LoginManager()


class StaffUser(UserMixin):
    def __init__(self, principal: StaffPrincipal) -> None:
        self.principal = principal

    def get_id(self) -> str:
        return base64.urlsafe_b64encode(self.principal.token).decode()

    @property
    def staff(self):
        return self.principal.staff


@login_manager.user_loader
def _load(user_id: str):
    try:
        token = base64.urlsafe_b64decode(user_id)
    except (binascii.Error, ValueError):
        return None
    principal = staff_service.resume(db(), settings(), clock(), token,
                                     process_key=whistle().process_key)
    db().commit()
    return StaffUser(principal) if principal else None


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "staff.login"
    login_manager.login_message = "Log in om verder te gaan."
    login_manager.session_protection = None  # the token itself is the session


def require_role(*roles: str) -> StaffPrincipal:
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    if current_user.staff.role not in roles:
        abort(403)
    return current_user.principal
