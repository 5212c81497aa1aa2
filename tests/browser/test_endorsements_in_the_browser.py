"""The melder's browser verifies endorsement chains exactly as crypto/ does: the committed
vectors (tests/vectors/endorsement-v1.json) give the same statement bytes, the same accepted
chains and the same refusals in libsodium.js through static/js/protocol.js."""
import json
from pathlib import Path

import pytest

import crypto

pytestmark = pytest.mark.browser

V = json.loads((Path(__file__).parents[1] / "vectors" / "endorsement-v1.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def results(chromium):
    from tests.browser.conftest import open_protocol_page
    context, page = open_protocol_page(chromium)
    try:
        yield page.evaluate("v => WhistleVectors.checkEndorsements(v)", V)
    finally:
        context.close()


def test_the_browser_builds_byte_identical_statements(results):
    for name, vector in V["endorsements"].items():
        assert results["statements"][name] == vector["statement_hex"], name
        python = crypto.endorsement_from_json(vector["wire"]).statement().hex()
        assert results["statements"][name] == python
    assert results["trust_fingerprint"] == V["trust"]["fingerprint"]


def test_the_browser_accepts_the_valid_chains_with_their_role_and_office(results):
    assert results["valid"] == [[c["role"], c["office"]] for c in V["valid_chains"]]


def test_the_browser_refuses_every_invalid_chain(results):
    assert results["invalid"] == ["trust"] * len(V["invalid_chains"])


def test_an_intake_answer_is_verified_before_anything_is_sealed(results):
    assert results["intake_ok"] == "counsellor"
    assert results["intake_forged"] == "trust"
    assert results["intake_authority"] == "trust"      # a burgemeester never receives a melding
    assert results["intake_without_trust"] == "trust"
