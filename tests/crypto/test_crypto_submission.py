import pytest

import crypto
from crypto import MINIMUM, CryptoError, Recipient

REPORT = {"category": "integriteit", "text": "De directeur laat facturen dubbel betalen."}
IDENTITY = {"name": "J. de Vries", "phone": "06-12345678"}


def _staff():
    pk, sk = crypto.new_box_keypair()
    return Recipient(key_id=crypto.fingerprint(pk).replace(" ", "")[:16], public_key=pk), sk


def test_prepare_and_read_as_everyone():
    (r1, sk1), (r2, sk2) = _staff(), _staff()
    code = crypto.new_receipt_code()
    case = crypto.prepare_case(code, "deventer", MINIMUM, [r1, r2], REPORT, IDENTITY)
    keys = crypto.derive_reporter_keys(code, "deventer", MINIMUM)
    assert case.keys == keys
    assert set(case.sealed_keys) == {r1.key_id, r2.key_id}
    assert case.commitment == crypto.key_commitment(case.case_key)
    assert case.case_key.hex() not in repr(case)
    loc = keys.locator_hex
    for recipient, sk in ((r1, sk1), (r2, sk2)):
        k = crypto.unwrap_case_key(case.sealed_keys[recipient.key_id], recipient.public_key, sk, case.commitment)
        assert crypto.open_record(k, "report", loc, case.report) == REPORT
        assert crypto.open_record(k, "identity", loc, case.identity) == IDENTITY
    # the reporter, returning later with only the code
    again = crypto.derive_reporter_keys(code.lower().replace("-", " "), "deventer", MINIMUM)
    k = crypto.reporter_case_key(again, case.reporter_sealed_key, case.commitment)
    assert crypto.open_record(k, "report", loc, case.report) == REPORT


def test_without_identity_and_with_keys():
    r, _ = _staff()
    keys = crypto.derive_reporter_keys(crypto.new_receipt_code(), "deventer", MINIMUM)
    case = crypto.prepare_case_with_keys(keys, [r], REPORT)
    assert case.identity is None
    assert case.keys is keys
    other = crypto.prepare_case_with_keys(keys, [r], REPORT)
    assert other.case_key != case.case_key


def test_reporter_refuses_a_mismatched_key():
    r, _ = _staff()
    keys = crypto.derive_reporter_keys(crypto.new_receipt_code(), "deventer", MINIMUM)
    case = crypto.prepare_case_with_keys(keys, [r], REPORT)
    forged = crypto.wrap_case_key(crypto.new_case_key(), keys.box_public)
    with pytest.raises(CryptoError):
        crypto.reporter_case_key(keys, forged, case.commitment)
    stranger = crypto.derive_reporter_keys(crypto.new_receipt_code(), "deventer", MINIMUM)
    with pytest.raises(CryptoError):
        crypto.reporter_case_key(stranger, case.reporter_sealed_key, case.commitment)


def test_bad_recipients_and_report():
    r, _ = _staff()
    keys = crypto.derive_reporter_keys(crypto.new_receipt_code(), "deventer", MINIMUM)
    with pytest.raises(CryptoError):
        crypto.prepare_case_with_keys(keys, [], REPORT)
    with pytest.raises(CryptoError):
        crypto.prepare_case_with_keys(keys, [r, r], REPORT)
    with pytest.raises(CryptoError):
        crypto.prepare_case_with_keys(keys, [Recipient("x", b"short")], REPORT)
    with pytest.raises(CryptoError):
        crypto.prepare_case_with_keys(keys, [r], "not a dict")
    with pytest.raises(CryptoError):
        crypto.prepare_case("bad code", "deventer", MINIMUM, [r], REPORT)
