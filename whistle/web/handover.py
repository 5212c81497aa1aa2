"""The vertrouwenspersoon's hand-over pages (Dutch): composing and sending the dossier for the
bevoegd gezag, marking betrokkenen, sharing the case with a colleague, and a melding made on
behalf of a melder who came in person."""
from __future__ import annotations

import logging

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from whistle.infra.mail import MailError
from whistle.domain.oral import OralForm
from whistle.domain.roles import StaffRole
from whistle.services.counsellor import sharing as case_access
from whistle.services.counsellor import betrokkenen as concerned
from whistle.services.counsellor import complaint, dossier_drafts, escalation, oral
from whistle.services.counsellor import meeting
from whistle.services.cases import staff_case_key_or_none
from whistle.services.melder import intake
from whistle.services.counsellor import on_behalf
from whistle.services.errors import Conflict, InvalidInput
from whistle.services.staff.accounts import StaffPrincipal
from whistle.web import counsellor as counsellor_pages
from whistle.web.context import after_commit, attempt, db, use_case
from whistle.web.notices import done
from whistle.web.principals import staff_required
from whistle.web.uploads import posted_attachments

bp = Blueprint("handover", __name__, url_prefix="/vp")
log = logging.getLogger("whistle.web")


@bp.get("/zaak/<ref>/doorzetten")
@staff_required(StaffRole.COUNSELLOR)
def compose(principal: StaffPrincipal, ref: str):
    return _render_compose(principal, ref)


def _render_compose(principal: StaffPrincipal, ref: str, error: str | None = None, status: int = 200,
                    form=None):
    """The compose form: as typed when `form` is given (a refusal, back from the preview), else
    from the case's draft when there is one, else the case's own text."""
    view = escalation.compose(use_case(), principal, ref)
    case = view.opened.case
    key = staff_case_key_or_none(db(), case, principal.staff, principal.secret_key)
    draft = dossier_drafts.draft_of(db(), case, key)
    if form is None and status != 200:
        form = request.form
    if form is None and draft is not None:
        form = draft.form
    return render_template("counsellor/compose.html", v=view, case=case, c=view.opened,
                           error=error, form=form, draft=draft), status


@bp.post("/zaak/<ref>/doorzetten")
@staff_required(StaffRole.COUNSELLOR)
def send(principal: StaffPrincipal, ref: str):
    """The compose form's two buttons: keep it as a draft, or see the preview (nothing is sent
    from here: sending is the preview's confirmation, `confirm`)."""
    if request.form.get("action") == "concept":
        try:
            with attempt():
                dossier_drafts.save(use_case(), principal, ref, request.form)
        except InvalidInput as exc:
            return _render_compose(principal, ref, error=exc.message, status=exc.status)
        return done("handover.compose", "concept_opgeslagen", ref=ref)
    return _render_preview(principal, ref, request.form)


def _render_preview(principal: StaffPrincipal, ref: str, form, error: str | None = None):
    try:
        shown = escalation.preview(use_case(), principal, ref, form)
        fields = dossier_drafts.form_fields(form)  # carried through the confirmation as typed
    except (InvalidInput, Conflict) as exc:
        return _render_compose(principal, ref, error=exc.message, status=exc.status, form=form)
    return render_template("counsellor/dossier_preview.html", p=shown, case=shown.opened.case,
                           d=shown, fields=fields, error=error), (409 if error else 200)


@bp.post("/zaak/<ref>/doorzetten/versturen")
@staff_required(StaffRole.COUNSELLOR)
def confirm(principal: StaffPrincipal, ref: str):
    """The preview's answer: back to editing (everything as typed), or send to the recipients
    the preview named."""
    if request.form.get("action") == "bewerken":
        return _render_compose(principal, ref, form=request.form)
    try:
        with attempt():
            _dossier, recipients = escalation.escalate(use_case(), principal, ref, request.form,
                                                       confirmed=request.form.getlist("recipient"))
    except InvalidInput as exc:
        if exc.field == "recipients" and exc.message == escalation.RECIPIENTS_CHANGED:
            return _render_preview(principal, ref, request.form, error=exc.message)
        return _render_compose(principal, ref, error=exc.message, status=exc.status, form=request.form)
    except Conflict as exc:
        return _render_compose(principal, ref, error=exc.message, status=exc.status, form=request.form)
    after_commit(lambda: _notify(recipients))
    return done("counsellor.case", "dossier_verstuurd", ref=ref)


@bp.post("/zaak/<ref>/doorzetten/concept/verwijderen")
@staff_required(StaffRole.COUNSELLOR)
def discard_draft(principal: StaffPrincipal, ref: str):
    with attempt():
        dossier_drafts.discard(use_case(), principal, ref)
    return done("counsellor.case", "concept_verwijderd", ref=ref, _anchor="dossier-concept")


def _notify(recipients) -> None:
    try:
        escalation.notify(use_case(), recipients)
    except MailError:
        # The dossier is sent and waits in their inbox; only the notice failed.
        log.warning("dossier notice could not be mailed")


@bp.post("/zaak/<ref>/klacht")
@staff_required(StaffRole.COUNSELLOR)
def forward_complaint(principal: StaffPrincipal, ref: str):
    """Put the melder's complaint to the office the regeling names, as a complaint dossier."""
    try:
        with attempt():
            _dossier, recipients = complaint.forward(use_case(), principal, ref, request.form)
    except (InvalidInput, Conflict) as exc:
        return counsellor_pages.render_case(principal, ref, error=exc.message, status=exc.status)
    after_commit(lambda: _notify(recipients))
    return done("counsellor.case", "klacht_voorgelegd", ref=ref, _anchor="klacht")


@bp.post("/zaak/<ref>/betrokkenen")
@staff_required(StaffRole.COUNSELLOR)
def mark_concerned(principal: StaffPrincipal, ref: str):
    try:
        with attempt():
            concerned.mark(use_case(), principal, ref, request.form.getlist("concerned"))
    except InvalidInput as exc:
        # Refused before anything changed: the case is still ours to show.
        return counsellor_pages.render_case(principal, ref, error=exc.message, status=400)
    return done("counsellor.case", "betrokkenen_vastgelegd", ref=ref)


@bp.post("/zaak/<ref>/toegang")
@staff_required(StaffRole.COUNSELLOR)
def access(principal: StaffPrincipal, ref: str):
    change = {"grant": case_access.grant, "withdraw": case_access.withdraw}.get(request.form.get("action"))
    try:
        if change is None:
            raise InvalidInput(_("Kies toegang geven of intrekken."), field="action")
        with attempt():
            change(use_case(), principal, ref, request.form.get("staff"))
    except InvalidInput as exc:
        return counsellor_pages.render_case(principal, ref, error=exc.message, status=400)
    return done("counsellor.case", "toegang_gegeven" if change is case_access.grant else "toegang_ingetrokken", ref=ref)


@bp.route("/namens", methods=["GET", "POST"])
@staff_required(StaffRole.COUNSELLOR)
def report_on_behalf(principal: StaffPrincipal):
    error = None
    if request.method == "POST":
        f = request.form
        try:
            with attempt():
                case, code = on_behalf.report_on_behalf(
                    use_case(), principal, {k: f.get(k, "") for k in intake.REPORT_FIELDS},
                    give_code=f.get("give_code") == "ja")
        except InvalidInput as exc:
            error = exc.message
        else:
            return render_template("counsellor/on_behalf_done.html", case=case, code=code)
    return render_template("counsellor/on_behalf.html", allowed=on_behalf.allowed(principal),
                           error=error, form=request.form), (400 if error else 200)


@bp.route("/mondeling", methods=["GET", "POST"])
@staff_required(StaffRole.COUNSELLOR)
def record_oral(principal: StaffPrincipal):
    """An oral melding (phone, voice message, meeting; Wbk art. 18) with its minutes."""
    error = None
    if request.method == "POST":
        try:
            with attempt():
                case, code = oral.record(use_case(), principal, request.form,
                                         give_code=request.form.get("give_code") == "ja",
                                         recordings=posted_attachments("recording", keep_metadata=True))
        except InvalidInput as exc:
            error = exc.message
        else:
            return render_template("counsellor/on_behalf_done.html", case=case, code=code)
    return render_template("counsellor/oral.html", error=error, form=request.form,
                           forms=list(OralForm)), (400 if error else 200)


@bp.post("/zaak/<ref>/verslag")
@staff_required(StaffRole.COUNSELLOR)
def revise_minutes(principal: StaffPrincipal, ref: str):
    """A new version of an oral melding's minutes, after the melder's corrections."""
    try:
        with attempt():
            oral.revise(use_case(), principal, ref, request.form)
    except (InvalidInput, Conflict) as exc:
        return counsellor_pages.render_case(principal, ref, error=exc.message, status=exc.status)
    return done("counsellor.case", "verslag_bijgewerkt", ref=ref, _anchor="verslag")


@bp.post("/zaak/<ref>/gesprek")
@staff_required(StaffRole.COUNSELLOR)
def propose_meeting(principal: StaffPrincipal, ref: str):
    """A time and place for the meeting the melder asked for, sealed to the melder."""
    try:
        with attempt():
            meeting.propose(use_case(), principal, ref, request.form)
    except (InvalidInput, Conflict) as exc:
        return counsellor_pages.render_case(principal, ref, error=exc.message, status=exc.status)
    return done("counsellor.case", "gesprek_voorgesteld", ref=ref, _anchor="gesprek")
