"""The vertrouwenspersoon's pages (Dutch): inbox, case, reply, downloads. Logging in and out is
in whistle.web.staff."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from whistle.domain.lifecycle import Actor, MeldingKind
from whistle.domain.roles import StaffRole
from whistle.services import lifecycle, recipient_log, trust
from whistle.services.counsellor import case as counsellor
from whistle.services.counsellor import escalation
from whistle.services.operations import retention
from whistle.services.errors import Conflict, InvalidInput
from whistle.web.context import clock, db, settings
from whistle.web.downloads import download_response
from whistle.web.staff_auth import require_role

bp = Blueprint("counsellor", __name__, url_prefix="/vp")


@bp.get("/start")
@login_required
def home():
    """Where a staff member lands: the inbox for a counsellor, their account for others."""
    if current_user.staff.role == StaffRole.COUNSELLOR:
        return redirect(url_for("counsellor.inbox"))
    return render_template("counsellor/home.html", my_fingerprint=trust.fingerprint_of(current_user.staff))


@bp.get("/")
def inbox():
    principal = require_role("counsellor")
    org = principal.staff.organisation
    return render_template("counsellor/inbox.html", cases=counsellor.inbox(db(), principal),
                           today=clock().today(), log=recipient_log.entries(db(), org, limit=10),
                           log_problems=recipient_log.verify(db(), org),
                           my_fingerprint=trust.fingerprint_of(principal.staff))


@bp.get("/zaak/<ref>")
def case(ref: str):
    return render_case(ref)


def render_case(ref: str, error: str | None = None, status: int = 200):
    """The case page, also for the hand-over's forms (whistle.web.handover) to show a refusal."""
    principal = require_role("counsellor")
    opened = counsellor.open_case(db(), clock(), principal, ref)
    db().commit()
    return render_template("counsellor/case.html", c=opened, case=opened.case,
                           handover=escalation.handover_view(db(), principal, opened.case),
                           events=lifecycle.events_for(opened.case, Actor.COUNSELLOR),
                           retention=retention.case_view(db(), principal, opened.case, clock().today()),
                           kinds=list(MeldingKind), form=request.form if status != 200 else {},
                           today=clock().today(), error=error), status



@bp.post("/zaak/<ref>/stap/<event>")
def fire(ref: str, event: str):
    """One lifecycle step; which steps exist comes from the transition table."""
    principal = require_role("counsellor")
    try:
        lifecycle.transition(db(), clock(), ref, event, principal, **request.form.to_dict())
        db().commit()
    except (InvalidInput, Conflict) as exc:
        db().rollback()
        return render_case(ref, error=exc.message, status=exc.status)
    return redirect(url_for("counsellor.case", ref=ref))


@bp.get("/bewaartermijnen")
def upcoming_deletions():
    principal = require_role("counsellor")
    return render_template("counsellor/retention.html", today=clock().today(),
                           upcoming=retention.upcoming(db(), principal, clock().today()))


@bp.post("/zaak/<ref>/bewaren")
def extend_retention(ref: str):
    """Keep a closed case longer than its regeling says, with a reason."""
    principal = require_role("counsellor")
    try:
        retention.extend(db(), clock(), principal, ref, request.form.get("until", ""),
                         request.form.get("reason", ""))
        db().commit()
    except (InvalidInput, Conflict) as exc:
        db().rollback()
        return render_case(ref, error=exc.message, status=exc.status)
    return redirect(url_for("counsellor.case", ref=ref))


@bp.post("/zaak/<ref>/bericht")
def reply(ref: str):
    principal = require_role("counsellor")
    try:
        counsellor.reply(db(), clock(), principal, ref, request.form.get("text", ""))
        db().commit()
    except InvalidInput as exc:
        db().rollback()
        return render_case(ref, error=exc.message, status=400)
    return redirect(url_for("counsellor.case", ref=ref))


@bp.get("/zaak/<ref>/bijlage/<attachment_id>")
def attachment(ref: str, attachment_id: str):
    principal = require_role("counsellor")
    header, plaintext = counsellor.download(db(), settings(), clock(), principal, ref, attachment_id)
    db().commit()
    return download_response(header, plaintext)
