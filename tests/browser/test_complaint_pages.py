"""The complaint pages ('s-Hertogenbosch, issue 15) in Chromium without JavaScript: the melder's
form, then their page with the decision's last day and the LKC; the counsellor's case page
with the complaint and the forward form; the gemeentesecretaris's dossier with the decision
form; the melder's page with the reasons. axe-core finds no violation and nothing scrolls
sideways at 320 or 390 px."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.authority.conftest import send_melding
from tests.browser.accessibility import check, new_context, session_cookie
from tests.authority.conftest import as_staff, cheaper_login_hash  # noqa: F401 - fixtures
from tests.complaint.conftest import ORG, bosch, who  # noqa: F401 - fixture
from tests.complaint.test_complaint_walk import to_feedback
from tests.conftest import Browser
from whistle.models import Case
from whistle.services.authority import decisions as authority

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def staff_context(chromium, app, base, email):
    browser = Browser(app.test_client())
    assert browser.login_counsellor(email).status_code == 302
    return new_context(chromium, javascript=False, cookies=session_cookie(browser.client, base))


def test_the_complaint_pages_pass_axe_and_fit_a_phone(chromium, live_server, app, bosch, db, use_case, as_staff):
    base = live_server.base
    code = send_melding(Browser(app.test_client()), org=ORG, identity=False, what="Ik word buitengesloten.")
    with db() as s:
        ref = s.scalar(select(Case.ref))
    to_feedback(db, use_case, as_staff, ref)
    found = []

    melder = new_context(chromium, javascript=False)
    page = melder.new_page()
    page.goto(f"{base}/o/{ORG}/terug")
    page.fill("#code", code)
    page.click("#login-form button[type=submit]")
    page.wait_for_url("**/melder/zaak")
    found += check(page)
    page.fill("#complaint-event-on", "2999-01-01")  # refused: in the future
    page.fill("#complaint-text", "Niemand heeft met mij gesproken.")
    page.click("#complaint-form button[type=submit]")
    page.wait_for_selector("[role=alert]")
    found += check(page)
    page.fill("#complaint-event-on", "2025-06-01")
    page.fill("#complaint-text", "Niemand heeft met mij gesproken.")
    page.click("#complaint-form button[type=submit]")
    page.wait_for_selector("#complaint-lkc")
    found += check(page)

    vp = staff_context(chromium, app, base, who("vp"))
    staff_page = vp.new_page()
    found += check(staff_page, f"{base}/vp/zaak/{ref}")
    staff_page.click("#event-forward_complaint button[type=submit]")
    staff_page.wait_for_load_state("networkidle")
    found += check(staff_page)
    vp.close()

    with db() as s:
        (line,) = authority.inbox(s, as_staff(s, who("secretaris")))
    secretaris = staff_context(chromium, app, base, who("secretaris"))
    staff_page = secretaris.new_page()
    found += check(staff_page, f"{base}/bg/dossier/{line.ref}")
    staff_page.check("input[name=outcome][value=geen_onderzoek]")
    staff_page.fill("#complaint-motivation", "Een onderzoek voegt niets toe.")
    staff_page.click("#event-decide-complaint button[type=submit]")
    staff_page.wait_for_selector("#decision")
    found += check(staff_page)
    secretaris.close()

    found += check(page, f"{base}/melder/zaak")
    assert page.locator("#complaint-motivation").inner_text() == "Een onderzoek voegt niets toe."
    melder.close()
    assert found == [], "\n".join(found)


def test_the_oral_melding_pages_pass_axe_and_fit_a_phone(chromium, live_server, app, bosch, db):
    """The counsellor's page for an oral melding, the case page with its minutes, and the
    melder's page with the minutes to approve or correct, without JavaScript."""
    from tests.conftest import CODE_RE
    base = live_server.base
    found = []
    vp = staff_context(chromium, app, base, who("vp"))
    page = vp.new_page()
    found += check(page, f"{base}/vp/mondeling")
    page.check("input[name=form][value=gesprek]")
    page.fill("#what", "Urenfraude op de afdeling.")
    page.fill("#minutes", "Gesprek op het kantoor van de vertrouwenspersoon.")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#code")
    found += check(page)
    code = CODE_RE.search(page.content()).group(1)
    with db() as s:
        ref = s.scalar(select(Case.ref))
    found += check(page, f"{base}/vp/zaak/{ref}")
    vp.close()

    melder = new_context(chromium, javascript=False)
    page = melder.new_page()
    page.goto(f"{base}/o/{ORG}/terug")
    page.fill("#code", code)
    page.click("#login-form button[type=submit]")
    page.wait_for_url("**/melder/zaak")
    found += check(page)
    page.click("#minutes-approve button[type=submit]")
    page.wait_for_selector("#minutes-approved")
    found += check(page)
    melder.close()
    assert found == [], "\n".join(found)
