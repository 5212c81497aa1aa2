"""The bevoegd gezag's pages: the dossiers addressed to the member, one dossier, and
the decision. A dossier the member holds no key for is 404, whoever asks."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from whistle.domain.disclosure import LegalGround
from whistle.domain.complaint import ComplaintOutcome
from whistle.domain.lifecycle import Decision
from whistle.services.counsellor.complaint import facts as complaint_facts
from whistle.domain.roles import StaffRole
from whistle.services import disclosure
from whistle.services.authority import decisions as authority
from whistle.services.dossiers import DECISION_LABELS
from whistle.services.errors import Conflict, InvalidInput
from whistle.services.staff.accounts import StaffPrincipal
from whistle.web.context import attempt, clock, db, use_case
from whistle.web.downloads import download_response
from whistle.web.notices import done
from whistle.web.principals import staff_required

bp = Blueprint("authority", __name__, url_prefix="/bg")


@bp.get("/")
@staff_required(StaffRole.AUTHORITY)
def inbox(principal: StaffPrincipal):
    return render_template("authority/inbox.html", dossiers=authority.inbox(db(), principal))


@bp.get("/dossier/<ref>")
@staff_required(StaffRole.AUTHORITY)
def dossier(principal: StaffPrincipal, ref: str):
    return _render(principal, ref)


def _render(principal: StaffPrincipal, ref: str, error: str | None = None, status: int = 200):
    opened = authority.read(use_case(), principal, ref)
    return render_template("authority/dossier.html", d=opened, case=opened.case, error=error,
                           may_decide=authority.may_decide(opened.case), grounds=list(LegalGround),
                           me=principal.staff.id,
                           disclosures=disclosure.dossier_views(use_case(), principal, ref),
                           complaint=(complaint_facts(opened.case, clock().today())
                                      if authority.is_complaint_dossier(db(), opened.dossier) else None),
                           may_decide_complaint=authority.may_decide_complaint(db(), opened),
                           outcomes=list(ComplaintOutcome),
                           decisions=[(d.value, DECISION_LABELS[d.value]) for d in Decision],
                           form=request.form if status != 200 else {}), status


@bp.get("/dossier/<ref>/bijlage/<attachment_id>")
@staff_required(StaffRole.AUTHORITY)
def attachment(principal: StaffPrincipal, ref: str, attachment_id: str):
    """An attachment that travelled in this dossier, as a download under its own name."""
    # The audit event is committed when this returns, before the first byte of the body leaves.
    header, plaintext = authority.download(use_case(), principal, ref, attachment_id)
    return download_response(header, plaintext)


@bp.post("/dossier/<ref>/besluit")
@staff_required(StaffRole.AUTHORITY)
def decide(principal: StaffPrincipal, ref: str):
    try:
        with attempt():
            authority.decide(use_case(), principal, ref, request.form)
    except (InvalidInput, Conflict) as exc:
        return _render(principal, ref, error=exc.message, status=exc.status)
    return done("authority.dossier", "besluit_vastgelegd", ref=ref)
@bp.post("/dossier/<ref>/klachtbesluit")
@staff_required(StaffRole.AUTHORITY)
def decide_complaint(principal: StaffPrincipal, ref: str):
    """The decision on a melder's complaint: an investigation after all, or none, with reasons."""
    try:
        with attempt():
            authority.decide_complaint(use_case(), principal, ref, request.form)
    except (InvalidInput, Conflict) as exc:
        return _render(principal, ref, error=exc.message, status=exc.status)
    return done("authority.dossier", "klachtbesluit_vastgelegd", ref=ref)
