"""Issue 12 point 3 in Chromium: on the case page with JavaScript the melder is warned before the
session ends (visible, in an aria-live region) and can keep it open without a reload; what
they type stays in the page only (no localStorage, no sessionStorage, nothing sent), and when
the session did end, sending asks for the code once more and sends the text in one step."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.browser.accessibility import new_context, session_cookie
from tests.conftest import Browser, code_from_receipt
from whistle.models import Record

pytestmark = [pytest.mark.browser]

DRAFT = "Vandaag werd ik bij de directeur geroepen over mijn melding."


def test_the_case_page_warns_before_the_session_ends_and_loses_nothing(
        chromium, live_server, app, world, db, clock, settings):
    world.org("deventer")
    world.staff("deventer")
    melder = Browser(app.test_client())
    code = code_from_receipt(melder.submit("/o/deventer/melden", {"what": "Er verdwijnt materiaal."})
                             .get_data(as_text=True))
    assert melder.melder_login("deventer", code).status_code == 302
    base = live_server.base
    context = new_context(chromium, javascript=True, width=390, cookies=session_cookie(melder.client, base))
    page = context.new_page()
    page.clock.install()
    page.goto(f"{base}/melder/zaak")
    warning = page.locator("#session-warning")
    assert warning.get_attribute("aria-live") in ("polite", "assertive")
    assert warning.inner_text().strip() == ""
    page.fill("#text", DRAFT)

    seconds = settings.reporter_session_minutes * 60
    page.clock.run_for((seconds - 120 + 1) * 1000)
    assert "verloopt over ongeveer 2 minuten" in warning.inner_text()
    assert warning.locator("p.notice").is_visible()
    sent_before = len(live_server.log.requests)
    warning.locator("button").click()  # "Ik ben er nog": the session is kept, no reload
    page.wait_for_function("document.getElementById('session-warning').textContent.includes('blijft open')")
    assert [r.path for r in live_server.log.requests[sent_before:]] == ["/melder/sessie"]
    assert page.input_value("#text") == DRAFT

    page.clock.run_for((seconds + 1) * 1000)
    assert "Uw sessie is verlopen" in warning.inner_text()
    assert page.input_value("#text") == DRAFT
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert not any(DRAFT.encode() in r.body for r in live_server.log.requests)  # nothing sent yet

    clock.advance(minutes=settings.reporter_session_minutes + 1)  # the server's session ends too
    page.click("form[action$='/melder/bericht'] button[type=submit]")
    page.wait_for_selector("#resume-form")
    assert page.input_value("#resume-text") == DRAFT
    page.fill("#code", code)
    page.click("#resume-form button[type=submit]")
    page.wait_for_url("**/melder/zaak")
    assert DRAFT in page.content()
    with db() as s:
        assert s.scalar(select(func.count()).select_from(Record).where(Record.kind == "message")) == 1
    context.close()
