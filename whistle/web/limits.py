"""Abuse limits at the edge (whistle.infra.throttle): which requests count, and the 429
answer with Retry-After. The melder's endpoints are guarded here, by name, before their views
run; the staff login views call the throttle themselves."""
from __future__ import annotations

import base64
import binascii

from flask import Flask, current_app, g, request, session

from whistle.services.errors import TooManyRequests
from whistle.infra.throttle import Throttle, client_address, organisation_of_session
from whistle.web.context import db, settings
from whistle.web.errors import answer

# Wrong receipt codes (no-JS) and wrong challenge signatures (API): a 401 counts as a failure.
MELDER_LOGIN = {"reporter.login", "api.post_session"}
CHALLENGE = {"api.post_challenge"}
# New meldingen, charged to the organisation in the URL when they succeed (any answer below 400).
INTAKE = {"reporter.new_report", "api.post_report"}
# What a logged-in melder adds later, charged to their case's organisation.
FOLLOW_UP = {"reporter.post_attachment", "reporter.post_message", "api.post_attachment",
             "api.post_message"}


def throttle() -> Throttle:
    return current_app.extensions["whistle_throttle"]


def init_app(app: Flask) -> None:
    app.extensions["whistle_throttle"] = Throttle(app.extensions["whistle"].settings,
                                                  app.extensions["whistle"].clock)
    app.before_request(_before)
    app.after_request(_after)

    @app.errorhandler(TooManyRequests)
    def _throttled(exc: TooManyRequests):
        body, status = answer(exc.status, exc.message)
        return body, status, {"Retry-After": str(exc.retry_after)}


def _client() -> bytes:
    address = client_address(request.remote_addr, request.headers.get("X-Forwarded-For"),
                             settings().trusted_proxy_hops)
    return throttle().client(address)


def _before() -> None:
    endpoint = request.endpoint
    if endpoint == "reporter.new_report" and request.method == "GET":
        # Tell the melder before they write, not after.
        throttle().check_intake(request.view_args["org"], new_case=True)
    if request.method != "POST":
        return
    if endpoint in MELDER_LOGIN:
        throttle().check_melder_login(_client())
    elif endpoint in CHALLENGE:
        throttle().take_challenge(_client())
    elif endpoint in INTAKE:
        throttle().check_intake(request.view_args["org"], new_case=True)
    elif endpoint in FOLLOW_UP:
        org = organisation_of_session(db(), _melder_token())
        if org:
            g.intake_org = org
            throttle().check_intake(org, new_case=False)


def _after(response):
    endpoint = request.endpoint
    if request.method != "POST" or endpoint is None:
        return response
    if endpoint in MELDER_LOGIN and response.status_code == 401:
        throttle().melder_login_failed(_client())
    elif endpoint in INTAKE and response.status_code < 400:
        throttle().intake_used(request.view_args["org"], cases=1, size=request.content_length or 0)
    elif endpoint in FOLLOW_UP and response.status_code < 400 and g.get("intake_org"):
        throttle().intake_used(g.intake_org, cases=0, size=_size(response))
    return response


def _size(response) -> int:
    """Bytes a request added: its length, or for a streamed upload without one, the stored size."""
    if request.content_length:
        return request.content_length
    body = response.get_json(silent=True) if response.is_json else None
    return int(body.get("size") or 0) if isinstance(body, dict) else 0


def _melder_token() -> bytes | None:
    """The melder's session token from the bearer header (API) or the cookie (no-JS)."""
    auth = request.headers.get("Authorization", "")
    raw = auth[7:].strip() + "==" if auth.startswith("Bearer ") else session.get("melder")
    try:
        return base64.urlsafe_b64decode(raw) if raw else None
    except (binascii.Error, ValueError, TypeError):
        return None

