"""Staff login in two steps (passphrase, then second factor), enrolment of the second factor,
logout, and the admin's reset of a colleague's second factor (Dutch pages)."""
from __future__ import annotations

import base64
import binascii

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from whistle.services.staff import second_factor
from whistle.services.staff import accounts as staff_service
from whistle.services.errors import Forbidden, InvalidInput, NotFound, Unauthorized
from whistle.services.staff.accounts import StaffPrincipal
from whistle.web.context import clock, db, settings, whistle
from whistle.web.limits import throttle
from whistle.web.staff_auth import StaffUser, require_role

bp = Blueprint("staff", __name__, url_prefix="/vp")
PENDING = "staff_pending"  # the pending session's token; never the key


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        email = request.form.get("email", "")
        throttle().check_staff_login(email)
        try:
            principal = staff_service.log_in(db(), settings(), clock(), email,
                                             request.form.get("passphrase", ""),
                                             process_key=whistle().process_key)
            db().commit()
        except Unauthorized as exc:
            db().rollback()
            throttle().staff_login_failed(email)
            error = exc.message
        else:
            session.clear()
            session[PENDING] = base64.urlsafe_b64encode(principal.token).decode()
            enrolled = second_factor.is_enrolled(principal.staff)
            return redirect(url_for("staff.second_step" if enrolled else "staff.enrol"))
    return render_template("staff/login.html", error=error), (401 if error else 200)


def _pending():
    """The member between passphrase and second factor, and their pending token."""
    try:
        token = base64.urlsafe_b64decode(session.get(PENDING) or "")
    except (binascii.Error, ValueError, TypeError):
        token = b""
    return staff_service.pending_staff(db(), clock(), token), token


def _start_again(exc: Unauthorized):
    session.pop(PENDING, None)
    return render_template("staff/login.html", error=exc.message), 401


def _complete(principal: StaffPrincipal) -> None:
    session.clear()
    login_user(StaffUser(principal))


@bp.route("/login/tweede-stap", methods=["GET", "POST"])
def second_step():
    try:
        member, token = _pending()
    except Unauthorized as exc:
        return _start_again(exc)
    if not second_factor.is_enrolled(member):
        return redirect(url_for("staff.enrol"))
    error = None
    if request.method == "POST":
        throttle().check_staff_login(member.email)
        try:
            how = second_factor.verify(db(), settings(), clock(), member, request.form.get("code", ""))
            principal = staff_service.pass_second_factor(db(), settings(), clock(), token,
                                                         process_key=whistle().process_key)
            left = second_factor.recovery_codes_left(db(), member)
            db().commit()
        except Unauthorized as exc:
            db().rollback()
            throttle().staff_login_failed(member.email)
            error = exc.message
        else:
            _complete(principal)
            if how == "recovery":
                return render_template("staff/recovery_used.html", left=left)
            return redirect(url_for("counsellor.home"))
    return render_template("staff/second_step.html", error=error), (401 if error else 200)


@bp.route("/login/inrichten", methods=["GET", "POST"])
def enrol():
    """First login, or after a reset: add the account to an authenticator app and confirm it
    with a first code; the recovery codes are shown once, on the answer to that confirmation."""
    try:
        member, token = _pending()
    except Unauthorized as exc:
        return _start_again(exc)
    if second_factor.is_enrolled(member):
        return redirect(url_for("staff.second_step"))
    error, status = None, 200
    if request.method == "POST":
        throttle().check_staff_login(member.email)
        try:
            codes = second_factor.confirm_enrolment(db(), settings(), clock(), member,
                                                    request.form.get("code", ""))
            principal = staff_service.pass_second_factor(db(), settings(), clock(), token,
                                                         process_key=whistle().process_key)
            db().commit()
        except (Unauthorized, InvalidInput) as exc:
            db().rollback()
            if isinstance(exc, Unauthorized):
                throttle().staff_login_failed(member.email)
            error, status = exc.message, exc.status
        else:
            _complete(principal)
            return render_template("staff/recovery_codes.html", codes=codes)
    enrolment = second_factor.enrolment(db(), settings(), member)
    db().commit()
    return render_template("staff/enrol.html", enrolment=enrolment, error=error), status


@bp.post("/logout")
@login_required
def logout():
    # Deletes the session row and with it the sealed key; the cookie's token opens nothing more.
    staff_service.log_out(db(), current_user.principal.token)
    db().commit()
    logout_user()
    session.clear()
    return redirect(url_for("staff.login"))


@bp.route("/beheer/tweede-factor", methods=["GET", "POST"])
def reset_second_factor():
    """An admin resets a colleague's second factor. It reads nothing: no key, no case."""
    principal = require_role("admin")
    message = error = None
    status = 200
    if request.method == "POST":
        try:
            target = second_factor.reset(db(), clock(), email=request.form.get("email", ""),
                                         by=principal.staff, actor=principal.staff.email)
            db().commit()
        except (NotFound, InvalidInput, Forbidden) as exc:
            db().rollback()
            error, status = exc.message, exc.status
        else:
            message = (f"De tweede factor van {target.email} is gewist. Bij de volgende keer "
                       "inloggen richt deze collega een nieuwe in.")
    return render_template("staff/reset_second_factor.html",
                           members=second_factor.colleagues(db(), principal.staff),
                           enrolled=second_factor.is_enrolled, message=message, error=error), status

