"""Issue 15.5 (SamenTwente) on the JavaScript path: the melder chooses the unit (municipality
or department) the melding concerns; the browser seals it inside the report, so the server
never learns it, and the counsellor reads it after decrypting. A unit the regeling does not
list is refused in the browser before anything is sealed or sent."""
from __future__ import annotations

import pytest

from tests.browser.accessibility import check, new_context
from tests.browser.journey import assert_never_sent, counsellor_reads, fill_melding, open_form, receipt_code

pytestmark = pytest.mark.browser

VP = "vp@samentwente.example"


@pytest.fixture
def samentwente(world):
    world.org("samentwente", name="SamenTwente")
    return world.staff("samentwente", email=VP, name="Mr. A. Pool")


def test_the_chosen_unit_is_sealed_in_the_browser_and_read_by_the_counsellor(
        samentwente, live_server, page, db, use_case):
    open_form(page, live_server.base, "samentwente")
    assert "Over welke gemeente of afdeling gaat uw melding?" in page.inner_text("label[for=unit]")
    # A unit the regeling does not list (a tampered form): refused here, nothing sent.
    page.eval_on_selector("#unit", "s => s.add(new Option('Amsterdam', 'amsterdam'))")
    fill_melding(page, "UNITWHAT fraude bij de inkoop")
    page.select_option("#unit", "amsterdam")
    page.click("#melding-form button[type=submit]")
    page.wait_for_selector("#js-error:not([hidden])")
    assert "Onbekende gemeente of afdeling" in page.inner_text("#js-error")
    assert not live_server.log.to("/api/v1/orgs/samentwente/reports", "POST")

    page.select_option("#unit", "oldenzaal")
    page.click("#melding-form button[type=submit]")
    receipt_code(page)
    opened, _files = counsellor_reads(db, use_case, VP)
    assert opened.report == {"what": "UNITWHAT fraude bij de inkoop", "unit": "oldenzaal"}
    assert opened.case.unit is None  # recorded by the counsellor at triage, not by the melder
    assert live_server.log.to("/api/v1/orgs/samentwente/reports", "POST")
    assert not live_server.log.to("/o/samentwente/melden", "POST")
    assert_never_sent(live_server, page, [b"UNITWHAT", b"oldenzaal", b"Oldenzaal"])


@pytest.mark.parametrize("javascript", [True, False])
def test_the_form_with_the_unit_passes_axe_and_fits_a_phone(samentwente, chromium, live_server, javascript):
    context = new_context(chromium, javascript=javascript)
    try:
        page = context.new_page()
        assert check(page, f"{live_server.base}/o/samentwente/melden") == []
        assert page.is_visible("#unit")
    finally:
        context.close()
