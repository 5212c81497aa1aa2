"""The public reporter protocol, v1 (docs/protocol.md, docs/openapi.yaml). Each view parses,
calls one use case and answers; the request's unit of work commits (whistle.web.context)."""
from __future__ import annotations

import base64
import json

from flask import Blueprint, Response, jsonify, request, stream_with_context
from werkzeug.exceptions import RequestEntityTooLarge

from whistle.services import benadeling, lifecycle
from whistle.services.melder import code as melder_code, complaint, consent, meeting, minutes
from whistle.services.melder import intake
from whistle.services.melder import case as reporter
from whistle.services.melder.case import ReporterContext
from whistle.services.errors import InvalidInput, TooLarge, Unauthorized
from whistle.services.input import b64
from whistle.services.organisations import get_organisation
from whistle.web.context import clock, db, settings, use_case
from whistle.web.errors import refusal
from whistle.web.limits import Bucket, refused_work, throttled, work_stamps
from whistle.web.principals import melder_required

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def json_body():
    # request.stream stops at max_json_bytes (WhistleRequest.max_content_length), chunked or not.
    length = request.content_length
    if length is not None and length > settings().max_json_bytes:
        raise TooLarge("Het verzoek is te groot.")
    try:
        raw = request.get_data(cache=False, as_text=False)
    except RequestEntityTooLarge:
        raise TooLarge("Het verzoek is te groot.") from None
    if len(raw) >= settings().max_json_bytes:  # the stream stops at the limit: a body that reached it is too large
        raise TooLarge("Het verzoek is te groot.")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        # RecursionError: a small body nested thousands deep ('{"a":{"a":...'), found by tests/fuzz.
        raise InvalidInput("body: not valid JSON") from None


@bp.get("/orgs/<org>/intake")
def get_intake(org: str):
    return jsonify(intake.intake_info(use_case(), org))


@bp.get("/orgs/<org>/work")
def get_work(org: str):
    """A proof-of-work challenge for one submission (protocol E.7)."""
    get_organisation(db(), org)
    return jsonify({"work": work_stamps().issue(org)})


@bp.post("/orgs/<org>/reports")
@throttled(Bucket.INTAKE)
def post_report(org: str):
    try:
        case = intake.submit_sealed(use_case(), org, json_body(), paid=lambda: _require_work(org))
    except _WorkRefused as exc:
        return exc.answer
    work_stamps().accepted(org)
    return jsonify(intake.received_json(case)), 201


class _WorkRefused(Exception):
    def __init__(self, answer) -> None:
        self.answer = answer


def _require_work(org: str) -> None:
    answer = refused_work(org)
    if answer is not None:
        raise _WorkRefused(answer)


@bp.post("/reporter/challenge")
@throttled(Bucket.CHALLENGE)
def post_challenge():
    body = json_body()
    challenge = reporter.issue_challenge(use_case(), body.get("locator") if isinstance(body, dict) else None)
    return jsonify({"challenge": b64(challenge)})


@bp.post("/reporter/session")
@throttled(Bucket.MELDER_LOGIN)
def post_session():
    try:
        body = json_body()
    except (InvalidInput, TooLarge):
        raise Unauthorized() from None  # the one answer for every failed login
    try:
        token, expires_in = reporter.open_api_session(use_case(), body)
    except Unauthorized as exc:
        return refusal(exc)  # answered, not raised: the used-up challenge is committed
    return jsonify({"token": base64.urlsafe_b64encode(token).decode().rstrip("="),
                    "expires_in": expires_in})


@bp.delete("/reporter/session")
@melder_required
def delete_session(ctx: ReporterContext):
    """Log out (protocol E.3): the token stops working now rather than when it idles out."""
    reporter.log_out(db(), ctx.token)
    answer = Response(status=204)
    del answer.headers["Content-Type"]  # no body, so no type
    return answer


@bp.post("/reporter/case/code")
@melder_required
@throttled(Bucket.MELDER_LOGIN)
def post_code(ctx: ReporterContext):
    """Replace the melder's code (Extensions E.10): the new locator, public keys and wrap of the
    case key, proved with a fresh challenge signed by the current and by the new key. Every
    session of the case ends; the answer carries the new session's token."""
    body = json_body()
    try:
        token, expires_in = melder_code.replace_by_client(use_case(), ctx, body)
    except Unauthorized as exc:
        return refusal(exc)  # answered, not raised: the used-up challenge is committed
    return jsonify({"token": base64.urlsafe_b64encode(token).decode().rstrip("="),
                    "expires_in": expires_in})


@bp.get("/reporter/case")
@melder_required
def get_case(ctx: ReporterContext):
    return jsonify(reporter.case_json(use_case(), ctx))


@bp.post("/reporter/case/messages")
@melder_required
@throttled(Bucket.FOLLOW_UP)
def post_message(ctx: ReporterContext):
    rec = reporter.add_sealed_message(use_case(), ctx, json_body())
    return jsonify({"id": rec.id, "created_on": rec.created_on.isoformat()}), 201


@bp.post("/reporter/case/events")
@melder_required
def post_event(ctx: ReporterContext):
    """The melder's lifecycle events: withdraw, report_external (with `route`, and optionally
    `ciphertext`, a sealed message telling the counsellor more), disagree."""
    body = json_body()
    if not isinstance(body, dict):
        raise InvalidInput("body: expected a JSON object")
    event = lifecycle.parse_event(body.get("event"))
    if event not in lifecycle.MELDER_EVENTS:
        allowed = ", ".join(e.value for e in lifecycle.MELDER_EVENTS)
        raise InvalidInput(f"event: a melder may send {allowed}", field="event")
    facts = {k: v for k, v in body.items() if k != "event"}
    lifecycle.transition(use_case(), ctx.case, event, ctx, **facts)
    return jsonify(reporter.case_state_json(ctx.case, clock().today()))


@bp.post("/reporter/case/benadeling")
@melder_required
@throttled(Bucket.FOLLOW_UP)
def post_benadeling(ctx: ReporterContext):
    """Benadeling (issue 15): `{"kind": "melding", "ciphertext"}` at any time, or
    `{"kind": "nazorg", "answer": "ja"|"nee", "ciphertext"}` at an open follow-up moment."""
    body = json_body()
    if not isinstance(body, dict) or body.get("kind") not in ("melding", "nazorg"):
        raise InvalidInput("kind: 'melding' or 'nazorg'", field="kind")
    if body["kind"] == "melding":
        benadeling.report(use_case(), ctx.case, None, body)
    else:
        benadeling.answer_follow_up(use_case(), ctx.case, None, body)
    return jsonify(reporter.case_state_json(ctx.case, clock().today())), 201


@bp.post("/reporter/case/complaint")
@melder_required
@throttled(Bucket.FOLLOW_UP)
def post_complaint(ctx: ReporterContext):
    """A complaint after the terugkoppeling (Extensions E.6): `{"ciphertext"}`, a message record
    with purpose 'complaint' sealed in the browser, and optionally `lkc_limit_on`."""
    complaint.lodge(use_case(), ctx, json_body())
    return jsonify(reporter.case_state_json(ctx.case, clock().today())), 201


@bp.post("/reporter/case/minutes")
@melder_required
@throttled(Bucket.FOLLOW_UP)
def post_minutes(ctx: ReporterContext):
    """An oral melding's minutes (Extensions E.9): `{"action": "approve", "version"}` or
    `{"action": "correct", "version", "ciphertext"}` (a message record the client sealed)."""
    body = json_body()
    steps = {"approve": minutes.approve, "correct": minutes.correct}
    if not isinstance(body, dict) or body.get("action") not in steps:
        raise InvalidInput("action: 'approve' or 'correct'", field="action")
    steps[body["action"]](use_case(), ctx, body)
    return jsonify(reporter.case_state_json(ctx.case, clock().today())), 201


@bp.post("/reporter/case/meeting")
@melder_required
@throttled(Bucket.FOLLOW_UP)
def post_meeting(ctx: ReporterContext):
    """A meeting on request (Extensions E.11): `{"action": "request", "kind", "ciphertext"?}`,
    `{"action": "confirm"}` or `{"action": "other_moment", "ciphertext"?}`; a note is a message
    record the client sealed."""
    body = json_body()
    if not isinstance(body, dict) or body.get("action") not in meeting.STEPS:
        raise InvalidInput("action: 'request', 'confirm' or 'other_moment'", field="action")
    if body.get("text") is not None:
        raise InvalidInput("text: a note goes sealed, as ciphertext", field="text")
    meeting.STEPS[body["action"]](use_case(), ctx, body)
    return jsonify(reporter.case_state_json(ctx.case, clock().today())), 201


@bp.post("/reporter/case/consent")
@melder_required
def post_consent(ctx: ReporterContext):
    """The melder's consent to let their identity go into the dossier for the bevoegd gezag
    (Extensions E.4): `{"consent": true}` gives it, `false` revokes it, until a dossier is sent."""
    body = json_body()
    consent.set_identity_consent(use_case(), ctx, body.get("consent") if isinstance(body, dict) else None)
    return jsonify(reporter.case_state_json(ctx.case, clock().today()))


@bp.post("/reporter/case/attachments")
@melder_required
@throttled(Bucket.FOLLOW_UP)
def post_attachment(ctx: ReporterContext):
    limit = request.content_length
    if limit is not None and limit > settings().max_attachment_bytes * 2:
        raise TooLarge("De bijlage is te groot.")
    att = reporter.add_sealed_attachment(use_case(), ctx, request.headers.get("Whistle-Attachment-Record"),
                                         request.stream)
    return jsonify({"id": att.id, "created_on": att.created_on.isoformat(), "size": att.size}), 201


@bp.get("/reporter/case/attachments/<attachment_id>")
@melder_required
def get_attachment(ctx: ReporterContext, attachment_id: str):
    att, body = reporter.attachment_body(use_case(), ctx, attachment_id)
    return Response(stream_with_context(body), mimetype="application/octet-stream",
                    headers={"Content-Length": str(att.size)})
