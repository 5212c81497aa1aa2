"""The melder's pages, server-rendered and complete without JavaScript (Dutch)."""
from __future__ import annotations

import base64
import binascii

from flask import (
    Blueprint, Response, redirect, render_template, request, session, stream_with_context, url_for,
)

from whistle.domain.lifecycle import Actor, State
from whistle.services import lifecycle, organisations
from whistle.services.melder import consent
from whistle.services.melder import intake
from whistle.services.melder import case as reporter
from whistle.services.cases import current_recipients
from whistle.services.errors import Conflict, InvalidInput, Unauthorized
from whistle.domain.report import MAX_MESSAGE_CHARS
from whistle.web.context import clock, db, settings
from whistle.web.downloads import download_response
from whistle.web.uploads import posted_attachments

bp = Blueprint("reporter", __name__)
TOKEN = "melder"  # nosec B105  # the session key's name, not a secret


@bp.get("/")
def index():
    return render_template("reporter/index.html", orgs=organisations.list_organisations(db()))


@bp.get("/o/<org>/")
def start(org: str):
    return render_template("reporter/start.html", org=organisations.get_organisation(db(), org))


@bp.route("/o/<org>/melden", methods=["GET", "POST"])
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
            files = posted_attachments("attachments", keep_metadata=f.get("keep_metadata") == "ja")
            case, code = intake.submit_plain(
                db(), settings(), clock(), org,
                {k: f.get(k, "") for k in intake.REPORT_FIELDS}, identity, files)
            db().commit()
        except InvalidInput as exc:
            db().rollback()
            error = exc.message
        else:
            return render_template("reporter/receipt.html", org=organisation, case=case, code=code,
                                   uploaded=files)
    return render_template("reporter/form.html", org=organisation, regeling=regeling,
                           recipients=recipients, error=error, form=request.form), (400 if error else 200)


@bp.route("/o/<org>/terug", methods=["GET", "POST"])
def login(org: str):
    organisation = organisations.get_organisation(db(), org)
    error = None
    if request.method == "POST":
        try:
            ctx = reporter.open_code_session(db(), settings(), clock(), org, request.form.get("code", ""))
            db().commit()
        except Unauthorized as exc:
            db().rollback()
            error = exc.message
        else:
            session.clear()
            session[TOKEN] = base64.urlsafe_b64encode(ctx.token).decode()
            return redirect(url_for("reporter.case_page"))
    # The browser path (static/js/terug.js) needs the state names, the one answer for a
    # wrong code and the longest message, to say and check exactly what the server path does.
    return render_template("reporter/login.html", org=organisation, error=error,
                           state_labels={s.value: s.label for s in State},
                           unauthorized=Unauthorized().message,
                           max_message_chars=MAX_MESSAGE_CHARS), (401 if error else 200)


def current_melder() -> reporter.ReporterContext:
    raw = session.get(TOKEN)
    try:
        token = base64.urlsafe_b64decode(raw) if raw else None
    except (binascii.Error, ValueError, TypeError):
        token = None
    ctx = reporter.resume(db(), settings(), clock(), token)
    if ctx.case_key is None:
        raise Unauthorized()
    return ctx


@bp.get("/melder/zaak")
def case_page():
    ctx = current_melder()
    return render_case(ctx)


def render_case(ctx, error=None, status=200, uploaded=()):
    records = reporter.open_records(db(), ctx)
    page = render_template(
        "reporter/case.html", case=ctx.case, org=ctx.case.organisation,
        report=next((r.body for r in records if r.kind == "report"), {}),
        messages=[r for r in records if r.kind == "message"],
        attachments=reporter.open_attachment_headers(db(), ctx),
        routes=reporter.escalation_routes(ctx.case, clock().today()),
        events=lifecycle.events_for(ctx.case, Actor.MELDER),
        consent=consent.view(db(), ctx.case),
        error=error, uploaded=uploaded)
    db().commit()
    return page, status


@bp.route("/melder/stap/<event>", methods=["GET", "POST"])
def melder_event(event: str):
    """Withdraw, report externally or disagree: a confirmation page first (GET), then the
    step itself (POST with confirm=ja). Works without JavaScript."""
    ctx = current_melder()
    step = next((t for t in lifecycle.events_for(ctx.case, Actor.MELDER) if t.event.value == event), None)
    if step is None:
        return render_case(ctx, error="Deze stap is in de huidige status van uw melding niet mogelijk.",
                            status=400)
    error = None
    if request.method == "POST" and request.form.get("confirm") == "ja":
        try:
            lifecycle.transition(db(), clock(), ctx.case, event, ctx, route=request.form.get("route"))
            db().commit()
        except (InvalidInput, Conflict) as exc:
            db().rollback()
            error, ctx = exc.message, current_melder()
        else:
            return redirect(url_for("reporter.case_page"))
    page = render_template("reporter/confirm_event.html", case=ctx.case, org=ctx.case.organisation,
                           step=step, routes=reporter.escalation_routes(ctx.case, clock().today()),
                           other_route=lifecycle.OTHER_ROUTE, error=error)
    db().commit()
    return page, (400 if error else 200)


@bp.post("/melder/bericht")
def post_message():
    ctx = current_melder()
    try:
        reporter.add_plain_message(db(), clock(), ctx, request.form.get("text", ""))
        db().commit()
    except InvalidInput as exc:
        db().rollback()
        return render_case(current_melder(), error=exc.message, status=400)
    return redirect(url_for("reporter.case_page"))


@bp.post("/melder/bijlage")
def post_attachment():
    ctx = current_melder()
    try:
        files = posted_attachments("attachments",
                                   keep_metadata=request.form.get("keep_metadata") == "ja")
    except InvalidInput as exc:
        return render_case(ctx, error=exc.message, status=400)
    if not files:
        return render_case(ctx, error="Kies eerst een bestand.", status=400)
    for plain in files:
        reporter.add_plain_attachment(db(), clock(), ctx, plain)
    db().commit()
    # Rendered here rather than redirected: what was removed from which file is told once and
    # kept nowhere, not even in the session cookie.
    return render_case(ctx, uploaded=files)


@bp.get("/melder/bijlage/<attachment_id>")
def get_attachment(attachment_id: str):
    ctx = current_melder()
    header, plaintext = reporter.download(db(), settings(), ctx, attachment_id)
    db().commit()
    return download_response(header, plaintext)


@bp.post("/melder/uitloggen")
def logout():
    raw = session.pop(TOKEN, None)
    if raw:
        try:
            reporter.log_out(db(), base64.urlsafe_b64decode(raw))
            db().commit()
        except (binascii.Error, ValueError):
            pass
    session.clear()
    return render_template("reporter/logged_out.html")

