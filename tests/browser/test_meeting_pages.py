"""The meeting and oral-melding pages (issue 15, points 1 and 2) in Chromium without
JavaScript: the melder asks for a conversation on their page, the counsellor's inbox shows the
request and the counsellor proposes a time and place on the case page, the melder reads the
proposal and confirms it; the oral-melding page with the recording and its consent; the deadline
overview. axe-core finds no violation and nothing scrolls sideways at 320 or 390 px."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.authority.conftest import send_melding
from tests.authority.conftest import as_staff, cheaper_login_hash  # noqa: F401 - fixtures
from tests.browser.accessibility import check, new_context
from tests.browser.test_complaint_pages import staff_context
from tests.complaint.conftest import ORG, bosch, who  # noqa: F401 - fixture
from tests.conftest import Browser
from whistle.models import Case, CaseMeeting

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_meeting_pages_pass_axe_and_fit_a_phone(chromium, live_server, app, bosch, db):
    base = live_server.base
    code = send_melding(Browser(app.test_client()), org=ORG, identity=False, what="Er wordt gesjoemeld met uren.")
    with db() as s:
        ref = s.scalar(select(Case.ref))
    found = []

    melder = new_context(chromium, javascript=False)
    page = melder.new_page()

    def melder_in():
        page.goto(f"{base}/o/{ORG}/terug")
        page.fill("#code", code)
        page.click("#login-form button[type=submit]")
        page.wait_for_url("**/melder/zaak")

    melder_in()
    found += check(page)
    page.check("#meeting-request input[value=gesprek]")
    page.fill("#meeting-text", "Liever niet op maandag.")
    page.click("#meeting-request button[type=submit]")
    page.wait_for_selector("#meeting-requested")
    found += check(page)

    vp = staff_context(chromium, app, base, who("vp"))
    staff_page = vp.new_page()
    found += check(staff_page, f"{base}/vp/")
    assert staff_page.is_visible("#meeting-requests")
    found += check(staff_page, f"{base}/vp/termijnen")
    found += check(staff_page, f"{base}/vp/zaak/{ref}")
    staff_page.fill("#meeting-proposal", "Dinsdag 10 maart om 14.00 uur, Stadhuis, kamer 3.12.")
    staff_page.click("#meeting-form button[type=submit]")
    staff_page.wait_for_selector("#meeting-proposed")
    found += check(staff_page)
    found += check(staff_page, f"{base}/vp/mondeling")

    melder_in()
    assert "kamer 3.12" in page.inner_text("#meeting-proposal")
    found += check(page)
    page.click("#meeting-confirm button[type=submit]")
    page.wait_for_selector("#meeting-confirmed")
    found += check(page)
    with db() as s:
        assert s.scalars(select(CaseMeeting.confirmed_on)).one() is not None
    melder.close()
    vp.close()
    assert found == [], found
