"""Issue 12 point 5: the melder replaces their code (protocol Extensions E.10). The new locator,
keys and wrap of the case key replace the old ones in one transaction; the old code and every old
session stop working at once, with the answer any wrong code gets; everything sealed before still
opens (records stay bound to the case's first locator); one audit event says the code was
replaced, and nothing more."""
import base64
import json

import pytest
from sqlalchemy import func, select

import crypto
from whistle.models import AuditEvent, Case, ReporterSession
from whistle.reporter_client import ProtocolError, b64, unb64
from whistle.services.counsellor import case as counsellor
from whistle.services.errors import Unauthorized
from whistle.services.melder import case as melder_case
from whistle.services.melder import code as melder_code
from whistle.services.staff import accounts as staff
from tests.conftest import PASSPHRASE

ONE_401 = {"error": "De code is onjuist of de sessie is verlopen."}


@pytest.fixture
def deventer(world):
    world.org("deventer")
    return world.staff("deventer", email="vp@deventer.example", name="Vertrouwenspersoon integriteit")


def the_case(db) -> dict:
    with db() as s:
        c = s.scalar(select(Case))
        return {"ref": c.ref, "locator": c.locator, "binding": c.record_binding, "box": c.reporter_box_public,
                "sign": c.reporter_sign_public, "sealed": c.reporter_sealed_key,
                "sessions": s.scalar(select(func.count()).select_from(ReporterSession))}


def reply(db, use_case, ref, text):
    with db() as s:
        member, secret = staff.check_passphrase(s, "vp@deventer.example", PASSPHRASE)
        counsellor.reply(use_case(s), staff.StaffPrincipal(member, secret, b""), ref, text)


def open_as_counsellor(db, use_case, ref):
    with db() as s:
        member, secret = staff.check_passphrase(s, "vp@deventer.example", PASSPHRASE)
        return counsellor.open_case(use_case(s), staff.StaffPrincipal(member, secret, b""), ref)


def a_melder_with_history(reporter_api, db, use_case):
    melder = reporter_api()
    melder.submit({"what": "De directeur declareert privéreizen."}, identity={"name": "A. de Vries"})
    melder.log_in()
    melder.send_message("Ik heb de bonnetjes.")
    att = melder.upload("bon.txt", "text/plain", [b"bon 1: Parijs"], 13)
    reply(db, use_case, the_case(db)["ref"], "Dank, wij kijken ernaar.")
    return melder, att


def test_the_new_code_opens_everything_and_the_old_one_nothing(deventer, reporter_api, db, use_case, client):
    melder, att = a_melder_with_history(reporter_api, db, use_case)
    old_code, old_token = melder.code, melder.token
    before = the_case(db)
    other = reporter_api()
    other.log_in(old_code)  # a second session with the old code, e.g. on another device

    new_code = melder.replace_code()
    assert new_code != old_code and crypto.normalise_code(new_code)
    after = the_case(db)
    assert after["locator"] != before["locator"] and after["binding"] == before["locator"]
    assert {after["box"], after["sign"], after["sealed"]}.isdisjoint({before["box"], before["sign"], before["sealed"]})
    assert after["sessions"] == 1  # only the new one

    # The old code at once gets what any wrong code gets; so do both old sessions.
    stranger = reporter_api()
    with pytest.raises(ProtocolError) as wrong:
        stranger.log_in(crypto.new_receipt_code())
    with pytest.raises(ProtocolError) as old:
        reporter_api().log_in(old_code)
    assert (old.value.status, old.value.body) == (wrong.value.status, wrong.value.body) == (401, ONE_401)
    for token in (old_token, other.token):
        r = client.get("/api/v1/reporter/case", headers={"Authorization": f"Bearer {token}"})
        assert (r.status_code, r.get_json()) == (401, ONE_401)

    # The client carries on with the new session; a fresh login with the new code reads it all.
    assert melder.read_records()[0]["body"]["what"] == "De directeur declareert privéreizen."
    again = reporter_api()
    again.log_in(new_code)
    records = again.read_records()
    assert not any(r["unreadable"] for r in records)
    assert [r["body"].get("text") or r["body"].get("what") or r["body"].get("name") for r in records] == [
        "De directeur declareert privéreizen.", "A. de Vries", "Ik heb de bonnetjes.", "Dank, wij kijken ernaar."]
    assert again.case()["record_binding"] == before["locator"].hex()
    header, body = again.download(att["id"])
    assert (header["name"], body) == ("bon.txt", b"bon 1: Parijs")

    # Written after the replacement: the counsellor reads it, and the melder reads the answer.
    again.send_message("Nog een bon gevonden.")
    reply(db, use_case, before["ref"], "Ontvangen.")
    opened = open_as_counsellor(db, use_case, before["ref"])
    assert [m.body["text"] for m in opened.messages][-2:] == ["Nog een bon gevonden.", "Ontvangen."]
    assert opened.identity == {"name": "A. de Vries"}
    assert again.read_records()[-1]["body"] == {"text": "Ontvangen."}

    # One event, that the code was replaced: no locator, no key, nothing else.
    with db() as s:
        [event] = s.scalars(select(AuditEvent).where(AuditEvent.event == "code_replaced")).all()
        assert (event.actor, event.case_ref, json.loads(event.details)) == ("melder", before["ref"], {})


def replacement(melder, challenge: bytes, new: crypto.ReporterKeys, *, signer=None) -> dict:
    return {
        "challenge": b64(challenge),
        "signature": b64(crypto.sign_replacement((signer or melder.keys).sign_secret, challenge, new)),
        "new_signature": b64(crypto.sign_replacement(new.sign_secret, challenge, new)),
        "locator": new.locator_hex,
        "reporter_box_public_key": b64(new.box_public),
        "reporter_sign_public_key": b64(new.sign_public),
        "reporter_sealed_key": b64(crypto.wrap_case_key(melder.case_key, new.box_public)),
    }


def fresh_challenge(melder) -> bytes:
    return unb64(melder._json("POST", "/api/v1/reporter/challenge", {"locator": melder.keys.locator_hex})["challenge"])


def new_keys(settings) -> crypto.ReporterKeys:
    return crypto.derive_reporter_keys(crypto.new_receipt_code(), "deventer", settings.reporter_kdf)


def test_a_proof_that_fails_is_the_one_401_and_changes_nothing(deventer, reporter_api, db, settings):
    melder = reporter_api()
    melder.submit({"what": "x"})
    melder.log_in()
    melder.case()
    before = the_case(db)
    new = new_keys(settings)
    stranger = crypto.derive_reporter_keys(crypto.new_receipt_code(), "deventer", settings.reporter_kdf)

    bad = [replacement(melder, fresh_challenge(melder), new, signer=stranger)]  # not the current code's key
    swapped = replacement(melder, fresh_challenge(melder), new)
    swapped["new_signature"] = swapped["signature"]  # the new key's proof missing
    bad.append(swapped)
    other_keys = replacement(melder, fresh_challenge(melder), new)
    other_keys["reporter_box_public_key"] = b64(stranger.box_public)  # signed for other keys
    bad.append(other_keys)
    used = replacement(melder, fresh_challenge(melder), new)
    bad.append(dict(used, challenge=b64(bytes(32))))  # a challenge never issued
    for payload in bad:
        with pytest.raises(ProtocolError) as refused:
            melder._json("POST", "/api/v1/reporter/case/code", payload)
        assert (refused.value.status, refused.value.body) == (401, ONE_401)
        assert the_case(db) == before
    melder._json("POST", "/api/v1/reporter/case/code", used)
    # The same challenge once more: used up.
    melder.keys = new
    with pytest.raises(ProtocolError) as replayed:
        melder._json("POST", "/api/v1/reporter/case/code", replacement(melder, unb64(used["challenge"]), new_keys(settings)))
    assert replayed.value.status == 401


@pytest.mark.parametrize("member, value", [
    ("locator", "ABC"), ("reporter_box_public_key", b64(bytes(31))), ("reporter_sign_public_key", None),
    ("reporter_sealed_key", b64(bytes(79))), ("signature", "not base64!"), ("new_signature", None),
    ("challenge", b64(bytes(31))),
])
def test_malformed_members_are_named_and_change_nothing(deventer, reporter_api, db, settings, member, value):
    melder = reporter_api()
    melder.submit({"what": "x"})
    melder.log_in()
    melder.case()
    before = the_case(db)
    payload = replacement(melder, fresh_challenge(melder), new_keys(settings))
    payload[member] = value
    with pytest.raises(ProtocolError) as refused:
        melder._json("POST", "/api/v1/reporter/case/code", payload)
    assert refused.value.status == 400 and refused.value.body["field"] == member
    assert the_case(db) == before


def test_a_locator_in_use_is_refused(deventer, reporter_api, db, settings):
    first, second = reporter_api(), reporter_api()
    first.submit({"what": "een"})
    second.submit({"what": "twee"})
    second.log_in()
    second.case()
    taken = first.keys  # the new code would yield the other case's locator
    with pytest.raises(ProtocolError) as refused:
        second._json("POST", "/api/v1/reporter/case/code", replacement(second, fresh_challenge(second), taken))
    assert (refused.value.status, refused.value.body["field"]) == (400, "locator")
    second.log_in()  # both codes still work
    first.log_in()


def test_a_failure_half_way_changes_nothing(deventer, reporter_api, db, use_case, settings, monkeypatch):
    melder = reporter_api()
    melder.submit({"what": "x"})
    melder.log_in()
    melder.case()
    before = the_case(db)
    payload = replacement(melder, fresh_challenge(melder), new_keys(settings))
    token = base64.urlsafe_b64decode(melder.token + "=")

    def broken(*args, **kwargs):
        raise RuntimeError("the audit log is full")

    monkeypatch.setattr(melder_code.audit, "record", broken)
    with db() as s:
        ctx = melder_case.resume(use_case(s), token)
        with pytest.raises(RuntimeError):
            melder_code.replace_by_client(use_case(s), ctx, payload)
        s.rollback()
    assert the_case(db) == before
    monkeypatch.undo()
    melder.log_in()  # the old code still works, and so does its session
    melder.read_records()


def test_the_server_path_replaces_the_code_as_the_browser_does(deventer, reporter_api, db, use_case, settings):
    """replace_on_server: the typed current code is checked like a login; a wrong one is refused."""
    melder, _att = a_melder_with_history(reporter_api, db, use_case)
    with db() as s:
        ctx = melder_case.open_code_session(use_case(s), "deventer", melder.code)
        with pytest.raises(Unauthorized):
            melder_code.replace_on_server(use_case(s), ctx, crypto.new_receipt_code())
        with pytest.raises(Unauthorized):
            melder_code.replace_on_server(use_case(s), ctx, "geen code")
        fresh, code = melder_code.replace_on_server(use_case(s), ctx, melder.code)
        s.commit()
        assert [r.body.get("text") for r in melder_case.open_records(s, fresh) if r.kind == "message"] == [
            "Ik heb de bonnetjes.", "Dank, wij kijken ernaar."]
    with pytest.raises(ProtocolError):
        reporter_api().log_in(melder.code)
    again = reporter_api()
    again.log_in(code)
    assert not any(r["unreadable"] for r in again.read_records())
