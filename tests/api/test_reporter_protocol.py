"""Protocol v1 as a third-party client sees it: a melder submits with no account, comes back
with the code, reads and writes; the counsellor decrypts what the client sealed."""
import base64
import json

import pytest
from sqlalchemy import func, select

import crypto
from whistle.models import Attachment, Case, CaseKey, Record, ReporterChallenge
from whistle.reporter_client import ProtocolError
from whistle.services.counsellor import case as counsellor
from whistle.services.staff import accounts as staff
from tests.conftest import PASSPHRASE


@pytest.fixture
def deventer(world):
    world.org("deventer")
    return world.staff("deventer", email="vp@deventer.example", name="Vertrouwenspersoon integriteit")


def counts(db):
    with db() as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in (Case, CaseKey, Record, Attachment))


def open_as(db, use_case, email, ref):
    with db() as s:
        member, secret = staff.check_passphrase(s, email, PASSPHRASE)
        return counsellor.open_case(use_case(s), staff.StaffPrincipal(member, secret, b""), ref)


def test_intake_publishes_kdf_recipients_and_categories(deventer, reporter_api, settings):
    intake = reporter_api().fetch_intake()
    assert intake["version"] == 1 and intake["org"] == "deventer"
    assert intake["kdf"]["algorithm"] == "argon2id13"
    assert intake["kdf"]["opslimit"] == settings.reporter_kdf.opslimit
    assert base64.b64decode(intake["kdf"]["salt"]) == crypto.reporter_salt("deventer")
    [r] = intake["recipients"]
    assert r["role"] == "counsellor" and r["label"] == "Vertrouwenspersoon integriteit"
    assert base64.b64decode(r["public_key"]) == deventer.public_key
    assert r["fingerprint"] == crypto.fingerprint(deventer.public_key)
    assert intake["record_padding"] == 1024
    assert intake["categories"], "Deventer's regeling names its categories"


def test_melder_submits_returns_and_counsellor_reads(deventer, reporter_api, db, use_case, clock):
    melder = reporter_api()
    answer = melder.submit({"what": "Wethouder laat offertes lekken", "who": "afdeling inkoop"},
                           identity={"name": "J. Jansen", "contact": "06-12345678"})
    assert answer["case"]["state"] == "ontvangen"
    assert answer["case"]["received_on"] == clock.today().isoformat()
    assert set(answer["case"]["deadlines"]) == {"acknowledgement", "feedback"}

    again = reporter_api()
    again.log_in(melder.code.lower().replace("-", " "))  # typo-tolerant: case and separators
    records = again.read_records()
    assert [r["kind"] for r in records] == ["report", "identity"]
    assert records[0]["body"]["what"] == "Wethouder laat offertes lekken"

    again.send_message("Ik heb nog een e-mail als bewijs.")
    with db() as s:
        ref = s.scalar(select(Case.ref))
    opened = open_as(db, use_case, "vp@deventer.example", ref)
    assert opened.report["who"] == "afdeling inkoop"
    assert opened.identity == {"name": "J. Jansen", "contact": "06-12345678"}
    assert [m.body["text"] for m in opened.messages] == ["Ik heb nog een e-mail als bewijs."]


def test_counsellor_reply_is_readable_by_the_melder_only_with_the_case_key(deventer, reporter_api, db, use_case, app):
    melder = reporter_api()
    melder.submit({"what": "x"})
    with db() as s:
        ref = s.scalar(select(Case.ref))
        member, secret = staff.check_passphrase(s, "vp@deventer.example", PASSPHRASE)
        counsellor.reply(use_case(s), staff.StaffPrincipal(member, secret, b""), ref, "Dank, wij nemen contact op.")
    melder.log_in()
    texts = [r["body"].get("text") for r in melder.read_records() if r["kind"] == "message"]
    assert texts == ["Dank, wij nemen contact op."]
    # The stored record is ciphertext bound to this case and kind.
    with db() as s:
        blob = s.scalar(select(Record.ciphertext).where(Record.kind == "message"))
    assert b"Dank" not in blob
    with pytest.raises(crypto.CryptoError):
        crypto.open_record(melder.case_key, "report", melder.keys.locator_hex, blob)


def test_attachment_round_trip_through_the_api(deventer, reporter_api, db, clock, settings):
    melder = reporter_api()
    melder.submit({"what": "zie bijlage"})
    melder.log_in()
    data = bytes(range(256)) * 1000 + b"tail"
    att = melder.upload("bewijs.pdf", "application/pdf", [data[:100000], data[100000:]], len(data))
    header, plain = melder.download(att["id"])
    assert plain == data and header["name"] == "bewijs.pdf"
    body_on_disk = (settings.attachments_dir / att["id"]).read_bytes()
    assert len(body_on_disk) == crypto.encrypted_size(len(data))
    assert data[:64] not in body_on_disk


def test_keys_not_covering_every_recipient_get_409_with_fresh_intake(deventer, world, reporter_api, db):
    melder = reporter_api()
    melder.fetch_intake()
    world.staff("deventer", email="tweede-vp@deventer.example")  # a counsellor joins meanwhile
    before = counts(db)
    with pytest.raises(ProtocolError) as err:
        melder.submit({"what": "x"})
    assert err.value.status == 409
    assert len(err.value.body["intake"]["recipients"]) == 2
    assert counts(db) == before
    melder.intake = err.value.body["intake"]
    melder.submit({"what": "x"})  # re-wrapped to the fresh list: accepted
    assert counts(db)[0] == before[0] + 1


def post_json(client, path, body, **kw):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(path, data=data, content_type="application/json", **kw)


def valid_payload(reporter_api):
    melder = reporter_api()
    intake = melder.fetch_intake()
    code = crypto.new_receipt_code()
    prepared = crypto.prepare_case(code, "deventer", crypto.KdfParams(intake["kdf"]["opslimit"], intake["kdf"]["memlimit"]),
                                   [crypto.Recipient(r["key_id"], base64.b64decode(r["public_key"])) for r in intake["recipients"]],
                                   {"what": "x"})
    b = lambda x: base64.b64encode(x).decode()
    return {"version": 1, "locator": prepared.keys.locator_hex,
            "reporter_box_public_key": b(prepared.keys.box_public),
            "reporter_sign_public_key": b(prepared.keys.sign_public),
            "report": b(prepared.report), "key_commitment": b(prepared.commitment),
            "keys": [{"recipient": k, "sealed_key": b(v)} for k, v in prepared.sealed_keys.items()],
            "reporter_sealed_key": b(prepared.reporter_sealed_key)}


@pytest.mark.parametrize("mutate, field", [
    (lambda p: p.update(version=2), "version"),
    (lambda p: p.update(version=True), "version"),
    (lambda p: p.update(version=1.0), "version"),
    (lambda p: p.update(locator="XYZ"), "locator"),
    (lambda p: p.update(report="not base64!!"), "report"),
    (lambda p: p.update(report=base64.b64encode(b"short").decode()), "report"),
    (lambda p: p.update(key_commitment=base64.b64encode(b"x" * 31).decode()), "key_commitment"),
    (lambda p: p.update(reporter_box_public_key=None), "reporter_box_public_key"),
    (lambda p: p.update(keys="nope"), "keys"),
    (lambda p: p["keys"][0].update(sealed_key="AAAA"), "keys"),
])
def test_malformed_submission_is_400_naming_the_field_and_stores_nothing(deventer, reporter_api, client, db, mutate, field):
    payload = valid_payload(reporter_api)
    mutate(payload)
    before = counts(db)
    r = post_json(client, "/api/v1/orgs/deventer/reports", payload)
    assert r.status_code == 400
    assert r.get_json()["error"].startswith(field) or r.get_json().get("field") == field
    assert counts(db) == before


def test_malformed_json_unknown_org_and_oversize(deventer, reporter_api, client, db, settings):
    before = counts(db)
    assert post_json(client, "/api/v1/orgs/deventer/reports", b"{not json").status_code == 400
    assert post_json(client, "/api/v1/orgs/deventer/reports", b"[]").status_code == 400
    assert client.get("/api/v1/orgs/nergens/intake").status_code == 404
    assert post_json(client, "/api/v1/orgs/nergens/reports", valid_payload(reporter_api)).status_code == 404
    big = b'{"version": 1, "pad": "' + b"a" * (settings.max_json_bytes + 10) + b'"}'
    assert post_json(client, "/api/v1/orgs/deventer/reports", big).status_code == 413
    assert counts(db) == before


def test_wrong_and_unknown_code_get_the_same_401(deventer, reporter_api, client):
    melder = reporter_api()
    melder.submit({"what": "x"})
    # A valid signature by the wrong key for a real locator, and a well-formed unknown locator.
    real_locator = melder.keys.locator_hex
    other = crypto.derive_reporter_keys(crypto.new_receipt_code(), "deventer", crypto.MINIMUM)
    answers = []
    for locator in (real_locator, other.locator_hex):
        ch = post_json(client, "/api/v1/reporter/challenge", {"locator": locator})
        assert ch.status_code == 200
        challenge = base64.b64decode(ch.get_json()["challenge"])
        sig = crypto.sign_login(other.sign_secret if locator == real_locator else other.sign_secret, challenge)
        r = post_json(client, "/api/v1/reporter/session", {"locator": locator, "challenge": ch.get_json()["challenge"],
                                                             "signature": base64.b64encode(sig).decode()})
        answers.append((r.status_code, r.get_data()))
    assert answers[0] == answers[1] and answers[0][0] == 401


def test_a_challenge_is_single_use(deventer, reporter_api, client, db):
    melder = reporter_api()
    melder.submit({"what": "x"})
    ch = post_json(client, "/api/v1/reporter/challenge", {"locator": melder.keys.locator_hex}).get_json()["challenge"]
    sig = base64.b64encode(crypto.sign_login(melder.keys.sign_secret, base64.b64decode(ch))).decode()
    body = {"locator": melder.keys.locator_hex, "challenge": ch, "signature": sig}
    assert post_json(client, "/api/v1/reporter/session", body).status_code == 200
    assert post_json(client, "/api/v1/reporter/session", body).status_code == 401
    with db() as s:
        assert s.scalar(select(func.count()).select_from(ReporterChallenge)) == 0


def test_an_expired_challenge_or_session_is_refused(deventer, reporter_api, client, clock):
    melder = reporter_api()
    melder.submit({"what": "x"})
    ch = post_json(client, "/api/v1/reporter/challenge", {"locator": melder.keys.locator_hex}).get_json()["challenge"]
    sig = base64.b64encode(crypto.sign_login(melder.keys.sign_secret, base64.b64decode(ch))).decode()
    clock.advance(minutes=5)
    r = post_json(client, "/api/v1/reporter/session", {"locator": melder.keys.locator_hex, "challenge": ch, "signature": sig})
    assert r.status_code == 401
    melder.log_in()
    melder.case()
    clock.advance(minutes=16)  # idle past the melder's 15 minutes
    with pytest.raises(ProtocolError) as err:
        melder.case()
    assert err.value.status == 401


def test_requests_without_a_valid_token_are_401(deventer, client):
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic abc"}):
        assert client.get("/api/v1/reporter/case", headers=headers).status_code == 401


def test_a_malformed_or_oversize_upload_leaves_nothing_behind(deventer, reporter_api, client, db, settings):
    melder = reporter_api()
    melder.submit({"what": "x"})
    melder.log_in()
    melder.case()
    header = base64.b64encode(crypto.seal_record(melder.case_key, "attachment", melder.keys.locator_hex,
                                                 {"name": "a", "type": "b", "size": 1, "key": ""})).decode()
    auth = {"Authorization": f"Bearer {melder.token}", "Whistle-Attachment-Record": header}
    before = counts(db)
    # Not the shape of a secretstream body.
    r = client.post("/api/v1/reporter/case/attachments", data=b"x" * 30, headers=auth,
                    content_type="application/octet-stream")
    assert r.status_code == 400
    # Larger than the limit.
    big = b"\0" * (crypto.encrypted_size(settings.max_attachment_bytes) + 1)
    r = client.post("/api/v1/reporter/case/attachments", data=big, headers=auth,
                    content_type="application/octet-stream")
    assert r.status_code == 413
    # No record header.
    r = client.post("/api/v1/reporter/case/attachments", data=b"x" * 100,
                    headers={"Authorization": f"Bearer {melder.token}"}, content_type="application/octet-stream")
    assert r.status_code == 400
    assert counts(db) == before
    leftovers = [p for p in settings.attachments_dir.rglob("*") if p.is_file()]
    assert leftovers == []


def test_intake_never_publishes_a_counsellors_email(world, reporter_api):
    world.org("deventer")
    world.staff("deventer", email="j.jansen@deventer.example")  # no display name given
    intake = reporter_api().fetch_intake()
    assert "jansen" not in json.dumps(intake)
    assert intake["recipients"][0]["label"] == "Vertrouwenspersoon"
