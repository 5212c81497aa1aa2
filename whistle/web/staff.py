"""Staff login in two steps (passphrase, then second factor), enrolment of the second factor,
logout, and the admin's reset of a colleague's second factor. The steps
themselves are use cases in whistle.services.staff.login; here are the cookies and the pages."""
from __future__ import annotations

from dataclasses import replace
from functools import wraps

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user
from markupsafe import escape

from whistle.domain.roles import STAFF_ROLE_LABELS, StaffRole
from whistle.services.staff import login as staff_login
from whistle.services.staff import second_factor
from whistle.services.staff import accounts as staff_service
from whistle.services.errors import Forbidden, InvalidInput, NotFound, Unauthorized
from whistle.services.staff.accounts import StaffPrincipal
from whistle.services.staff.login import PendingLogin
from whistle.web.context import attempt, commit_so_far, db, use_case
from whistle.web.limits import Bucket, throttled
from whistle.web import i18n, kept_form, notices
from whistle.web.melder_words import translated
from whistle.web.principals import StaffUser, decode_token, encode_token, staff_required

bp = Blueprint("staff", __name__, url_prefix="/vp")
PENDING = "staff_pending"  # the pending session's token; never the key
QR_TITLE = "QR-code voor uw authenticator-app"  # the QR code's <title> (whistle.services.staff.second_factor)


def _next_step(pending: PendingLogin):
    return redirect(url_for("staff.second_step" if pending.enrolled else "staff.enrol"))


@bp.route("/login", methods=["GET", "POST"])
@throttled(Bucket.STAFF_LOGIN)
def login():
    error, kept = None, None
    if request.method == "POST":
        kept = kept_form.from_login_form()  # what was typed before the session ended, if anything
        try:
            with attempt():
                pending = staff_login.start(use_case(), request.form.get("email", ""),
                                            request.form.get("passphrase", ""))
        except Unauthorized as exc:
            error = exc.message
        else:
            session.clear()
            session[PENDING] = encode_token(pending.token)
            if kept is not None and pending.enrolled:
                # The second step on this same answer, carrying the typed form on.
                return render_template("staff/second_step.html", kept=kept)
            return _next_step(pending)
    return render_template("staff/login.html", error=error, kept=kept), (401 if error else 200)


def pending_login(*, enrolled: bool):
    """The member between passphrase and second factor, passed as the view's first argument:
    the login page again when that login expired, the other step when this one does not fit."""
    def decorate(view):
        @wraps(view)
        def with_pending(*args, **kwargs):
            try:
                pending = staff_login.pending(use_case(), decode_token(session.get(PENDING)))
            except Unauthorized as exc:
                session.pop(PENDING, None)
                return render_template("staff/login.html", error=exc.message), 401
            if pending.enrolled != enrolled:
                return _next_step(pending)
            return view(pending, *args, **kwargs)
        return with_pending
    return decorate


def _complete(principal: StaffPrincipal) -> None:
    session.clear()
    login_user(StaffUser(principal))
    # The member's mails come in the language of the pages they log in with (docs/operations.md).
    staff_login.remember_language(principal.staff, i18n.language(), i18n.STAFF_LANGUAGES)


@bp.route("/login/tweede-stap", methods=["GET", "POST"])
@pending_login(enrolled=True)
@throttled(Bucket.STAFF_LOGIN)
def second_step(pending: PendingLogin):
    error, kept = None, None
    if request.method == "POST":
        kept = kept_form.from_login_form()
        try:
            with attempt():
                done = staff_login.second_step(use_case(), pending, request.form.get("code", ""))
        except Unauthorized as exc:
            error = exc.message
        else:
            _complete(done.principal)
            if done.recovery_codes_left is not None:
                return render_template("staff/recovery_used.html", left=done.recovery_codes_left, kept=kept)
            if kept is not None:
                commit_so_far()  # the login holds even when the kept form is then refused
                answer = kept_form.replay(kept)
                if answer is not None:
                    return answer
            return redirect(url_for("counsellor.home"))
    return render_template("staff/second_step.html", error=error, kept=kept), (401 if error else 200)


@bp.route("/login/inrichten", methods=["GET", "POST"])
@pending_login(enrolled=False)
@throttled(Bucket.STAFF_LOGIN)
def enrol(pending: PendingLogin):
    """First login, or after a reset: add the account to an authenticator app and confirm it
    with a first code; the recovery codes are shown once, on the answer to that confirmation."""
    error, status = None, 200
    if request.method == "POST":
        try:
            with attempt():
                done = staff_login.enrol(use_case(), pending, request.form.get("code", ""))
        except (Unauthorized, InvalidInput) as exc:
            error, status = exc.message, exc.status
        else:
            _complete(done.principal)
            return render_template("staff/recovery_codes.html", codes=done.recovery_codes)
    return render_template("staff/enrol.html", enrolment=_in_language(staff_login.enrolment(use_case(), pending)),
                           error=error), status


def _in_language(enrolment):
    """The QR code's title (read aloud) in the page's language."""
    title = f"<title>{QR_TITLE}</title>"
    return replace(enrolment, qr_svg=enrolment.qr_svg.replace(title, f"<title>{escape(translated(QR_TITLE))}</title>"))


@bp.post("/logout")
@staff_required()
def logout(principal: StaffPrincipal):
    # Deletes the session row and with it the sealed key; the cookie's token opens nothing more.
    staff_service.log_out(db(), principal.token)
    logout_user()
    session.clear()
    return redirect(url_for("staff.login"))


@bp.route("/beheer/tweede-factor", methods=["GET", "POST"])
@staff_required(StaffRole.ADMIN)
def reset_second_factor(principal: StaffPrincipal):
    """An admin resets a colleague's second factor. It reads nothing: no key, no case."""
    error = None
    status = 200
    if request.method == "POST":
        try:
            with attempt():
                second_factor.reset(use_case(), email=request.form.get("email", ""),
                                    by=principal.staff, actor=principal.staff.email)
        except (NotFound, InvalidInput, Forbidden) as exc:
            error, status = exc.message, exc.status
        else:
            return notices.done("staff.reset_second_factor", "tweede_factor_gewist")
    return render_template("staff/reset_second_factor.html",
                           members=second_factor.colleagues(db(), principal.staff),
                           enrolled=second_factor.is_enrolled, role_names=STAFF_ROLE_LABELS,
                           error=error), status
