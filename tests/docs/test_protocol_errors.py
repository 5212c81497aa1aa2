"""Every failure docs/protocol.md promises, as a client meets it: the status the document
names, documented in docs/openapi.yaml for that operation, the body {"error", "field"?} with
the field named, one identical 401 for every failed login or token, and nothing stored."""
import base64
import json

import nacl.bindings as na
import pytest
from sqlalchemy import func, select

from tests.docs import doc_client as dc
from tests.docs.doc_melder import ORG, Api, log_in, read_case, submit
from tests.docs.spec import errors_of
from whistle.models import Attachment, Case, Record
from whistle.reporter_client import ReporterClient

MAX_FILE = 100_000


@pytest.fixture
def settings(settings):
    # A small attachment limit, so "too large" costs a few hundred kilobytes.
    return settings.with_(max_attachment_bytes=MAX_FILE)


@pytest.fixture
def melder(world, client):
    world.org(ORG)
    world.staff(ORG, email="vp@deventer.example")
    api = Api(client)
    code, keys, case_key, _ = submit(api, {"what": "Een melding"})
    log_in(api, code)
    return api, keys, case_key


def counts(db):
    with db() as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in (Case, Record, Attachment))


def as_json(body) -> bytes:
    return json.dumps(body).encode()


def expect(r, status: int, field: str | None = None):
    assert r.status_code == status, r.get_data()[:300]
    body = r.get_json()
    assert isinstance(body["error"], str) and body["error"]
    assert body.get("field") == field, body
    return body


def valid_submission(intake: dict, code: str | None = None) -> dict:
    keys = dc.derive(code or dc.new_code(), ORG, intake["kdf"])
    k = na.randombytes(32)
    return {"version": 1, "locator": keys.locator_hex,
            "reporter_box_public_key": dc.b64(keys.box_pk), "reporter_sign_public_key": dc.b64(keys.sign_pk),
            "report": dc.b64(dc.seal_record(k, "report", keys.locator_hex, {"what": "x"})),
            "key_commitment": dc.b64(dc.commitment(k)),
            "keys": [{"recipient": r["key_id"], "sealed_key": dc.b64(na.crypto_box_seal(k, dc.unb64(r["public_key"])))}
                     for r in intake["recipients"]],
            "reporter_sealed_key": dc.b64(na.crypto_box_seal(k, keys.box_pk))}


def test_a_malformed_report_is_refused_naming_the_member_and_nothing_is_stored(melder, world, db):
    api = melder[0]
    api.token = None
    intake = api.get("/orgs/{org}/intake", f"/orgs/{ORG}/intake").get_json()
    good = valid_submission(intake)
    before = counts(db)
    def paid(org):  # the proof of work a client pays (protocol E.7); none for an unknown org
        answer = api.client.get(f"/api/v1/orgs/{org}/work")
        return {"Whistle-Work": ReporterClient.pay(answer.get_json()["work"])} if answer.status_code == 200 else {}

    post = lambda body, org=ORG: api.send("POST", "/orgs/{org}/reports", f"/orgs/{org}/reports",  # noqa: E731
                                          data=body if isinstance(body, bytes) else as_json(body),
                                          headers={"Content-Type": "application/json", **paid(org)})
    b64_of = lambda n: base64.b64encode(bytes(n)).decode()  # noqa: E731
    cases = [
        (b"not json", None),
        ([good], None),
        (good | {"version": 2}, "version"),
        (good | {"locator": good["locator"].upper()}, "locator"),
        (good | {"keys": []}, "keys"),
        (good | {"keys": [{"recipient": good["keys"][0]["recipient"], "sealed_key": b64_of(79)}]}, "keys[0].sealed_key"),
        (good | {"keys": good["keys"] * 2}, "keys"),
        (good | {"reporter_box_public_key": "!!!!"}, "reporter_box_public_key"),
        (good | {"reporter_sign_public_key": b64_of(31)}, "reporter_sign_public_key"),
        (good | {"report": b64_of(24 + 1000 + 16)}, "report"),
        (good | {"identity": good["report"].rstrip("=")}, "identity"),
        (good | {"key_commitment": b64_of(31)}, "key_commitment"),
        ({k: v for k, v in good.items() if k != "reporter_sealed_key"}, "reporter_sealed_key"),
    ]
    for body, field in cases:
        expect(post(body), 400, field)
    expect(post(good, org="nergens"), 404)
    expect(post(b"{" + b" " * (1024 * 1024) + b"}"), 413)
    assert counts(db) == before, "a refused report stored something"

    assert post(good).status_code == 201
    expect(post(good), 400, "locator")  # the same locator again

    world.org("senzer")  # an organisation without a vertrouwenspersoon
    empty = api.get("/orgs/{org}/intake", "/orgs/senzer/intake").get_json()
    assert empty["recipients"] == []
    expect(post(good | {"locator": "0" * 32}, org="senzer"), 400)
    expect(api.send("GET", "/orgs/{org}/intake", "/orgs/nergens/intake"), 404)


def test_every_failed_login_gets_the_same_401_and_the_challenge_is_no_oracle(melder, client, clock):
    api, keys, _ = melder
    api.token = None
    challenge = lambda locator: api.post("/reporter/challenge", {"locator": locator}).get_json()["challenge"]  # noqa: E731
    session = lambda data: api.send("POST", "/reporter/session", data=data,  # noqa: E731
                                    headers={"Content-Type": "application/json"})
    signed = lambda c, sk=keys.sign_sk: dc.b64(dc.login_signature(sk, dc.unb64(c)))  # noqa: E731

    # The challenge answer does not depend on whether the locator has a case.
    unknown = challenge("f" * 32)
    known = challenge(keys.locator_hex)
    assert len(dc.unb64(unknown)) == len(dc.unb64(known)) == 32
    expect(api.send("POST", "/reporter/challenge", data=as_json({"locator": "XYZ"}),
                    headers={"Content-Type": "application/json"}), 400, "locator")
    expect(api.send("POST", "/reporter/challenge", data=b"nope"), 400)
    expect(api.send("POST", "/reporter/challenge", data=b"{" + b" " * (1024 * 1024) + b"}"), 413)

    other_pk, other_sk = na.crypto_sign_keypair()
    c1, c2, c3, c4 = (challenge(keys.locator_hex) for _ in range(4))
    failures = [
        session(b"not json"),
        session(as_json({})),
        session(as_json({"locator": 5, "challenge": c1, "signature": signed(c1)})),
        session(as_json({"locator": keys.locator_hex, "challenge": c1, "signature": signed(c1, other_sk)})),
        session(as_json({"locator": "f" * 32, "challenge": unknown, "signature": signed(unknown)})),
        session(as_json({"locator": keys.locator_hex, "challenge": c1, "signature": signed(c1)})),  # c1 used up
        session(as_json({"locator": keys.locator_hex, "challenge": dc.b64(bytes(32)), "signature": signed(dc.b64(bytes(32)))})),
    ]
    clock.advance(seconds=121)  # past the challenge lifetime
    failures.append(session(as_json({"locator": keys.locator_hex, "challenge": c2, "signature": signed(c2)})))
    bodies = {json.dumps(expect(r, 401), sort_keys=True) for r in failures}
    assert len(bodies) == 1, f"401 answers differ: {bodies}"

    fresh = challenge(keys.locator_hex)
    ok = session(as_json({"locator": keys.locator_hex, "challenge": fresh, "signature": signed(fresh)}))
    assert ok.status_code == 200 and ok.get_json()["expires_in"] == 900
    del c3, c4


def test_a_token_works_while_used_and_stops_after_15_idle_minutes_with_the_same_401(melder, client, clock):
    api, keys, _ = melder
    get_case = lambda headers: api.send("GET", "/reporter/case", headers=headers)  # noqa: E731
    token = api.token
    api.token = None
    bad = [get_case({}), get_case({"Authorization": "Bearer"}), get_case({"Authorization": "Bearer AAAA"}),
           get_case({"Authorization": "Bearer " + "A" * 43}), get_case({"Authorization": "Basic " + token})]
    for _ in range(3):  # each use restarts the idle period
        clock.advance(minutes=14)
        assert get_case({"Authorization": "Bearer " + token}).status_code == 200
    clock.advance(minutes=15, seconds=1)
    bad.append(get_case({"Authorization": "Bearer " + token}))
    bodies = {json.dumps(expect(r, 401), sort_keys=True) for r in bad}
    assert len(bodies) == 1
    expect(api.send("POST", "/reporter/case/messages", data=b"{}", headers={"Authorization": "Bearer " + token}), 401)


def test_bad_messages_and_files_are_refused_and_leave_nothing(melder, db, settings):
    api, keys, case_key = melder
    before = counts(db)
    msg = lambda data: api.send("POST", "/reporter/case/messages", data=data,  # noqa: E731
                                headers={"Content-Type": "application/json"})
    expect(msg(as_json({})), 400, "ciphertext")
    expect(msg(as_json({"ciphertext": "AAAA"})), 400, "ciphertext")
    expect(msg(as_json({"ciphertext": dc.b64(bytes(24 + 1024 + 15))})), 400, "ciphertext")
    expect(msg(b"[]"), 400)
    expect(msg(b"{" + b" " * (1024 * 1024) + b"}"), 413)

    record = dc.b64(dc.seal_record(case_key, "attachment", keys.locator_hex,
                                   {"name": "a.bin", "type": "application/octet-stream", "size": 1,
                                    "key": dc.b64(bytes(32))}))
    upload = lambda body, header=record: api.send(  # noqa: E731
        "POST", "/reporter/case/attachments", data=body,
        headers={"Content-Type": "application/octet-stream"} | ({"Whistle-Attachment-Record": header} if header else {}))
    one_byte = b"".join(dc.encrypt_file(na.randombytes(32), b"x"))
    expect(upload(one_byte, header=None), 400, "Whistle-Attachment-Record")
    expect(upload(one_byte, header="AAAA"), 400, "Whistle-Attachment-Record")
    expect(upload(b"\0" * 30), 400)                                  # shorter than header + one chunk
    expect(upload(b"\0" * (24 + dc.FULL_CHUNK + 5)), 400)            # a tail too short to be a chunk
    too_big = b"".join(dc.encrypt_file(na.randombytes(32), bytes(MAX_FILE + 1)))
    expect(upload(too_big), 413)                                     # refused while streaming
    expect(upload(bytes(2 * MAX_FILE + 1)), 413)                     # refused by its Content-Length
    assert counts(db) == before
    leftovers = [p for p in settings.attachments_dir.rglob("*") if p.is_file()]
    assert leftovers == [], "a refused upload left a file behind"

    exactly_max = b"".join(dc.encrypt_file(na.randombytes(32), bytes(MAX_FILE)))
    assert len(exactly_max) == dc.encrypted_size(MAX_FILE)
    assert upload(exactly_max).status_code == 201


def test_an_attachment_of_another_case_is_not_found_like_a_missing_one(melder, client):
    api, keys, case_key = melder
    file_key = na.randombytes(32)
    header = dc.seal_record(case_key, "attachment", keys.locator_hex,
                            {"name": "a.txt", "type": "text/plain", "size": 2, "key": dc.b64(file_key)})
    theirs = api.post_raw("/reporter/case/attachments", b"".join(dc.encrypt_file(file_key, b"hi")),
                          {"Content-Type": "application/octet-stream", "Whistle-Attachment-Record": dc.b64(header)})
    other = Api(client)
    code, *_ = submit(other, {"what": "Een andere melding"})
    log_in(other, code)
    template = "/reporter/case/attachments/{attachment_id}"
    missing = expect(other.send("GET", template, template.replace("{attachment_id}", "0" * 32)), 404)
    foreign = expect(other.send("GET", template, template.replace("{attachment_id}", theirs.get_json()["id"])), 404)
    assert missing == foreign
    assert read_case(other, dc.derive(code, ORG, other.get("/orgs/{org}/intake", f"/orgs/{ORG}/intake")
                                      .get_json()["kdf"]))[0]["attachments"] == []


def test_unknown_paths_and_methods_answer_with_the_json_error_shape(client):
    for r, status in ((client.get("/api/v1/nergens"), 404), (client.put("/api/v1/reporter/case"), 405),
                      (client.delete("/api/v1/reporter/challenge"), 405)):
        assert r.status_code == status and r.mimetype == "application/json"
        assert errors_of(r.get_json(), {"$ref": "#/components/schemas/Error"}) == []
