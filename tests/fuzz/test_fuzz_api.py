"""Every v1 API endpoint with hostile bodies, fields, headers and path parameters: never a
5xx, never a half-stored case (checked after every example, see conftest.assert_consistent)."""
from __future__ import annotations

import base64

from hypothesis import given, strategies as st

from whistle.domain.lifecycle import Event
from tests.abuse.junk import work_header
from tests.fuzz.profiles import fuzz
from tests.fuzz.strategies import (
    b64_edge, b64_of, bearer, content_types, field, garbage_bytes, header_safe, json_any, maybe_missing,
    path_param, raw_body, record_b64, report_body, short_text,
)


def recipients(arena) -> list[str]:
    intake = arena.anon.get("/api/v1/orgs/deventer/intake").get_json()
    return [r["key_id"] for r in intake["recipients"]]


def body_or_garbage(valid: st.SearchStrategy) -> st.SearchStrategy[bytes]:
    return st.one_of(valid.map(raw_body), valid.map(raw_body), json_any.map(raw_body), garbage_bytes)


def headers(token: str, auth: str | None, ctype: str) -> dict:
    h = {"Content-Type": ctype}
    if auth == "valid":
        h["Authorization"] = f"Bearer {token}"
    elif auth is not None:
        h["Authorization"] = auth
    return h


auth_choice = st.one_of(st.just("valid"), st.just("valid"), bearer)
ctype_choice = st.one_of(st.just("application/json"), st.just("application/json"), content_types)


@fuzz
@given(data=st.data(), org=st.one_of(st.just("deventer"), st.just("deventer"), path_param), ctype=ctype_choice)
def test_post_report(arena, data, org, ctype):
    body = data.draw(body_or_garbage(report_body(recipients(arena))))
    arena.anon.post(f"/api/v1/orgs/{org}/reports", data=body, headers={"Content-Type": ctype})
    arena.check()


@fuzz
@given(org=path_param)
def test_get_intake(arena, org):
    arena.anon.get(f"/api/v1/orgs/{org}/intake")
    arena.check()


@fuzz
@given(challenge_body=body_or_garbage(maybe_missing({"locator": field(
           st.binary(min_size=16, max_size=16).map(bytes.hex))})),
       session_body=body_or_garbage(maybe_missing({
           "locator": field(st.binary(min_size=16, max_size=16).map(bytes.hex)),
           "challenge": field(b64_of(32)), "signature": field(b64_of(64))})),
       ctype=ctype_choice)
def test_challenge_and_session(arena, challenge_body, session_body, ctype):
    arena.anon.post("/api/v1/reporter/challenge", data=challenge_body, headers={"Content-Type": ctype})
    r = arena.anon.post("/api/v1/reporter/session", data=session_body, headers={"Content-Type": ctype})
    assert r.status_code in (400, 401, 413, 415), r.status_code  # a forged login never opens a session
    arena.check()


@fuzz
@given(auth=auth_choice, ctype=ctype_choice,
       message=body_or_garbage(maybe_missing({"ciphertext": field(record_b64)})),
       event=body_or_garbage(maybe_missing({"event": field(st.sampled_from([e.value for e in Event])),
                                            "route": field(short_text), "ciphertext": field(record_b64)})))
def test_case_messages_and_events(arena, auth, ctype, message, event):
    h = headers(arena.token, auth, ctype)
    arena.anon.get("/api/v1/reporter/case", headers=h)
    arena.anon.post("/api/v1/reporter/case/messages", data=message, headers=h)
    arena.anon.post("/api/v1/reporter/case/events", data=event, headers=h)
    arena.check()


def sealed_stream_shape(n_chunks: int, last: int) -> int:
    return 24 + n_chunks * (65536 + 17) + last


@fuzz
@given(auth=auth_choice, record=st.one_of(st.none(), record_b64, b64_edge),
       body=st.one_of(garbage_bytes, st.integers(0, 3).map(lambda n: b"\0" * sealed_stream_shape(0, 17 + n)),
                      st.binary(min_size=41, max_size=2000)),
       ctype=st.one_of(st.just("application/octet-stream"), content_types),
       attachment=st.one_of(st.none(), path_param))
def test_attachments_up_and_down(arena, auth, record, body, ctype, attachment):
    h = headers(arena.token, auth, ctype)
    if record is not None:
        h["Whistle-Attachment-Record"] = header_safe(record)
    arena.anon.post("/api/v1/reporter/case/attachments", data=body, headers=h)
    arena.anon.get(f"/api/v1/reporter/case/attachments/{attachment or arena.attachment_id}", headers=h)
    arena.check()


@fuzz
@given(path=st.one_of(path_param, st.sampled_from(["orgs", "orgs/deventer", "reporter", "reporter/case/x",
                                                   "orgs/deventer/intake/x", "v2", ""])),
       method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]),
       body=garbage_bytes, auth=auth_choice)
def test_any_api_path_any_method(arena, path, method, body, auth):
    arena.anon.open(f"/api/v1/{path}", method=method, data=body,
                    headers=headers(arena.token, auth, "application/json"))
    arena.check()


def test_a_valid_looking_report_is_stored_whole(arena):
    """The strategies reach the storing code: a well-formed body (sealed garbage, which the
    server cannot tell from a real one) becomes one complete case."""
    body = {"version": 1, "locator": "ab" * 16, "reporter_box_public_key": base64.b64encode(b"k" * 32).decode(),
            "reporter_sign_public_key": base64.b64encode(b"s" * 32).decode(),
            "report": base64.b64encode(b"r" * (24 + 1024 + 16)).decode(),
            "key_commitment": base64.b64encode(b"c" * 32).decode(),
            "keys": [{"recipient": r, "sealed_key": base64.b64encode(b"x" * 80).decode()} for r in recipients(arena)],
            "reporter_sealed_key": base64.b64encode(b"y" * 80).decode()}
    assert arena.anon.post("/api/v1/orgs/deventer/reports", json=body,
                           headers=work_header(arena.anon)).status_code == 201
    arena.check()
