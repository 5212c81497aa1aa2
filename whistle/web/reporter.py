"""The melder's pages, server-rendered and complete without JavaScript (Dutch)."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask import session as flask_session
from flask_babel import gettext

from whistle.domain.lifecycle import Actor, Event, State
from whistle.domain.meeting import MeetingKind
from whistle.services import benadeling, disclosure, lifecycle, organisations
from whistle.services.melder import code as melder_code, complaint, consent, form_token, meeting, minutes
from whistle.services.melder import intake
from whistle.services.melder import case as reporter
from whistle.services.cases import current_recipients
from whistle.services.errors import Conflict, InvalidInput, Unauthorized
from whistle.domain.report import MAX_MESSAGE_CHARS, REPORT_FIELDS
from whistle.infra.metadata_words import BROWSER_WORDS
from whistle.web.context import attempt, clock, db, settings, use_case
from whistle.web.downloads import download_response
from whistle.web.limits import Bucket, throttled
from whistle.web.melder_resume import melder_keeps_text
from whistle.web.melder_words import translated
from whistle.web.principals import forget_melder, melder_required, remember_melder
from whistle.web.uploads import posted_attachments

bp = Blueprint("reporter", __name__)


@bp.get("/")
def index():
    try:
        choice, error = organisations.find_organisations(db(), request.args.get("q")), None
    except InvalidInput as exc:
        choice, error = organisations.find_organisations(db(), ""), exc.message
    return render_template("reporter/index.html", choice=choice, error=error), 400 if error else 200


@bp.get("/o/<org>/")
def start(org: str):
    organisation = organisations.get_organisation(db(), org)
    return render_template("reporter/start.html", org=organisation,
                           oral=organisations.regeling_of(organisation).oral)


@bp.route("/o/<org>/melden", methods=["GET", "POST"])
@throttled(Bucket.INTAKE)
def new_report(org: str):
    organisation = organisations.get_organisation(db(), org)
    regeling = organisations.regeling_of(organisation)
    recipients = current_recipients(db(), organisation)
    error = None
    if request.method == "POST":
        f = request.form
        identity = None
        if f.get("share_identity") == "ja":
            identity = {k: f.get(k, "") for k in intake.IDENTITY_FIELDS}
        try:
            with attempt():
                if f.get(form_token.FIELD) is not None:  # first: a second sending stops here
                    form_token.claim(use_case(), f.get(form_token.FIELD))
                files = posted_attachments("attachments", keep_metadata=f.get("keep_metadata") == "ja")
                case, code = intake.submit_plain(
                    use_case(), org, {k: f.get(k, "") for k in intake.REPORT_FIELDS}, identity, files)
        except form_token.AlreadyReceived as exc:
            # Reloaded or sent again: no second case and no code (it was shown once). 409, so the
            # intake limit does not charge the same melding twice.
            return render_template("reporter/already_received.html", org=organisation,
                                   message=exc.message), exc.status
        except InvalidInput as exc:
            error = exc.message
        else:
            return render_template("reporter/receipt.html", org=organisation, case=case, code=code,
                                   uploaded=files)
    return render_template("reporter/form.html", org=organisation, regeling=regeling,
                           recipients=recipients, error=error, form=request.form,
                           metadata_words=BROWSER_WORDS,
                           submission_token=form_token.issue(settings(), clock().today())), (400 if error else 200)


@bp.route("/o/<org>/terug", methods=["GET", "POST"])
@throttled(Bucket.MELDER_LOGIN)
def login(org: str):
    organisation = organisations.get_organisation(db(), org)
    error = None
    if request.method == "POST":
        try:
            with attempt():
                ctx = reporter.open_code_session(use_case(), org, request.form.get("code", ""))
        except Unauthorized as exc:
            error = exc.message
        else:
            remember_melder(ctx)
            return redirect(url_for("reporter.case_page"))
    # The browser path (static/js/terug.js) needs the state names, the one answer for a
    # wrong code and the longest message, to say and check exactly what the server path does.
    return render_template("reporter/login.html", org=organisation, error=error, meeting_kinds=list(MeetingKind),
                           state_labels={s.value: translated(s.label) for s in State},
                           unauthorized=translated(Unauthorized().message),
                           max_message_chars=MAX_MESSAGE_CHARS,
                           metadata_words=BROWSER_WORDS, report_fields=REPORT_FIELDS), (401 if error else 200)


@bp.get("/melder/zaak")
@melder_required
def case_page(ctx: reporter.ReporterContext):
    return render_case(ctx)


def render_case(ctx, error=None, status=200, uploaded=()):
    records = reporter.open_records(db(), ctx)
    current_meeting = meeting.view(db(), ctx.case)
    page = render_template(
        "reporter/case.html", case=ctx.case, org=ctx.case.organisation,
        report=next((r.body for r in records if r.kind == "report"), {}),
        report_unreadable=any(r.unreadable for r in records if r.kind == "report"),
        messages=[r for r in records if r.kind == "message"],
        attachments=reporter.open_attachment_headers(db(), ctx),
        routes=reporter.escalation_routes(ctx.case, clock().today()),
        events=[t for t in lifecycle.events_for(ctx.case, Actor.MELDER) if t.event is not Event.COMPLAIN],
        complaint=complaint.view(db(), ctx.case, ctx.case_key, clock().today()), form=request.form,
        minutes=minutes.view(db(), ctx.case), meeting=current_meeting, meeting_kinds=list(MeetingKind),
        may_request_meeting=meeting.may_request_now(ctx.case, current_meeting) is None,
        org_meeting_days=organisations.regeling_of(ctx.case.organisation).meeting_proposal_days,
        consent=consent.view(db(), ctx.case), disclosures=disclosure.for_melder(db(), ctx.case),
        follow_up=benadeling.follow_up_view(ctx.case, clock().today()),
        error=error, uploaded=uploaded, session_minutes=settings().reporter_session_minutes,
        code_token_field=form_token.FIELD, code_token=form_token.issue(settings(), clock().today()))
    return page, status


@bp.get("/melder/kopie")
@melder_required
def melder_copy(ctx: reporter.ReporterContext):
    """The melder's own copy (issue 12, item 7), the server path: rendered from the session in
    memory and streamed as a download; nothing of it is written anywhere or recorded (the
    melder's other reading, such as downloading an attachment, is not either)."""
    return copy_download(ctx)


def copy_download(ctx: reporter.ReporterContext) -> Response:
    records = reporter.open_records(db(), ctx)
    messages = [r for r in records if r.kind == "message"]
    attachments = reporter.open_attachment_headers(db(), ctx)
    today = clock().today()
    css = (Path(current_app.static_folder) / "copy.css").read_text(encoding="utf-8")
    html = render_template(
        "reporter/copy_document.html", org=ctx.case.organisation, case=ctx.case, made_on=today,
        report=next((r.body for r in records if r.kind == "report"), {}),
        report_unreadable=any(r.unreadable for r in records if r.kind == "report"),
        report_fields=REPORT_FIELDS, messages=messages, attachments=attachments, copy_css=css)
    name = f"melding-kopie-{today:%d-%m-%Y}.html"
    return Response(html, mimetype="text/html", headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store",
    })


@bp.get("/melder/sessie")
@melder_required
def keep_session(ctx: reporter.ReporterContext):
    """'Ik ben er nog' on the case page (static/js/session-warning.js): loading the melder moved
    the session's idle timeout on; the page and what the melder typed stay as they are."""
    return "", 204


@bp.route("/melder/stap/<event>", methods=["GET", "POST"])
@melder_required
def melder_event(ctx: reporter.ReporterContext, event: str):
    """Withdraw, report externally or disagree: a confirmation page first (GET), then the
    step itself (POST with confirm=ja). Works without JavaScript."""
    step = next((t for t in lifecycle.events_for(ctx.case, Actor.MELDER)
                 if t.event.value == event and t.event is not Event.COMPLAIN), None)
    if step is None:
        return render_case(ctx, error=gettext("Deze stap is in de huidige status van uw melding niet mogelijk."),
                            status=400)
    error = None
    if request.method == "POST" and request.form.get("confirm") == "ja":
        try:
            with attempt():
                lifecycle.transition(use_case(), ctx.case, event, ctx, route=request.form.get("route"))
        except (InvalidInput, Conflict) as exc:
            error = exc.message
        else:
            return redirect(url_for("reporter.case_page"))
    return render_template("reporter/confirm_event.html", case=ctx.case, org=ctx.case.organisation,
                             step=step, routes=reporter.escalation_routes(ctx.case, clock().today()),
                             other_route=lifecycle.OTHER_ROUTE, error=error), (400 if error else 200)


@bp.post("/melder/bericht")
@melder_keeps_text
@throttled(Bucket.FOLLOW_UP)
def post_message(ctx: reporter.ReporterContext):
    try:
        with attempt():
            reporter.add_plain_message(use_case(), ctx, request.form.get("text", ""))
    except InvalidInput as exc:
        return render_case(ctx, error=exc.message, status=400)
    return redirect(url_for("reporter.case_page"))


@bp.post("/melder/gesprek/<step>")
@melder_required
@throttled(Bucket.FOLLOW_UP)
def meeting_step(ctx: reporter.ReporterContext, step: str):
    """A meeting on request: ask for one (aanvragen), confirm the proposal (bevestigen), or ask
    for another moment (ander-moment). Works without JavaScript."""
    action = {"aanvragen": meeting.request, "bevestigen": meeting.confirm, "ander-moment": meeting.other_moment}.get(step)
    if action is None:
        return render_case(ctx, error=gettext("Deze stap bestaat niet."), status=404)
    try:
        with attempt():
            action(use_case(), ctx, request.form)
    except InvalidInput as exc:
        return render_case(ctx, error=exc.message, status=400)
    return redirect(url_for("reporter.case_page", _anchor="gesprek"))


@bp.post("/melder/klacht")
@melder_required
@throttled(Bucket.FOLLOW_UP)
def lodge_complaint(ctx: reporter.ReporterContext):
    """A complaint about the handling, to the office the regeling names ('s-Hertogenbosch)."""
    try:
        with attempt():
            complaint.lodge(use_case(), ctx, request.form)
    except (InvalidInput, Conflict) as exc:
        return render_case(ctx, error=exc.message, status=exc.status)
    return redirect(url_for("reporter.case_page", _anchor="klacht"))


@bp.post("/melder/verslag/<answer>")
@melder_required
@throttled(Bucket.FOLLOW_UP)
def answer_minutes(ctx: reporter.ReporterContext, answer: str):
    """The minutes of an oral melding: approve a version (akkoord) or send corrections (correctie)."""
    step = {"akkoord": minutes.approve, "correctie": minutes.correct}.get(answer)
    if step is None:
        return render_case(ctx, error=gettext("Deze stap bestaat niet."), status=404)
    try:
        with attempt():
            step(use_case(), ctx, request.form)
    except InvalidInput as exc:
        return render_case(ctx, error=exc.message, status=400)
    return redirect(url_for("reporter.case_page", _anchor="verslag"))


@bp.post("/melder/benadeling")
@melder_keeps_text
@throttled(Bucket.FOLLOW_UP)
def report_benadeling(ctx: reporter.ReporterContext):
    """Benadeling, reported at any time (Wbk art. 17da): sealed for the vertrouwenspersoon."""
    try:
        with attempt():
            benadeling.report(use_case(), ctx.case, ctx.case_key, request.form)
    except InvalidInput as exc:
        return render_case(ctx, error=exc.message, status=400)
    return redirect(url_for("reporter.case_page", _anchor="benadeling"))


@bp.post("/melder/nazorg")
@melder_keeps_text
@throttled(Bucket.FOLLOW_UP)
def answer_follow_up(ctx: reporter.ReporterContext):
    """The answer to the follow-up question after closing: benadeling ervaren, ja of nee."""
    try:
        with attempt():
            benadeling.answer_follow_up(use_case(), ctx.case, ctx.case_key, request.form)
    except InvalidInput as exc:
        return render_case(ctx, error=exc.message, status=400)
    return redirect(url_for("reporter.case_page", _anchor="benadeling"))


@bp.post("/melder/bijlage")
@melder_keeps_text
@throttled(Bucket.FOLLOW_UP)
def post_attachment(ctx: reporter.ReporterContext):
    try:
        files = posted_attachments("attachments",
                                   keep_metadata=request.form.get("keep_metadata") == "ja")
    except InvalidInput as exc:
        return render_case(ctx, error=exc.message, status=400)
    if not files:
        return render_case(ctx, error=gettext("Kies eerst een bestand."), status=400)
    for plain in files:
        reporter.add_plain_attachment(use_case(), ctx, plain)
    # Rendered here rather than redirected: what was removed from which file is told once and
    # kept nowhere, not even in the session cookie.
    return render_case(ctx, uploaded=files)


@bp.get("/melder/bijlage/<attachment_id>")
@melder_required
def get_attachment(ctx: reporter.ReporterContext, attachment_id: str):
    # The melder's session is committed when this returns, before the first byte of the body leaves.
    header, plaintext = reporter.download(use_case(), ctx, attachment_id)
    return download_response(header, plaintext)


@bp.post("/melder/code")
@melder_required
@throttled(Bucket.MELDER_LOGIN)
def replace_code(ctx: reporter.ReporterContext):
    """Replace the code (issue 12 point 5): the current code typed once more, a new one made and
    shown once. The form's one-time token comes first, so a reload or a second sending makes no
    second new code; a wrong current code is a 401 like a wrong code at the login."""
    try:
        with attempt():
            form_token.claim(use_case(), request.form.get(form_token.FIELD))
            fresh, code = melder_code.replace_on_server(use_case(), ctx, request.form.get("code", ""))
    except form_token.AlreadyReceived:
        return render_template("reporter/code_already_replaced.html", org=ctx.case.organisation), 409
    except (InvalidInput, Unauthorized) as exc:
        return render_case(ctx, error=exc.message, status=exc.status)
    # A new session, as at a login; the page's CSRF secret stays, so that a reload of the new
    # code's page reaches the one-time token (and its answer) instead of a CSRF refusal.
    csrf_secret = flask_session.get("csrf_token")
    remember_melder(fresh)
    if csrf_secret is not None:
        flask_session["csrf_token"] = csrf_secret
    return render_template("reporter/new_code.html", org=fresh.case.organisation, code=code)


@bp.post("/melder/uitloggen")
def logout():
    token = forget_melder()
    if token:
        reporter.log_out(db(), token)
    return render_template("reporter/logged_out.html")

