"""The worked example of docs/protocol.md (section 16), done by a client written from the
document alone (tests/docs/doc_client.py: raw libsodium, no Whistle code). Every request and
answer is checked against docs/openapi.yaml; the counsellor, the recovery key and the path
without JavaScript must all read what this client wrote, and this client what they wrote."""
import nacl.bindings as na
import pytest
from sqlalchemy import select

from tests.conftest import PASSPHRASE
from tests.docs import doc_client as dc
from tests.docs.doc_melder import ORG, Api, log_in, read_case, submit
from whistle.models import Case, CaseKey, Organisation
from whistle.services.counsellor import case as counsellor
from whistle.services.melder import intake
from whistle.services.melder import case as reporter
from whistle.services.staff import accounts as staff


@pytest.fixture
def deventer(world, db):
    world.org(ORG)
    vp = world.staff(ORG, email="vp@deventer.example", name="Vertrouwenspersoon integriteit")
    recovery_pk, recovery_sk = na.crypto_box_keypair()
    with db() as s:
        s.scalar(select(Organisation).where(Organisation.slug == ORG)).recovery_public_key = recovery_pk
    return vp, recovery_pk, recovery_sk


def counsellor_principal(s, email="vp@deventer.example"):
    member, secret = staff.check_passphrase(s, email, PASSPHRASE)
    return staff.StaffPrincipal(member, secret, b"")


def test_a_client_written_from_the_document_works_end_to_end(deventer, client, db, use_case, clock, settings):
    vp, recovery_pk, recovery_sk = deventer
    api = Api(client)
    code, keys, case_key, answer = submit(
        api, {"what": "Offertes worden vooraf gedeeld — één leverancier wint altijd", "where": "Inkoop",
              "category": "schending_regels_beleid"},
        identity={"name": "J. de Vries", "contact": "06-12345678"})
    assert answer["case"]["state"] == "ontvangen"
    assert answer["case"]["received_on"] == clock.today().isoformat()

    # The melder comes back, typing the code sloppily (section 3).
    keys_again = log_in(api, code.lower().replace("-", " "))
    assert keys_again.locator == keys.locator
    case, key_again, records, files = read_case(api, keys_again)
    assert key_again == case_key
    assert [(k, a) for k, a, _ in records] == [("report", "reporter"), ("identity", "reporter")]
    assert records[0][2]["what"].startswith("Offertes worden vooraf gedeeld")
    assert case["events"] and all(e["event"] in {"withdraw", "report_external", "disagree"} for e in case["events"])

    # A message (part 4) and a file of two chunks plus a bit (part 5), streamed.
    blob = dc.seal_record(case_key, "message", keys.locator_hex, {"text": "Er is ook een e-mail."})
    assert api.post("/reporter/case/messages", {"ciphertext": dc.b64(blob)}).status_code == 201
    data = bytes(range(256)) * 600  # 153 600 bytes: two full chunks and a short FINAL one
    file_key = na.randombytes(32)
    header = dc.seal_record(case_key, "attachment", keys.locator_hex,
                            {"name": "mail.eml", "type": "message/rfc822", "size": len(data), "key": dc.b64(file_key)})
    body = b"".join(dc.encrypt_file(file_key, data))
    assert len(body) == dc.encrypted_size(len(data))
    stored = api.post_raw("/reporter/case/attachments", body, {
        "Content-Type": "application/octet-stream", "Whistle-Attachment-Record": dc.b64(header)})
    assert stored.status_code == 201 and stored.get_json()["size"] == len(body)

    # Downloading it again (part 6).
    _case, _k, records, files = read_case(api, keys)
    [(entry, meta)] = files
    assert meta == {"name": "mail.eml", "type": "message/rfc822", "size": len(data), "key": dc.b64(file_key)}
    r = api.get("/reporter/case/attachments/{attachment_id}", f"/reporter/case/attachments/{entry['id']}")
    assert int(r.headers["Content-Length"]) == entry["size"] == len(body)
    assert dc.decrypt_file(dc.unb64(meta["key"]), r.get_data()) == data

    # The vertrouwenspersoon reads all of it and answers (section 5: one K for every reader).
    with db() as s:
        ref = s.scalar(select(Case.ref).where(Case.locator == keys.locator))
        principal = counsellor_principal(s)
        opened = counsellor.open_case(use_case(s), principal, ref)
        assert opened.report["where"] == "Inkoop" and opened.identity["name"] == "J. de Vries"
        assert [m.body["text"] for m in opened.messages] == ["Er is ook een e-mail."]
        meta_seen, plain = counsellor.download(use_case(s), principal, ref, entry["id"])
        assert b"".join(plain) == data and meta_seen["name"] == "mail.eml"
        counsellor.reply(use_case(s), principal, ref, "Dank u. Wij nemen dit in behandeling.")
    _case, _k, records, _f = read_case(api, keys)
    assert (records[-1][0], records[-1][1], records[-1][2]["text"]) == (
        "message", "counsellor", "Dank u. Wij nemen dit in behandeling.")

    # The recovery key (section 9) opens the same K, which matches the commitment.
    with db() as s:
        case_row = s.scalar(select(Case).where(Case.locator == keys.locator))
        sealed = s.scalar(select(CaseKey.sealed_key).where(CaseKey.case_id == case_row.id,
                                                           CaseKey.staff_id.is_(None)))
        commitment = case_row.key_commitment
    recovered = na.crypto_box_seal_open(sealed, recovery_pk, recovery_sk)
    dc.check_commitment(recovered, commitment)
    assert recovered == case_key


def test_either_path_opens_what_the_other_made(deventer, client, db, use_case, settings):
    """Section 14: a case from the document's client opens on the server path (the code typed
    into the form without JavaScript), and a case made on that path opens in the document's
    client. The server path is driven through its services, as its pages do."""
    code, *_ = submit(Api(client), {"what": "Gemaakt door een eigen client"})
    with db() as s:
        ctx = reporter.open_code_session(use_case(s), ORG, code)
        assert [r.body for r in reporter.open_records(s, ctx)] == [{"what": "Gemaakt door een eigen client"}]

    with db() as s:
        _case, code = intake.submit_plain(use_case(s), ORG,
                                          {"what": "Gemaakt zonder JavaScript", "where": "Stadskantoor"}, None, [])
    api = Api(client)
    keys = log_in(api, code)
    _case, _k, records, _f = read_case(api, keys)
    assert [(k, body) for k, _a, body in records] == [
        ("report", {"what": "Gemaakt zonder JavaScript", "where": "Stadskantoor"})]


def test_a_changed_recipient_list_gets_409_with_the_fresh_intake_and_a_rewrap_succeeds(deventer, world, client):
    """Section 11.2: the client re-wraps the same K to the recipients of the fresh intake."""
    api = Api(client)
    intake = api.get("/orgs/{org}/intake", f"/orgs/{ORG}/intake").get_json()
    world.staff(ORG, email="vp2@deventer.example")  # a second vertrouwenspersoon arrives meanwhile
    code = dc.new_code()
    keys = dc.derive(code, ORG, intake["kdf"])
    case_key = na.randombytes(32)

    def body_for(recipients):
        return {"version": 1, "locator": keys.locator_hex,
                "reporter_box_public_key": dc.b64(keys.box_pk), "reporter_sign_public_key": dc.b64(keys.sign_pk),
                "report": dc.b64(dc.seal_record(case_key, "report", keys.locator_hex, {"what": "x"})),
                "key_commitment": dc.b64(dc.commitment(case_key)),
                "keys": [{"recipient": r["key_id"],
                          "sealed_key": dc.b64(na.crypto_box_seal(case_key, dc.unb64(r["public_key"])))}
                         for r in recipients],
                "reporter_sealed_key": dc.b64(na.crypto_box_seal(case_key, keys.box_pk))}

    conflict = api.post("/orgs/{org}/reports", body_for(intake["recipients"]), f"/orgs/{ORG}/reports")
    assert conflict.status_code == 409
    fresh = conflict.get_json()["intake"]
    assert len(fresh["recipients"]) == len(intake["recipients"]) + 1
    retry = api.post("/orgs/{org}/reports", body_for(fresh["recipients"]), f"/orgs/{ORG}/reports")
    assert retry.status_code == 201
