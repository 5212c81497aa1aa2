"""Disclosure of the melder's identity without consent (Dutch pages; whistle.services.disclosure):
the bevoegd gezag asks from its dossier page, a vertrouwenspersoon asks, decides, discloses or
withdraws from the case page. A refusal is shown on the page it came from; nothing is changed."""
from __future__ import annotations

import logging

from flask import Blueprint, redirect, request, url_for

from whistle.domain.roles import StaffRole
from whistle.infra.mail import MailError
from whistle.services import disclosure
from whistle.services.counsellor import escalation
from whistle.services.errors import Conflict, InvalidInput
from whistle.services.staff.accounts import StaffPrincipal
from whistle.web import authority as authority_pages
from whistle.web import counsellor as counsellor_pages
from whistle.web.context import after_commit, attempt, use_case
from whistle.web.principals import staff_required

bp = Blueprint("disclosure", __name__)
log = logging.getLogger("whistle.web")


# --- the bevoegd gezag, on its dossier page ---------------------------------------------------

@bp.post("/bg/dossier/<ref>/identiteit")
@staff_required(StaffRole.AUTHORITY)
def authority_request(principal: StaffPrincipal, ref: str):
    try:
        with attempt():
            disclosure.request_by_authority(use_case(), principal, ref, request.form)
    except (InvalidInput, Conflict) as exc:
        return authority_pages._render(principal, ref, error=exc.message, status=exc.status)
    return redirect(url_for("authority.dossier", ref=ref, _anchor="identity-disclosure"))


@bp.post("/bg/dossier/<ref>/identiteit/<int:disclosure_id>/intrekken")
@staff_required(StaffRole.AUTHORITY)
def authority_withdraw(principal: StaffPrincipal, ref: str, disclosure_id: int):
    try:
        with attempt():
            disclosure.withdraw_by_authority(use_case(), principal, ref, disclosure_id)
    except (InvalidInput, Conflict) as exc:
        return authority_pages._render(principal, ref, error=exc.message, status=exc.status)
    return redirect(url_for("authority.dossier", ref=ref, _anchor="identity-disclosure"))


# --- the vertrouwenspersoon, on the case page -------------------------------------------------

def _counsellor_step(principal: StaffPrincipal, ref: str, step, *args):
    try:
        with attempt():
            result = step(use_case(), principal, ref, *args)
    except (InvalidInput, Conflict) as exc:
        return counsellor_pages.render_case(principal, ref, error=exc.message, status=exc.status)
    if step is disclosure.disclose:
        after_commit(lambda: _notify(result[1]))
    return redirect(url_for("counsellor.case", ref=ref, _anchor="identity-disclosure"))


def _notify(recipients) -> None:
    """The identity's recipients get the usual dossier notice (a link, nothing of the content)."""
    try:
        escalation.notify(use_case(), recipients)
    except MailError:
        log.warning("dossier notice could not be mailed")  # the dossier waits in their inbox


@bp.post("/vp/zaak/<ref>/bekendmaking")
@staff_required(StaffRole.COUNSELLOR)
def counsellor_request(principal: StaffPrincipal, ref: str):
    return _counsellor_step(principal, ref, disclosure.request_by_counsellor, request.form)


@bp.post("/vp/zaak/<ref>/bekendmaking/<int:disclosure_id>/besluit")
@staff_required(StaffRole.COUNSELLOR)
def decide(principal: StaffPrincipal, ref: str, disclosure_id: int):
    return _counsellor_step(principal, ref, disclosure.decide, disclosure_id, request.form)


@bp.post("/vp/zaak/<ref>/bekendmaking/<int:disclosure_id>/bekendmaken")
@staff_required(StaffRole.COUNSELLOR)
def disclose(principal: StaffPrincipal, ref: str, disclosure_id: int):
    return _counsellor_step(principal, ref, disclosure.disclose, disclosure_id)


@bp.post("/vp/zaak/<ref>/bekendmaking/<int:disclosure_id>/intrekken")
@staff_required(StaffRole.COUNSELLOR)
def withdraw(principal: StaffPrincipal, ref: str, disclosure_id: int):
    return _counsellor_step(principal, ref, disclosure.withdraw_by_counsellor, disclosure_id)
