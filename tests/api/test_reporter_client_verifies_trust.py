"""The Python reference client verifies every recipient's endorsement chain against the
organisation's trust key before it seals anything (protocol E.5), on the committed vectors."""
import base64
import json
from pathlib import Path

import pytest

import crypto

from whistle.reporter_client import UntrustedRecipients, verified_recipients

V = json.loads((Path(__file__).parents[1] / "vectors" / "endorsement-v1.json").read_text("utf-8"))
TRUST = bytes.fromhex(V["trust"]["verify_key_hex"])


def intake(case: dict, role: str = "counsellor", **trust) -> dict:
    public = bytes.fromhex(case["recipient_hex"])
    return {"org": V["org"],
            "trust": {"public_key": base64.b64encode(TRUST).decode(), "fingerprint": V["trust"]["fingerprint"], **trust},
            "recipients": [{"key_id": "k1", "public_key": base64.b64encode(public).decode(),
                            "fingerprint": crypto.fingerprint(public), "role": role, "label": "VP",
                            "endorsement_chain": case["chain"]}]}


def test_an_endorsed_counsellor_and_the_endorsed_recovery_key_are_accepted():
    assert [r.public_key.hex() for r in verified_recipients(intake(V["valid_chains"][1]))] == [
        V["valid_chains"][1]["recipient_hex"]]
    assert len(verified_recipients(intake(V["valid_chains"][3], role="recovery"))) == 1


@pytest.mark.parametrize("case", V["invalid_chains"], ids=lambda c: c["why"])
def test_every_invalid_chain_is_refused_with_a_dutch_message(case):
    with pytest.raises(UntrustedRecipients, match="niet ondertekend door de organisatie"):
        verified_recipients(intake(case))


def test_an_authority_member_never_receives_a_melding():
    with pytest.raises(UntrustedRecipients, match="not endorsed to receive meldingen"):
        verified_recipients(intake(V["valid_chains"][2], role="counsellor"))


def test_a_missing_or_misstated_trust_key_is_refused():
    without = intake(V["valid_chains"][0])
    del without["trust"]
    with pytest.raises(UntrustedRecipients, match="no trust key"):
        verified_recipients(without)
    with pytest.raises(UntrustedRecipients, match="fingerprint does not match"):
        verified_recipients(intake(V["valid_chains"][0], fingerprint="0000 0000"))


def test_a_pinned_trust_fingerprint_must_match():
    assert verified_recipients(intake(V["valid_chains"][0]), V["trust"]["fingerprint"])
    with pytest.raises(UntrustedRecipients, match="not the one the organisation published"):
        verified_recipients(intake(V["valid_chains"][0]), "aaaa bbbb")
