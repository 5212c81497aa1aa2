"""The vertrouwenspersoon's page of recipients (/vp/ontvangers): who receives meldingen and
dossiers, each key's fingerprint, endorsing a colleague after comparing fingerprints by phone,
confirming the office of a member of the bevoegd gezag, and withdrawing an endorsement. The
signature is made with the counsellor's own key, unlocked for their session only."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

import crypto
from whistle.domain.offices import office_label
from whistle.domain.roles import StaffRole
from whistle.models import Staff
from whistle.services import recipient_log, trust
from whistle.services.errors import Forbidden, InvalidInput
from whistle.services.staff.accounts import StaffPrincipal
from whistle.web.context import after_commit, attempt, db, settings, use_case
from whistle.web.notices import done
from whistle.web.principals import staff_required

bp = Blueprint("recipients", __name__, url_prefix="/vp")


def _colleague(principal: StaffPrincipal, staff_id: int) -> Staff:
    member = db().get(Staff, staff_id)
    if member is None or member.organisation_id != principal.staff.organisation_id \
            or member.role not in trust.RECEIVING_ROLES:
        raise InvalidInput(_("Kies een vertrouwenspersoon of een lid van het bevoegd gezag van uw organisatie."))
    return member


def _page(principal: StaffPrincipal, error=None, status=200):
    org = principal.staff.organisation
    endorsed = trust.endorsed(db(), org)
    members = list(db().scalars(select(Staff).where(
        Staff.organisation_id == org.id, Staff.role.in_(trust.RECEIVING_ROLES)).order_by(Staff.role, Staff.email)))
    return render_template(
        "counsellor/recipients.html", members=members, endorsed=endorsed, role_label=office_label,
        fingerprint=trust.fingerprint_of, me_endorsed=principal.staff.id in endorsed,
        trust_fingerprint=crypto.fingerprint(org.trust_public_key) if org.trust_public_key else None,
        log=recipient_log.entries(db(), org, limit=50), log_problems=recipient_log.verify(db(), org), error=error), status


@bp.get("/ontvangers")
@staff_required(StaffRole.COUNSELLOR)
def recipients(principal: StaffPrincipal):
    return _page(principal)


@bp.post("/ontvangers/<int:staff_id>/erkennen")
@staff_required(StaffRole.COUNSELLOR)
def endorse(principal: StaffPrincipal, staff_id: int):
    try:
        with attempt():
            member = _colleague(principal, staff_id)
            trust.endorse(use_case(), member, actor=principal.staff.email, by=principal,
                          fingerprint=request.form.get("fingerprint", ""),
                          office=request.form.get("office", "") if member.role == StaffRole.AUTHORITY else None)
    except (InvalidInput, Forbidden) as exc:
        return _page(principal, exc.message, exc.status)
    after_commit(lambda: recipient_log.mail_new_entries(db(), settings()))
    return done("recipients.recipients", "erkend")


@bp.post("/ontvangers/<int:staff_id>/intrekken")
@staff_required(StaffRole.COUNSELLOR)
def withdraw(principal: StaffPrincipal, staff_id: int):
    try:
        with attempt():
            member = _colleague(principal, staff_id)
            trust.withdraw(use_case(), member, actor=principal.staff.email, by=principal)
    except (InvalidInput, Forbidden) as exc:
        return _page(principal, exc.message, exc.status)
    after_commit(lambda: recipient_log.mail_new_entries(db(), settings()))
    return done("recipients.recipients", "erkenning_ingetrokken")
