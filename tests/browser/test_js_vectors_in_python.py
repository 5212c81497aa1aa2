"""PyNaCl (through crypto/) opens, verifies and reproduces what libsodium.js made in the
browser (tests/vectors/libsodium-js-v1.json, written by make_js_vectors.py). No browser and no
Node needed: this runs everywhere CI runs."""
import base64
import hashlib
import json
from pathlib import Path

import pytest

import crypto
from whistle.services.melder import intake

JS = json.loads((Path(__file__).parents[1] / "vectors" / "libsodium-js-v1.json").read_text(encoding="utf-8"))


def unb64(text: str) -> bytes:
    return base64.b64decode(text)


@pytest.mark.parametrize("rep", JS["reporters"], ids=lambda r: r["org_slug"])
def test_keys_the_browser_derived_are_the_keys_python_derives(rep):
    keys = crypto.derive_reporter_keys(rep["code"], rep["org_slug"], crypto.KdfParams(rep["opslimit"], rep["memlimit"]))
    assert crypto.normalise_code(rep["code"]).decode() == rep["normalised"]
    assert crypto.reporter_salt(rep["org_slug"]).hex() == rep["salt_hex"]
    assert keys.locator_hex == rep["locator_hex"]
    assert keys.box_public.hex() == rep["box_public_hex"]
    assert keys.sign_public.hex() == rep["sign_public_hex"]
    challenge = bytes.fromhex(JS["challenge_hex"])
    crypto.verify_login(keys.sign_public, challenge, bytes.fromhex(rep["login_signature_hex"]))
    assert crypto.sign_login(keys.sign_secret, challenge).hex() == rep["login_signature_hex"]


def test_receipt_codes_made_in_the_browser_are_valid_codes():
    for code in JS["receipt_codes"]:
        assert crypto.format_code(crypto.normalise_code(code)) == code


@pytest.mark.parametrize("rec", JS["records"], ids=lambda r: r["kind"])
def test_records_sealed_by_libsodium_js_open_in_python_and_reseal_identically(rec):
    case_key = bytes.fromhex(JS["case_key_hex"])
    blob = unb64(rec["blob_b64"])
    assert crypto.open_record(case_key, rec["kind"], rec["locator_hex"], blob) == rec["record"]
    again = crypto.seal_record(case_key, rec["kind"], rec["locator_hex"], rec["record"],
                               nonce=bytes.fromhex(rec["nonce_hex"]))
    assert again == blob  # same canonical JSON, same padding, same AEAD
    other = "message" if rec["kind"] != "message" else "report"
    with pytest.raises(crypto.CryptoError):
        crypto.open_record(case_key, other, rec["locator_hex"], blob)


def test_a_case_key_wrapped_by_libsodium_js_opens_only_against_its_commitment():
    sk = JS["sealed_key"]
    secret = bytes.fromhex(sk["recipient_secret_hex"])
    public = crypto.public_from_secret(secret)
    assert public.hex() == sk["recipient_public_hex"]
    commitment = bytes.fromhex(JS["commitment_hex"])
    assert crypto.key_commitment(bytes.fromhex(JS["case_key_hex"])) == commitment
    assert crypto.unwrap_case_key(unb64(sk["sealed_b64"]), public, secret, commitment).hex() == JS["case_key_hex"]
    with pytest.raises(crypto.CryptoError, match="commitment"):
        crypto.unwrap_case_key(unb64(sk["sealed_b64"]), public, secret, bytes(32))
    assert crypto.fingerprint(public) == JS["fingerprint"]["fingerprint"]


def test_a_submission_prepared_in_the_browser_is_valid_protocol_v1():
    sub = JS["submission"]
    parsed = intake.parse_submission(sub["payload"])
    secret = bytes.fromhex(sub["recipient_secret_hex"])
    case_key = crypto.unwrap_case_key(parsed.sealed_keys["recipient-1"], crypto.public_from_secret(secret),
                                      secret, parsed.commitment)
    assert case_key.hex() == sub["case_key_hex"]
    reporter_secret = bytes.fromhex(sub["reporter_box_secret_hex"])
    assert crypto.unwrap_case_key(parsed.reporter_sealed_key, parsed.box_public, reporter_secret,
                                  parsed.commitment) == case_key
    report = crypto.open_record(case_key, "report", parsed.locator.hex(), parsed.report)
    assert report == JS["records"][0]["record"]


@pytest.mark.parametrize("att", JS["attachments"], ids=lambda a: f"{a['length']} bytes")
def test_attachments_encrypted_by_libsodium_js_decrypt_in_python(att):
    body = unb64(att["body_b64"])
    assert len(body) == crypto.encrypted_size(att["length"])
    plain = b"".join(crypto.decrypt_stream(bytes.fromhex(att["file_key_hex"]), [body]))
    assert hashlib.sha256(plain).hexdigest() == att["plaintext_sha256"]
    assert plain == bytes(i % 251 for i in range(att["length"]))
    with pytest.raises(crypto.CryptoError):
        b"".join(crypto.decrypt_stream(bytes.fromhex(att["file_key_hex"]), [body[:-1]]))
