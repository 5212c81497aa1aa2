"""libsodium.js in Chromium and PyNaCl agree on protocol v1: the browser's code reproduces
the committed known-answer vectors, and what it computes matches crypto/ byte for byte,
including the key commitment (a case key that does not match is refused on both sides)."""
import base64
import json
from pathlib import Path

import pytest

import crypto

pytestmark = pytest.mark.browser

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "crypto-v1.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def browser_results(chromium):
    from tests.browser.conftest import open_protocol_page
    context, page = open_protocol_page(chromium)
    try:
        yield page.evaluate("v => WhistleVectors.check(v)", VECTORS)
    finally:
        context.close()


def test_keys_derived_in_the_browser_match_the_vectors_and_pynacl(browser_results):
    for mine, vector in zip(browser_results["reporter"], VECTORS["reporter"]["cases"], strict=True):
        for name in ("salt_hex", "master_hex", "locator_hex", "box_public_hex", "sign_public_hex"):
            assert mine[name] == vector[name], (vector["params"], name)
        keys = crypto.derive_reporter_keys(vector["code"], vector["org_slug"],
                                           crypto.KdfParams(vector["opslimit"], vector["memlimit"]))
        assert mine["locator_hex"] == keys.locator_hex
        challenge = bytes.fromhex(VECTORS["login"]["challenge_hex"])
        assert mine["signature_hex"] == crypto.sign_login(keys.sign_secret, challenge).hex()
    assert browser_results["reporter"][0]["signature_hex"] == VECTORS["login"]["signature_hex"]
    assert browser_results["login_verifies"] is True


def test_code_replacement_signed_in_the_browser_matches_the_vector(browser_results):
    v = VECTORS["replace_code"]
    assert browser_results["replace_code"] == {name: v[name] for name in (
        "new_locator_hex", "message_hex", "signature_hex", "new_signature_hex")}


def test_code_normalisation_agrees(browser_results):
    assert browser_results["normalise_valid"] == [expected for _, expected in VECTORS["normalise"]["valid"]]
    assert browser_results["normalise_invalid"] == ["code"] * len(VECTORS["normalise"]["invalid"])
    for text in VECTORS["normalise"]["invalid"]:
        with pytest.raises(crypto.CryptoError):
            crypto.normalise_code(text)


def test_a_record_sealed_in_the_browser_is_byte_identical_to_pynacl(browser_results):
    rec = VECTORS["record"]
    assert browser_results["record_blob_b64"] == rec["blob_b64"]
    python = crypto.seal_record(bytes.fromhex(rec["case_key_hex"]), rec["kind"], rec["locator_hex"],
                                rec["record"], nonce=bytes.fromhex(rec["nonce_hex"]))
    assert base64.b64encode(python).decode() == browser_results["record_blob_b64"]
    assert browser_results["record_opened"] == rec["record"]
    assert browser_results["record_wrong_kind"] == "crypto"  # bound to its kind


def test_key_commitment_is_checked_in_the_browser_as_in_python(browser_results):
    assert browser_results["commitment_hex"] == VECTORS["commitment"]["commitment_hex"]
    sk = VECTORS["sealed_key"]
    assert browser_results["unwrapped_hex"] == sk["case_key_hex"]
    assert browser_results["unwrap_wrong_commitment"] == "commitment"
    wrong = bytearray.fromhex(sk["commitment_hex"])
    wrong[0] ^= 1
    with pytest.raises(crypto.CryptoError, match="commitment"):
        crypto.unwrap_case_key(base64.b64decode(sk["sealed_b64"]), bytes.fromhex(sk["recipient_public_hex"]),
                               bytes.fromhex(sk["recipient_secret_hex"]), bytes(wrong))


def test_fingerprints_and_attachments_agree(browser_results):
    assert browser_results["fingerprint"] == VECTORS["fingerprint"]["fingerprint"]
    assert browser_results["fingerprint"] == crypto.fingerprint(bytes.fromhex(VECTORS["fingerprint"]["public_key_hex"]))
    assert browser_results["attachment_sha256"] == VECTORS["attachment"]["plaintext_sha256"]
    assert browser_results["attachment_truncated"] == "crypto"
