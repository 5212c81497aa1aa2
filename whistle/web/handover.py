"""The vertrouwenspersoon's hand-over pages (Dutch): composing and sending the dossier for the
bevoegd gezag, marking betrokkenen, sharing the case with a colleague, and a melding made on
behalf of a melder who came in person."""
from __future__ import annotations

import logging

from flask import Blueprint, redirect, render_template, request, url_for

from whistle.infra.mail import MailError
from whistle.services.counsellor import sharing as case_access
from whistle.services.counsellor import betrokkenen as concerned
from whistle.services.counsellor import escalation
from whistle.services.melder import intake
from whistle.services.counsellor import on_behalf
from whistle.services.errors import Conflict, InvalidInput
from whistle.web import counsellor as counsellor_pages
from whistle.web.context import clock, db, settings
from whistle.web.staff_auth import require_role

bp = Blueprint("handover", __name__, url_prefix="/vp")
log = logging.getLogger("whistle.web")


@bp.get("/zaak/<ref>/doorzetten")
def compose(ref: str):
    return _render_compose(ref)


def _render_compose(ref: str, error: str | None = None, status: int = 200):
    principal = require_role("counsellor")
    view = escalation.compose(db(), clock(), principal, ref)
    db().commit()
    return render_template("counsellor/compose.html", v=view, case=view.opened.case, c=view.opened,
                           error=error, form=request.form if status != 200 else None), status


@bp.post("/zaak/<ref>/doorzetten")
def send(ref: str):
    principal = require_role("counsellor")
    try:
        _dossier, recipients = escalation.escalate(db(), clock(), principal, ref, request.form)
        db().commit()
    except (InvalidInput, Conflict) as exc:
        db().rollback()
        return _render_compose(ref, error=exc.message, status=exc.status)
    try:
        escalation.notify(settings(), recipients)
    except MailError:
        # The dossier is sent and waits in their inbox; only the notice failed.
        log.warning("dossier notice could not be mailed")
    return redirect(url_for("counsellor.case", ref=ref))


@bp.post("/zaak/<ref>/betrokkenen")
def mark_concerned(ref: str):
    principal = require_role("counsellor")
    try:
        concerned.mark(db(), clock(), principal, ref, request.form.getlist("concerned"))
        db().commit()
    except InvalidInput as exc:
        db().rollback()  # refused before anything changed: the case is still ours to show
        return counsellor_pages.render_case(ref, error=exc.message, status=400)
    return redirect(url_for("counsellor.case", ref=ref))


@bp.post("/zaak/<ref>/toegang")
def access(ref: str):
    principal = require_role("counsellor")
    change = {"grant": case_access.grant, "withdraw": case_access.withdraw}.get(request.form.get("action"))
    try:
        if change is None:
            raise InvalidInput("Kies toegang geven of intrekken.", field="action")
        change(db(), clock(), principal, ref, request.form.get("staff"))
        db().commit()
    except InvalidInput as exc:
        db().rollback()
        return counsellor_pages.render_case(ref, error=exc.message, status=400)
    return redirect(url_for("counsellor.case", ref=ref))


@bp.route("/namens", methods=["GET", "POST"])
def report_on_behalf():
    principal = require_role("counsellor")
    error = None
    if request.method == "POST":
        f = request.form
        try:
            case, code = on_behalf.report_on_behalf(
                db(), settings(), clock(), principal, {k: f.get(k, "") for k in intake.REPORT_FIELDS},
                give_code=f.get("give_code") == "ja")
            db().commit()
        except InvalidInput as exc:
            db().rollback()
            error = exc.message
        else:
            return render_template("counsellor/on_behalf_done.html", case=case, code=code)
    return render_template("counsellor/on_behalf.html", allowed=on_behalf.allowed(principal),
                           error=error, form=request.form), (400 if error else 200)
