"""The beheerder's pages (/beheer): the organisation's accounts, creating one with a one-time
passphrase, (de)activating, an authority member's office, and the regeling in force (read
only); plus the page where any staff member changes their own passphrase. Every change goes
through the services the CLI uses, which write the audit events. A beheerder holds no case
key, and nothing here wraps one to them."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user

from whistle.domain.offices import HOLDABLE_OFFICES, office_label
from whistle.domain.roles import STAFF_ROLE_LABELS, StaffRole
from whistle.services import recipient_log, trust
from whistle.services.staff import second_factor
from whistle.services.staff import accounts as staff_service
from whistle.services.errors import Forbidden, InvalidInput
from whistle.services.organisations import regeling_of
from whistle.services.staff.accounts import StaffPrincipal
from whistle.web.context import after_commit, attempt, db, settings, use_case
from whistle.web.melder_words import translated
from whistle.web.notices import done
from whistle.web.principals import staff_required
from whistle.web.staff_words import N_

bp = Blueprint("admin", __name__)

# The services answer in English for the CLI; the beheerder reads the page's language.
_IN_WORDS = (
    ("exists already", N_("Er bestaat al een account met dit e-mailadres.")),
    ("not a valid e-mail", N_("Dit is geen geldig e-mailadres.")),
    ("passphrase: at least", N_("De wachtwoordzin heeft minstens %(num)s tekens.")),
    ("unknown office", N_("Onbekende functie; kies er een uit de lijst.")),
    ("only a member", N_("Alleen een lid van het bevoegd gezag heeft een functie.")),
    ("role: must be", N_("Kies een rol: vertrouwenspersoon, bevoegd gezag of beheerder.")),
)
# Reachable while a member still has to replace a passphrase someone else chose.
_WHILE_MUST_CHANGE = {"admin.change_passphrase", "staff.logout", "static"}


def _in_words(exc: InvalidInput) -> str:
    """The refusal as the beheerder reads it, in the page's language."""
    for needle, text in _IN_WORDS:
        if needle in exc.message:
            return gettext(text, num=staff_service.MIN_PASSPHRASE)
    return exc.message


def _offices() -> list[tuple[str, str]]:
    """The offices an account can hold, by their label in the page's language, in its order."""
    return sorted(((o.value, translated(o.label)) for o in HOLDABLE_OFFICES), key=lambda pair: pair[1])


@bp.before_app_request
def _must_change_first():
    """A passphrase the beheerder chose opens nothing but the page that replaces it."""
    if "_user_id" not in session or request.endpoint in _WHILE_MUST_CHANGE:
        return None
    if current_user.is_authenticated and current_user.staff.must_change_passphrase:
        return redirect(url_for("admin.change_passphrase"))
    return None


@bp.get("/beheer/")
@staff_required(StaffRole.ADMIN)
def accounts(principal: StaffPrincipal):
    return render_template("admin/accounts.html", members=second_factor.colleagues(db(), principal.staff),
                           enrolled=second_factor.is_enrolled, role_names=STAFF_ROLE_LABELS, office_label=office_label,
                           endorsed=trust.endorsed(db(), principal.staff.organisation))


@bp.route("/beheer/accounts/nieuw", methods=["GET", "POST"])
@staff_required(StaffRole.ADMIN)
def create_account(principal: StaffPrincipal):
    error, status, form = None, 200, {}
    if request.method == "POST":
        form = request.form
        try:
            with attempt():
                member = staff_service.create_staff(
                    use_case(), org_slug=principal.staff.organisation.slug, role=form.get("role", ""),
                    email=form.get("email", ""), passphrase=form.get("passphrase", ""),
                    actor=principal.staff.email, display_name=form.get("name", ""),
                    authority_function=form.get("function") if form.get("role") == StaffRole.AUTHORITY else None,
                    must_change_passphrase=True)
        except InvalidInput as exc:
            error, status = _in_words(exc), exc.status
        else:
            return done("admin.accounts", "account_aangemaakt")
    return render_template("admin/create.html", offices=_offices(), role_names=STAFF_ROLE_LABELS, form=form,
                           error=error, min_passphrase=staff_service.MIN_PASSPHRASE), status


def _account_page(member, error=None, status=200):
    return render_template("admin/account.html", member=member, enrolled=second_factor.is_enrolled(member),
                           offices=_offices(), role_names=STAFF_ROLE_LABELS, office_label=office_label,
                           error=error), status


@bp.get("/beheer/accounts/<int:staff_id>")
@staff_required(StaffRole.ADMIN)
def account(principal: StaffPrincipal, staff_id: int):
    return _account_page(staff_service.colleague(db(), principal.staff, staff_id))


@bp.post("/beheer/accounts/<int:staff_id>/actief")
@staff_required(StaffRole.ADMIN)
def set_active(principal: StaffPrincipal, staff_id: int):
    member = staff_service.colleague(db(), principal.staff, staff_id)
    active = request.form.get("active") == "ja"
    try:
        with attempt():
            staff_service.set_active(use_case(), member=member, active=active, by=principal.staff,
                                     actor=principal.staff.email)
        after_commit(lambda: recipient_log.mail_new_entries(db(), settings()))
    except (InvalidInput, Forbidden) as exc:
        return _account_page(member, exc.message, exc.status)
    return done("admin.accounts", "account_ingeschakeld" if active else "account_uitgeschakeld")


@bp.post("/beheer/accounts/<int:staff_id>/functie")
@staff_required(StaffRole.ADMIN)
def set_function(principal: StaffPrincipal, staff_id: int):
    member = staff_service.colleague(db(), principal.staff, staff_id)
    try:
        with attempt():
            staff_service.set_authority_function(use_case(), email=member.email,
                                                 function=request.form.get("function", ""),
                                                 actor=principal.staff.email)
    except InvalidInput as exc:
        return _account_page(db().get(type(member), staff_id), _in_words(exc), exc.status)
    return done("admin.accounts", "functie_bijgewerkt")


@bp.get("/beheer/regeling")
@staff_required(StaffRole.ADMIN)
def regeling(principal: StaffPrincipal):
    return render_template("admin/regeling.html", regeling=regeling_of(principal.staff.organisation),
                           office_label=office_label)


@bp.route("/vp/wachtwoordzin", methods=["GET", "POST"])
@staff_required()
def change_passphrase(principal: StaffPrincipal):
    """Any staff member replaces their own passphrase (required after a beheerder chose it)."""
    error, status = None, 200
    if request.method == "POST":
        new = request.form.get("new", "")
        if new != request.form.get("repeat", ""):
            error, status = gettext("De twee nieuwe wachtwoordzinnen zijn niet gelijk."), 400
        else:
            try:
                with attempt():
                    staff_service.change_passphrase(use_case(), principal.staff, request.form.get("old", ""),
                                                    new, keep_token=principal.token)
                after_commit(lambda: recipient_log.mail_new_entries(db(), settings()))
            except InvalidInput as exc:
                error, status = exc.message, exc.status
            else:
                return render_template("admin/passphrase_changed.html")
    return render_template("admin/passphrase.html", error=error, must=principal.staff.must_change_passphrase,
                           min_passphrase=staff_service.MIN_PASSPHRASE), status
