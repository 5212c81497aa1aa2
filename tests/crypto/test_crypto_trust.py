"""Endorsements against the committed vectors (tests/vectors/endorsement-v1.json), and the
ways a chain must fail."""

import json
from pathlib import Path

import pytest

import crypto
from crypto import CryptoError

V = json.loads((Path(__file__).parents[1] / "vectors" / "endorsement-v1.json").read_text("utf-8"))
h = bytes.fromhex
TRUST = h(V["trust"]["verify_key_hex"])


def test_the_trust_key_and_member_keys_match_the_vectors():
    assert crypto.signing_verify_key(h(V["trust"]["seed_hex"])) == TRUST
    assert crypto.fingerprint(TRUST) == V["trust"]["fingerprint"]
    for m in V["members"].values():
        secret = h(m["box_secret_hex"])
        assert crypto.public_from_secret(secret) == h(m["box_public_hex"])
        assert crypto.staff_signing_seed(secret) == h(m["sign_seed_hex"])
        assert crypto.staff_verify_key(secret) == h(m["verify_key_hex"])


@pytest.mark.parametrize("name", ["anna", "bram", "mila", "recovery"])
def test_statements_and_signatures_are_byte_identical(name):
    vector = V["endorsements"][name]
    e = crypto.endorsement_from_json(vector["wire"])
    assert e.statement().hex() == vector["statement_hex"]
    signer = {"anna": V["trust"]["seed_hex"], "recovery": V["trust"]["seed_hex"],
              "bram": V["members"]["anna"]["sign_seed_hex"], "mila": V["members"]["bram"]["sign_seed_hex"]}[name]
    again = crypto.sign_endorsement(h(signer), org=e.org, role=e.role, office=e.office,
                                    box_public=e.box_public, verify_key=e.verify_key, issued=e.issued)
    assert again.signature.hex() == vector["signature_hex"]
    assert crypto.endorsement_json(again) == vector["wire"]
    crypto.verify_endorsement(e)


@pytest.mark.parametrize("case", V["valid_chains"], ids=lambda c: c["role"] + str(len(c["chain"])))
def test_valid_chains_verify(case):
    chain = crypto.chain_from_json(case["chain"])
    final = crypto.verify_chain(TRUST, h(case["recipient_hex"]), chain, org=V["org"])
    assert (final.role, final.office) == (case["role"], case["office"])


@pytest.mark.parametrize("case", V["invalid_chains"], ids=lambda c: c["why"])
def test_invalid_chains_are_refused(case):
    with pytest.raises(CryptoError):
        chain = crypto.chain_from_json(case["chain"])
        crypto.verify_chain(TRUST, h(case["recipient_hex"]), chain, org=V["org"])


def test_a_chain_is_refused_under_another_trust_key_or_organisation():
    case = V["valid_chains"][1]
    chain = crypto.chain_from_json(case["chain"])
    other, _seed = crypto.new_trust_keypair()
    with pytest.raises(CryptoError, match="not signed by the key before it"):
        crypto.verify_chain(other, h(case["recipient_hex"]), chain)
    with pytest.raises(CryptoError, match="another organisation"):
        crypto.verify_chain(TRUST, h(case["recipient_hex"]), chain, org="zwolle")


def test_the_statement_is_length_prefixed_so_fields_cannot_slide():
    box, verify = bytes(32), bytes(range(32))
    a = crypto.endorsement_statement("ab", "authority", "c", box, verify, verify, "2026-01-01")
    b = crypto.endorsement_statement("a", "authority", "bc", box, verify, verify, "2026-01-01")
    assert a != b
    assert a.startswith(b"\x00\x00\x00\x16whistle/v1/endorsement\x00\x00\x00\x02ab")


@pytest.mark.parametrize("change,match", [
    (dict(role="beheerder"), "unknown role"),
    (dict(office=""), "office"),
    (dict(role="counsellor"), "office"),
    (dict(issued="2026-13-01"), "calendar date"),
    (dict(issued="2026-02-29"), "calendar date"),
    (dict(issued="2100-02-29"), "calendar date"),
    (dict(issued="1 dec"), "YYYY-MM-DD"),
    (dict(org="Not A Slug"), "slug"),
    (dict(box_public=b"short"), "public key"),
    (dict(verify_key=b""), "verify key"),
])
def test_malformed_statements_are_refused(change, match):
    fields = dict(org="deventer", role="authority", office="burgemeester", box_public=bytes(32),
                  verify_key=bytes(32), issued="2026-12-01")
    fields.update(change)
    with pytest.raises(CryptoError, match=match):
        crypto.sign_endorsement(bytes(32), **fields)


def test_a_leap_day_is_a_date():
    e = crypto.sign_endorsement(bytes(32), org="deventer", role="counsellor", office="", box_public=bytes(32),
                                verify_key=bytes(32), issued="2024-02-29")
    crypto.verify_endorsement(e)


def test_a_fresh_trust_key_signs_what_it_vouches_for_and_nothing_else():
    verify, seed = crypto.new_trust_keypair()
    assert crypto.signing_verify_key(seed) == verify
    member_public, _ = crypto.new_box_keypair()
    e = crypto.sign_endorsement(seed, org="zwolle", role="counsellor", office="", box_public=member_public,
                                verify_key=bytes(32), issued="2026-12-01")
    assert crypto.verify_chain(verify, member_public, [e]).role == "counsellor"
    stranger, _ = crypto.new_box_keypair()
    with pytest.raises(CryptoError, match="another key"):
        crypto.verify_chain(verify, stranger, [e])


def test_wire_form_rejects_bad_base64_and_wrong_types():
    wire = dict(V["endorsements"]["anna"]["wire"])
    with pytest.raises(CryptoError, match="base64"):
        crypto.endorsement_from_json(dict(wire, signature="!!"))
    with pytest.raises(CryptoError, match="text"):
        crypto.endorsement_from_json(dict(wire, office=None))
    with pytest.raises(CryptoError):
        crypto.chain_from_json({"not": "a list"})
    with pytest.raises(CryptoError, match="too long"):
        crypto.chain_from_json([wire] * (crypto.trust.MAX_CHAIN + 1))
