"""Issue 16.1: the melder's pages in another language still fit a 320 px (and 390 px) phone,
and Arabic runs right to left: Polish (long words) and Arabic, with JavaScript, through the
start pages, the form refused by the browser's own check (its message from the page's word
table, not Dutch), logging in with a wrong code and with the right one (the browser's case
view), and the server's case page and a step to confirm. The Dutch run is
tests/browser/test_melder_reflow.py."""
from __future__ import annotations

import pytest

from tests.authority.conftest import as_staff, escalate, in_behandeling, make_staff, send_melding  # noqa: F401 (fixture)
from tests.browser.accessibility import new_context, overflow, session_cookie
from tests.browser.test_melder_reflow import at, case_with_everything  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MISSING_WHAT = {"pl": "Opisz, co się stało.", "ar": "صف ما حدث."}


@pytest.mark.parametrize("language", ["pl", "ar"])
def test_the_melder_pages_fit_a_phone_in_another_language(chromium, live_server, case_with_everything, language):
    code, melder = case_with_everything
    base, q = live_server.base, f"taal={language}"
    context = new_context(chromium, javascript=True)
    page = context.new_page()
    found = at(page, f"{base}/?{q}") + at(page, f"{base}/?q=gemeente&{q}") + at(page, f"{base}/o/deventer/?{q}")
    assert page.get_attribute("html", "lang") == language
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")

    page.goto(f"{base}/o/deventer/melden?{q}")
    page.wait_for_selector("#melding-form[data-encryption=browser]", state="attached")
    found += overflow(page)
    page.fill("#what", "   ")
    page.click("#melding-form button[type=submit]")
    page.wait_for_selector("#js-error:not([hidden])")
    assert page.text_content("#js-error") == MISSING_WHAT[language]  # the script speaks the page's language
    found += overflow(page)

    found += at(page, f"{base}/o/deventer/terug?{q}")
    page.wait_for_selector("#login-form[data-encryption=browser]", state="attached")
    page.fill("#code", "AAAA-AAAA-AAAA-AAAA")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#login-error:not([hidden])")
    found += overflow(page)
    page.fill("#code", code)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#js-case article.message")
    assert "Berichten" not in page.text_content("#js-case")
    found += overflow(page)

    context.add_cookies(session_cookie(melder.client, base))
    found += at(page, f"{base}/melder/zaak?{q}")
    step = page.get_attribute("#melder-events form.event", "action")
    if step:
        found += at(page, base + step + ("&" if "?" in step else "?") + q)
    context.close()
    assert found == [], "\n".join(found)
