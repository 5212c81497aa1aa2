"""The vertrouwenspersoon's pages (Dutch): inbox, case, reply, downloads. Logging in and out is
in whistle.web.staff."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from whistle.domain.lifecycle import Actor, DismissReason, MeldingKind, State
from whistle.domain.roles import StaffRole
from whistle.domain.benadeling import RISK_QUESTIONS, Answer, RiskLevel
from whistle.domain.disclosure import LegalGround
from whistle.services import benadeling, disclosure, lifecycle, recipient_log, trust
from whistle.services.organisations import regeling_of
from whistle.services.counsellor import case as counsellor
from whistle.services.counsellor import complaint, escalation
from whistle.services.counsellor import history as case_history
from whistle.services.counsellor import inbox as inbox_service
from whistle.services.counsellor import lead as case_lead
from whistle.services.counsellor import notes as case_notes
from whistle.services.counsellor import meeting as meeting_requests
from whistle.services.melder import meeting, minutes
from whistle.services.operations import retention
from whistle.services.errors import Conflict, InvalidInput
from whistle.services.staff.accounts import StaffPrincipal
from whistle.web.context import attempt, clock, db, use_case
from whistle.web.downloads import download_response
from whistle.web.notices import done, step_notice
from whistle.web.principals import staff_required

bp = Blueprint("counsellor", __name__, url_prefix="/vp")

# The states from which a counsellor may close a case as junk in bulk (acknowledged first).
DISMISSABLE = frozenset(s.value for s in (State.ONTVANGEN, State.ONTVANGST_BEVESTIGD))


@bp.get("/start")
@staff_required()
def home(principal: StaffPrincipal):
    """Where a staff member lands: the inbox for a counsellor, their account for others."""
    if principal.staff.role == StaffRole.COUNSELLOR:
        return redirect(url_for("counsellor.inbox"))
    return render_template("counsellor/home.html", my_fingerprint=trust.fingerprint_of(principal.staff))


@bp.get("/")
@staff_required(StaffRole.COUNSELLOR)
def inbox(principal: StaffPrincipal):
    return render_inbox(principal)


def render_inbox(principal: StaffPrincipal, error: str | None = None, status: int = 200):
    """The inbox with the filters in the query; a filter value that does not exist is refused
    with what to choose, and the unfiltered first page shows beneath."""
    org = principal.staff.organisation
    regeling = regeling_of(org)
    try:
        filters = inbox_service.parse_filters(request.args, regeling)
        listing = inbox_service.page(db(), principal.staff, regeling, filters, clock().today())
    except InvalidInput as exc:
        error, status = exc.message, exc.status
        listing = inbox_service.page(db(), principal.staff, regeling, inbox_service.Filters(), clock().today())
    return render_template("counsellor/inbox.html", listing=listing, cases=[r.case for r in listing.rows],
                           regeling=regeling, states=list(State), kinds=list(MeldingKind),
                           deadline_filters=inbox_service.DEADLINE_FILTERS,
                           today=clock().today(), log=recipient_log.entries(db(), org, limit=10),
                           log_problems=recipient_log.verify(db(), org),
                           my_fingerprint=trust.fingerprint_of(principal.staff),
                           reasons=list(DismissReason), dismissable=DISMISSABLE, error=error,
                           disclosure_steps=disclosure.waiting(db(), principal, clock().today()),
                           meeting_requests=meeting_requests.pending(db(), principal.staff.id, clock().today())), status


@bp.post("/opschonen")
@staff_required(StaffRole.COUNSELLOR)
def dismiss(principal: StaffPrincipal):
    """Close the ticked cases as junk, with one reason (issue 11: a flood is cleared in one go)."""
    try:
        with attempt():
            counsellor.dismiss_many(use_case(), principal, request.form.getlist("ref"),
                                    request.form.get("reason", ""))
    except (InvalidInput, Conflict) as exc:
        return render_inbox(principal, error=exc.message, status=exc.status)
    return done("counsellor.inbox", "afgesloten_onbruikbaar")


@bp.get("/zaak/<ref>")
@staff_required(StaffRole.COUNSELLOR)
def case(principal: StaffPrincipal, ref: str):
    return render_case(principal, ref)


def render_case(principal: StaffPrincipal, ref: str, error: str | None = None, status: int = 200):
    """The case page, also for the hand-over's forms (whistle.web.handover) to show a refusal."""
    opened = counsellor.open_case(use_case(), principal, ref)
    return render_template("counsellor/case.html", c=opened, case=opened.case,
                           handover=(None if opened.key_unreadable
                                     else escalation.handover_view(db(), principal, opened.case)),
                           events=lifecycle.events_for(opened.case, Actor.COUNSELLOR),
                           retention=(None if opened.key_unreadable
                                      else retention.case_view(db(), principal, opened.case, clock().today())),
                           kinds=list(MeldingKind), form=request.form if status != 200 else {},
                           regeling=regeling_of(opened.case.organisation), risk_questions=RISK_QUESTIONS,
                           notes=case_notes.for_member(db(), principal, opened.case),
                           answers=list(Answer), risk_levels=list(RiskLevel), grounds=list(LegalGround), me=principal.staff.id,
                           disclosures=(None if opened.key_unreadable
                                        else disclosure.case_views(use_case(), principal, opened.case)),
                           complaint=complaint.facts(opened.case, clock().today()),
                           complaint_message=complaint.complaint_message(opened),
                           minutes=minutes.view(db(), opened.case), meeting=meeting.view(db(), opened.case),
                           lead=case_lead.view(db(), principal, opened.case),
                           today=clock().today(), error=error), status


@bp.post("/zaak/<ref>/stap/<event>")
@staff_required(StaffRole.COUNSELLOR)
def fire(principal: StaffPrincipal, ref: str, event: str):
    """One lifecycle step; which steps exist comes from the transition table."""
    try:
        with attempt():
            lifecycle.transition(use_case(), ref, event, principal, **request.form.to_dict())
    except (InvalidInput, Conflict) as exc:
        return render_case(principal, ref, error=exc.message, status=exc.status)
    return done("counsellor.case", step_notice(event), ref=ref)


@bp.post("/zaak/<ref>/oppakken")
@staff_required(StaffRole.COUNSELLOR)
def take_lead(principal: StaffPrincipal, ref: str):
    """"Zelf oppakken": the counsellor becomes the case's lead; the others keep their access."""
    try:
        with attempt():
            case_lead.take(use_case(), principal, ref)
    except InvalidInput as exc:
        return render_case(principal, ref, error=exc.message, status=exc.status)
    return done("counsellor.case", "zaak_opgepakt", ref=ref)


@bp.post("/zaak/<ref>/overdragen")
@staff_required(StaffRole.COUNSELLOR)
def hand_over_lead(principal: StaffPrincipal, ref: str):
    """"Overdragen aan": a colleague who holds the key becomes the lead."""
    try:
        with attempt():
            case_lead.hand_over(use_case(), principal, ref, request.form.get("lead", ""))
    except InvalidInput as exc:
        return render_case(principal, ref, error=exc.message, status=exc.status)
    return done("counsellor.case", "zaak_overgedragen", ref=ref)


@bp.post("/zaak/<ref>/benadeling")
@staff_required(StaffRole.COUNSELLOR)
def assess_benadeling(principal: StaffPrincipal, ref: str):
    """A (new) risk assessment of benadeling, after triage."""
    try:
        with attempt():
            benadeling.assess(use_case(), principal, ref, request.form)
    except InvalidInput as exc:
        return render_case(principal, ref, error=exc.message, status=400)
    return done("counsellor.case", "benadeling_vastgelegd", ref=ref)


@bp.get("/zaak/<ref>/geschiedenis")
@staff_required(StaffRole.COUNSELLOR)
def history(principal: StaffPrincipal, ref: str):
    case, lines = case_history.history(db(), principal, ref)
    return render_template("counsellor/history.html", case=case, lines=lines)


@bp.get("/bewaartermijnen")
@staff_required(StaffRole.COUNSELLOR)
def upcoming_deletions(principal: StaffPrincipal):
    return render_template("counsellor/retention.html", today=clock().today(),
                           upcoming=retention.upcoming(db(), principal, clock().today()))


@bp.post("/zaak/<ref>/bewaren")
@staff_required(StaffRole.COUNSELLOR)
def extend_retention(principal: StaffPrincipal, ref: str):
    """Keep a closed case longer than its regeling says, with a reason."""
    try:
        with attempt():
            retention.extend(use_case(), principal, ref, request.form.get("until", ""),
                             request.form.get("reason", ""))
    except (InvalidInput, Conflict) as exc:
        return render_case(principal, ref, error=exc.message, status=exc.status)
    return done("counsellor.case", "bewaartermijn_verlengd", ref=ref)


@bp.post("/zaak/<ref>/bericht")
@staff_required(StaffRole.COUNSELLOR)
def reply(principal: StaffPrincipal, ref: str):
    try:
        with attempt():
            counsellor.reply(use_case(), principal, ref, request.form.get("text", ""))
    except InvalidInput as exc:
        return render_case(principal, ref, error=exc.message, status=400)
    return done("counsellor.case", "bericht_verstuurd", ref=ref)


@bp.post("/zaak/<ref>/notitie")
@staff_required(StaffRole.COUNSELLOR)
def add_note(principal: StaffPrincipal, ref: str):
    """An internal note: for the vertrouwenspersonen only, never for the melder or a dossier."""
    try:
        with attempt():
            case_notes.add(use_case(), principal, ref, request.form.get("note", ""))
    except InvalidInput as exc:
        return render_case(principal, ref, error=exc.message, status=400)
    return done("counsellor.case", "notitie_opgeslagen", ref=ref)


@bp.get("/zaak/<ref>/bijlage/<attachment_id>")
@staff_required(StaffRole.COUNSELLOR)
def attachment(principal: StaffPrincipal, ref: str, attachment_id: str):
    # The audit event is committed when this returns, before the first byte of the body leaves.
    header, plaintext = counsellor.download(use_case(), principal, ref, attachment_id)
    return download_response(header, plaintext)
