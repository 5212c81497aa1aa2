"""Issue 10 in the melder's browser: an intake whose recipients the organisation key does not
vouch for (here a key slipped in on the way, its chain copied from a real counsellor) is
refused before anything is sealed; the page says so in Dutch and sends nothing, not even
through the server path."""
from __future__ import annotations

import base64
import json

import pytest

import crypto
from tests.browser.journey import fill_melding, open_form

pytestmark = pytest.mark.browser


@pytest.fixture
def deventer(world):
    world.org("deventer")
    return world.staff("deventer", email="vp@deventer.example", name="Mr. J. de Boer")


def test_a_key_without_a_valid_endorsement_is_refused_and_nothing_is_sent(deventer, live_server, page):
    intruder, _ = crypto.new_box_keypair()

    def tamper(route):
        answer = route.fetch()
        intake = answer.json()
        real = intake["recipients"][0]
        intake["recipients"].append(dict(real, key_id="0000000000000000",
                                         public_key=base64.b64encode(intruder).decode(),
                                         fingerprint=crypto.fingerprint(intruder), label="Mr. J. de Boer"))
        route.fulfill(response=answer, body=json.dumps(intake), headers={**answer.headers,
                                                                         "content-type": "application/json"})

    page.route("**/api/v1/orgs/deventer/intake", tamper)
    open_form(page, live_server.base, encrypted_in_browser=False)
    page.wait_for_selector("#js-error:not([hidden])")
    assert "niet ondertekend door de organisatie" in page.inner_text("#js-error")
    fill_melding(page, "UNTRUSTEDWHAT mag nergens heen")
    page.click("#melding-form button[type=submit]", force=True)
    page.wait_for_timeout(500)
    assert not live_server.log.to("/api/v1/orgs/deventer/reports", "POST")
    assert not live_server.log.to("/o/deventer/melden", "POST")


def test_an_untampered_intake_verifies_and_the_trust_fingerprint_is_on_the_start_page(deventer, live_server, page,
                                                                                     world):
    page.goto(f"{live_server.base}/o/deventer/")
    trust = crypto.signing_verify_key(world.trust_seeds["deventer"])
    assert crypto.fingerprint(trust) in page.inner_text("main")
    open_form(page, live_server.base)
    assert page.locator("#js-error").is_hidden()
