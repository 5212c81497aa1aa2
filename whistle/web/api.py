"""The public reporter protocol, v1 (docs/protocol.md, docs/openapi.yaml). Each view parses,
calls one use case, commits and answers."""
from __future__ import annotations

import base64
import binascii
import json

from flask import Blueprint, Response, jsonify, request, stream_with_context

from whistle.services import lifecycle
from whistle.services.melder import consent
from whistle.services.melder import intake
from whistle.services.melder import case as reporter
from whistle.services.errors import InvalidInput, TooLarge, Unauthorized
from whistle.services.input import b64
from whistle.web.context import clock, db, settings

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def json_body():
    length = request.content_length
    if length is not None and length > settings().max_json_bytes:
        raise TooLarge("Het verzoek is te groot.")
    raw = request.get_data(cache=False, as_text=False)
    if len(raw) > settings().max_json_bytes:
        raise TooLarge("Het verzoek is te groot.")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        # RecursionError: a small body nested thousands deep ('{"a":{"a":...'), found by tests/fuzz.
        raise InvalidInput("body: not valid JSON") from None


def bearer_context() -> reporter.ReporterContext:
    auth = request.headers.get("Authorization", "")
    token = None
    if auth.startswith("Bearer "):
        try:
            token = base64.urlsafe_b64decode(auth[7:].strip() + "==")
        except (binascii.Error, ValueError):
            token = None
    return reporter.resume(db(), settings(), clock(), token)


@bp.get("/orgs/<org>/intake")
def get_intake(org: str):
    return jsonify(intake.intake_info(db(), settings(), org))


@bp.post("/orgs/<org>/reports")
def post_report(org: str):
    case = intake.submit_sealed(db(), settings(), clock(), org, json_body())
    db().commit()
    return jsonify(intake.received_json(case)), 201


@bp.post("/reporter/challenge")
def post_challenge():
    body = json_body()
    challenge = reporter.issue_challenge(db(), settings(), clock(),
                                         body.get("locator") if isinstance(body, dict) else None)
    db().commit()
    return jsonify({"challenge": b64(challenge)})


@bp.post("/reporter/session")
def post_session():
    try:
        body = json_body()
    except (InvalidInput, TooLarge):
        raise Unauthorized() from None  # the one answer for every failed login
    try:
        token, expires_in = reporter.open_api_session(db(), settings(), clock(), body)
    finally:
        db().commit()  # the challenge is used up, whatever the outcome
    return jsonify({"token": base64.urlsafe_b64encode(token).decode().rstrip("="),
                    "expires_in": expires_in})


@bp.delete("/reporter/session")
def delete_session():
    """Log out (protocol E.3): the token stops working now rather than when it idles out."""
    ctx = bearer_context()
    reporter.log_out(db(), ctx.token)
    db().commit()
    answer = Response(status=204)
    del answer.headers["Content-Type"]  # no body, so no type
    return answer


@bp.get("/reporter/case")
def get_case():
    ctx = bearer_context()
    body = reporter.case_json(db(), clock(), ctx)
    db().commit()
    return jsonify(body)


@bp.post("/reporter/case/messages")
def post_message():
    ctx = bearer_context()
    rec = reporter.add_sealed_message(db(), clock(), ctx, json_body())
    db().commit()
    return jsonify({"id": rec.id, "created_on": rec.created_on.isoformat()}), 201


@bp.post("/reporter/case/events")
def post_event():
    """The melder's lifecycle events: withdraw, report_external (with `route`, and optionally
    `ciphertext`, a sealed message telling the counsellor more), disagree."""
    ctx = bearer_context()
    body = json_body()
    if not isinstance(body, dict):
        raise InvalidInput("body: expected a JSON object")
    event = lifecycle.parse_event(body.get("event"))
    if event not in lifecycle.MELDER_EVENTS:
        allowed = ", ".join(e.value for e in lifecycle.MELDER_EVENTS)
        raise InvalidInput(f"event: a melder may send {allowed}", field="event")
    facts = {k: v for k, v in body.items() if k != "event"}
    lifecycle.transition(db(), clock(), ctx.case, event, ctx, **facts)
    answer = reporter.case_state_json(ctx.case, clock().today())
    db().commit()
    return jsonify(answer)


@bp.post("/reporter/case/consent")
def post_consent():
    """The melder's consent to let their identity go into the dossier for the bevoegd gezag
    (Extensions E.4): `{"consent": true}` gives it, `false` revokes it, until a dossier is sent."""
    ctx = bearer_context()
    body = json_body()
    consent.set_identity_consent(db(), clock(), ctx, body.get("consent") if isinstance(body, dict) else None)
    answer = reporter.case_state_json(ctx.case, clock().today())
    db().commit()
    return jsonify(answer)


@bp.post("/reporter/case/attachments")
def post_attachment():
    ctx = bearer_context()
    limit = request.content_length
    if limit is not None and limit > settings().max_attachment_bytes * 2:
        raise TooLarge("De bijlage is te groot.")
    att = reporter.add_sealed_attachment(db(), settings(), clock(), ctx,
                                         request.headers.get("Whistle-Attachment-Record"),
                                         request.stream)
    db().commit()
    return jsonify({"id": att.id, "created_on": att.created_on.isoformat(), "size": att.size}), 201


@bp.get("/reporter/case/attachments/<attachment_id>")
def get_attachment(attachment_id: str):
    ctx = bearer_context()
    att, body = reporter.attachment_body(db(), settings(), ctx, attachment_id)
    db().commit()
    return Response(stream_with_context(body), mimetype="application/octet-stream",
                    headers={"Content-Length": str(att.size)})
