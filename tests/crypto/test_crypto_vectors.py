"""Known-answer tests against tests/vectors/crypto-v1.json (never regenerated here)."""

import base64
import hashlib
import json
from pathlib import Path

import pytest

import crypto
from crypto import INTERACTIVE, MINIMUM, CryptoError

V = json.loads((Path(__file__).parents[1] / "vectors" / "crypto-v1.json").read_text("utf-8"))
h = bytes.fromhex
b64 = base64.b64decode


@pytest.mark.parametrize("case", V["reporter"]["cases"], ids=lambda c: c["params"])
def test_reporter_keys(case):
    params = {"MINIMUM": MINIMUM, "INTERACTIVE": INTERACTIVE}[case["params"]]
    assert (params.opslimit, params.memlimit) == (case["opslimit"], case["memlimit"])
    assert crypto.normalise_code(case["code"]) == case["normalised"].encode()
    assert crypto.reporter_salt(case["org_slug"]) == h(case["salt_hex"])
    master = crypto.derive_master(case["code"], case["org_slug"], params)
    assert master == h(case["master_hex"])
    # bytes input is taken as already normalised and must give the same master
    assert crypto.derive_master(case["normalised"].encode(), case["org_slug"], params) == master
    keys = crypto.reporter_keys_from_master(master)
    assert keys.locator_hex == case["locator_hex"]
    assert keys.box_public == h(case["box_public_hex"])
    assert keys.sign_public == h(case["sign_public_hex"])
    assert crypto.public_from_secret(keys.box_secret) == keys.box_public


@pytest.mark.parametrize("raw,expected", V["normalise"]["valid"])
def test_normalise_valid(raw, expected):
    assert crypto.normalise_code(raw) == expected.encode()


@pytest.mark.parametrize("raw", V["normalise"]["invalid"])
def test_normalise_invalid(raw):
    with pytest.raises(CryptoError):
        crypto.normalise_code(raw)


def test_login_signature():
    v = V["login"]
    case = V["reporter"]["cases"][0]
    keys = crypto.derive_reporter_keys(case["code"], case["org_slug"], MINIMUM)
    assert keys.sign_public == h(v["sign_public_hex"])
    assert crypto.sign_login(keys.sign_secret, h(v["challenge_hex"])) == h(v["signature_hex"])
    crypto.verify_login(h(v["sign_public_hex"]), h(v["challenge_hex"]), h(v["signature_hex"]))


def test_replace_code_signatures():
    """Extensions E.10: both signatures of a code replacement, byte for byte; each verifies
    only for its own key and only for the new keys it names."""
    v = V["replace_code"]
    case = V["reporter"]["cases"][0]
    current = crypto.derive_reporter_keys(case["code"], case["org_slug"], MINIMUM)
    new = crypto.derive_reporter_keys(v["new_code"], case["org_slug"], MINIMUM)
    assert (new.locator_hex, new.box_public, new.sign_public) == (
        v["new_locator_hex"], h(v["new_box_public_hex"]), h(v["new_sign_public_hex"]))
    challenge = h(v["challenge_hex"])
    message = crypto.replacement_message(challenge, new.locator, new.box_public, new.sign_public)
    assert message == h(v["message_hex"]) and len(message) == 136
    assert crypto.sign_replacement(current.sign_secret, challenge, new) == h(v["signature_hex"])
    assert crypto.sign_replacement(new.sign_secret, challenge, new) == h(v["new_signature_hex"])
    crypto.verify_replacement(current.sign_public, message, h(v["signature_hex"]))
    crypto.verify_replacement(new.sign_public, message, h(v["new_signature_hex"]))
    with pytest.raises(CryptoError):
        crypto.verify_replacement(new.sign_public, message, h(v["signature_hex"]))
    other = crypto.replacement_message(challenge, new.locator, current.box_public, new.sign_public)
    with pytest.raises(CryptoError):
        crypto.verify_replacement(current.sign_public, other, h(v["signature_hex"]))
    with pytest.raises(CryptoError):  # a login signature is no replacement proof
        crypto.verify_replacement(current.sign_public, crypto.LOGIN_CONTEXT + challenge,
                                  crypto.sign_login(current.sign_secret, challenge))


def test_commitment():
    v = V["commitment"]
    assert crypto.key_commitment(h(v["case_key_hex"])) == h(v["commitment_hex"])
    crypto.check_commitment(h(v["case_key_hex"]), h(v["commitment_hex"]))


def test_record_seal_and_open():
    v = V["record"]
    key = h(v["case_key_hex"])
    blob = crypto.seal_record(key, v["kind"], v["locator_hex"], v["record"], nonce=h(v["nonce_hex"]))
    assert blob == b64(v["blob_b64"])
    assert crypto.open_record(key, v["kind"], v["locator_hex"], blob) == v["record"]


def test_sealed_key_unwrap():
    v = V["sealed_key"]
    sk = h(v["recipient_secret_hex"])
    assert crypto.public_from_secret(sk) == h(v["recipient_public_hex"])
    key = crypto.unwrap_case_key(b64(v["sealed_b64"]), h(v["recipient_public_hex"]), sk, h(v["commitment_hex"]))
    assert key == h(v["case_key_hex"])


def test_fingerprint():
    v = V["fingerprint"]
    assert crypto.fingerprint(h(v["public_key_hex"])) == v["fingerprint"]


def test_session():
    v = V["session"]
    token = h(v["token_hex"])
    assert crypto.token_digest(token) == h(v["token_digest_hex"])
    assert crypto.open_for_session(token, b64(v["blob_b64"])) == h(v["secret_hex"])


def test_staff_unlock():
    v = V["staff"]
    secret = crypto.unlock_staff_secret(b64(v["locked_b64"]), v["passphrase"])
    assert secret == h(v["secret_hex"])
    assert crypto.public_from_secret(secret) == h(v["public_hex"])


def test_attachment_decrypt():
    v = V["attachment"]
    body = b64(v["body_b64"])
    assert len(body) == crypto.encrypted_size(v["length"])
    plain = b"".join(crypto.decrypt_stream(h(v["file_key_hex"]), [body]))
    assert plain == bytes(i % 251 for i in range(v["length"]))
    assert hashlib.sha256(plain).hexdigest() == v["plaintext_sha256"]
