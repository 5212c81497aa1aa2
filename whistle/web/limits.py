"""Abuse limits at the edge (whistle.infra.throttle). Each guarded view names its bucket with
`@throttled(Bucket...)`, placed below the decorator that loads its principal: the limit is
checked before the view runs, and what the answer costs is counted once it is made (below),
from its status. A throttled answer is 429 with Retry-After."""
from __future__ import annotations

from enum import Enum
from functools import wraps

from flask import Flask, current_app, g, request

from whistle.infra.throttle import Throttle, client_address
from whistle.infra.work import WorkRefused, WorkStamps, stamp_key
from whistle.services.errors import TooManyRequests
from whistle.web.context import settings
from whistle.web.errors import answer
from whistle.web.staff_words import N_


class Bucket(Enum):
    # Wrong receipt codes (no-JS) and wrong challenge signatures (API), per client: a 401 counts.
    MELDER_LOGIN = "melder_login"
    # Challenges handed out, per client.
    CHALLENGE = "challenge"
    # New meldingen, charged to the organisation in the URL when they succeed (below 400). The
    # form page is checked too: tell the melder before they write, not after.
    INTAKE = "intake"
    # What a logged-in melder adds later, charged to their case's organisation.
    FOLLOW_UP = "follow_up"
    # Passphrases and second factors, per account and client (and per client): a 401 counts.
    STAFF_LOGIN = "staff_login"


def throttle() -> Throttle:
    return current_app.extensions["whistle_throttle"]


def work_stamps() -> WorkStamps:
    return current_app.extensions["whistle_work"]


WORK_REFUSED = N_("Uw browser heeft het rekenwerk voor deze melding niet (op tijd) gedaan. Uw melding "
                  "is niet verstuurd; probeer het opnieuw.")


def refused_work(org: str):
    """None when the request carries a valid, unused proof of work for `org` (header
    `Whistle-Work: challenge.nonce`); else the 400 answer, with a fresh challenge."""
    challenge, _, nonce = request.headers.get("Whistle-Work", "").partition(".")
    try:
        work_stamps().check(org, challenge, nonce)
    except WorkRefused:
        return answer(400, WORK_REFUSED, field="work", extra={"work": work_stamps().issue(org)})
    return None


def init_app(app: Flask) -> None:
    settings_ = app.extensions["whistle"].settings
    app.extensions["whistle_throttle"] = Throttle(settings_, app.extensions["whistle"].clock)
    # Made before gunicorn forks, so every worker checks the challenges any of them issued.
    app.extensions["whistle_work"] = WorkStamps(app.extensions["whistle"].clock, settings_.work_bits,
                                                settings_.work_max_bits, key=stamp_key(settings_.secret_key),
                                                store=app.extensions["whistle_throttle"].store)
    app.after_request(_count)

    @app.errorhandler(TooManyRequests)
    def _throttled(exc: TooManyRequests):
        body, status = answer(exc.status, exc.message)
        return body, status, {"Retry-After": str(exc.retry_after)}


def throttled(bucket: Bucket):
    """Check `bucket` before the view (on POST; the intake form on GET as well). The view's
    principal, when a decorator above loaded one, names the melder's organisation or the
    staff account being logged in."""
    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if request.method == "POST" or (bucket is Bucket.INTAKE and request.method == "GET"):
                key = _key(bucket, args[0] if args else None)
                _check(bucket, key)
                if request.method == "POST":
                    g.throttled = (bucket, key)
            return view(*args, **kwargs)
        return guarded
    return decorate


def melder_login_key() -> bytes:
    """The MELDER_LOGIN key for this request, for a view that checks a code itself
    (whistle.web.melder_resume)."""
    return _key(Bucket.MELDER_LOGIN, None)


def _key(bucket: Bucket, principal) -> str | bytes:
    if bucket in (Bucket.MELDER_LOGIN, Bucket.CHALLENGE):
        return _client()
    # Intake is counted per organisation *and* client: a flood from one client spends its
    # own budget, never the organisation's (issue 11: no one switch that shuts everyone out).
    if bucket is Bucket.INTAKE:
        return f"{request.view_args['org']}/{_client().hex()}"
    if bucket is Bucket.FOLLOW_UP:
        return f"{principal.case.organisation.slug}/{_client().hex()}"
    email = principal.member.email if principal is not None else request.form.get("email", "")
    return (email, _client())


def _client() -> bytes:
    address = client_address(request.remote_addr, request.headers.get("X-Forwarded-For"),
                             settings().trusted_proxy_hops)
    return throttle().client(address)


def _check(bucket: Bucket, key) -> None:
    if bucket is Bucket.MELDER_LOGIN:
        throttle().check_melder_login(key)
    elif bucket is Bucket.CHALLENGE:
        throttle().take_challenge(key)
    elif bucket is Bucket.STAFF_LOGIN:
        throttle().check_staff_login(*key)
    else:
        throttle().check_intake(key, new_case=bucket is Bucket.INTAKE)


def _count(response):
    bucket, key = g.pop("throttled", (None, None))
    status = response.status_code
    if bucket is Bucket.MELDER_LOGIN and status == 401:
        throttle().melder_login_failed(key)
    elif bucket is Bucket.STAFF_LOGIN and status == 401:
        throttle().staff_login_failed(*key)
    elif bucket is Bucket.INTAKE and status < 400:
        throttle().intake_used(key, cases=1, size=request.content_length or 0)
    elif bucket is Bucket.FOLLOW_UP and status < 400:
        throttle().intake_used(key, cases=0, size=_size(response))
    return response


def _size(response) -> int:
    """Bytes a request added: its length, or for a streamed upload without one, the stored size."""
    if request.content_length:
        return request.content_length
    body = response.get_json(silent=True) if response.is_json else None
    return int(body.get("size") or 0) if isinstance(body, dict) else 0
