"""Issue 12 point 5 with JavaScript on (protocol E.10): on the case page the melder presses
"Code vervangen", confirms, and the browser makes the new code, derives its keys, wraps the case
key to the new box key and signs a fresh challenge with the current and the new key. The new
code is shown once, in the receipt's words with a copy button, and never leaves the browser.
The old code stops working at once; everything sealed before opens with the new one, and so does
what the melder writes afterwards. Without JavaScript, the form, the new code and the answer to
a form sent twice fit a 320 px phone. Headless Chromium against a live server and a real
database."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.browser.accessibility import new_context, overflow, session_cookie, violations
from tests.browser.journey import CODE, assert_never_sent, log_in_with_code, secret_forms
from tests.conftest import Browser, code_from_receipt
from whistle.models import AuditEvent, Case
from whistle.reporter_client import HttpTransport, ProtocolError, ReporterClient

pytestmark = pytest.mark.browser


@pytest.fixture
def deventer(world):
    world.org("deventer")
    world.staff("deventer")


def test_the_melder_replaces_the_code_in_the_browser(deventer, live_server, chromium, db):
    context = new_context(chromium, javascript=True)  # bypasses the CSP only so that axe can run
    context.set_extra_http_headers({"Accept-Language": "nl"})  # the words below are the Dutch ones
    page = context.new_page()
    page.sent = []
    page.on("request", lambda r: page.sent.append(r))
    melder = ReporterClient(HttpTransport(live_server.base), "deventer")
    melder.submit({"what": "Het magazijn wordt leeggehaald."})
    melder.log_in()
    melder.send_message("Eerste bericht, van voor de nieuwe code.")
    old = melder.code
    live_server.log.clear()

    log_in_with_code(page, live_server.base, old)
    page.wait_for_selector("#js-case article.message")
    section = page.locator("#code-vervangen")
    assert "De oude code werkt daarna meteen niet meer" in section.inner_text()
    assert page.is_hidden("#code-vervangen [data-slot=code-confirm]")

    # Asked first; "Nee" sends nothing.
    page.click("#code-vervangen [data-slot=code-start]")
    assert page.is_visible("#code-vervangen [data-slot=code-confirm]")
    page.click("#code-vervangen [data-slot=code-no]")
    assert live_server.log.to("/api/v1/reporter/case/code") == []

    page.click("#code-vervangen [data-slot=code-start]")
    page.click("#code-vervangen [data-slot=code-yes]")
    page.wait_for_selector("#code-vervangen p.code:not(:empty)")
    new = page.inner_text("#code-vervangen p.code").strip()
    assert CODE.match(new) and new != old
    shown = page.inner_text("#code-vervangen .receipt")
    assert "Uw nieuwe code" in shown and "Bewaar deze code goed" in shown
    assert page.is_visible("#code-vervangen [data-copy-code]")
    assert page.is_hidden("#code-vervangen [data-slot=code-start]")
    assert len(live_server.log.to("/api/v1/reporter/case/code", "POST")) == 1

    # Written after the replacement, in the same page: bound as before, so it opens.
    page.fill("#js-text", "Tweede bericht, na de nieuwe code.")
    page.click("[data-slot=message-form] button[type=submit]")
    page.wait_for_selector("#js-case article.message:nth-of-type(2)")
    assert "Tweede bericht, na de nieuwe code." in page.inner_text("#js-case [data-slot=messages]")

    # Neither code went over the wire.
    assert_never_sent(live_server, page, secret_forms(old) + secret_forms(new))
    found = overflow(page) + violations(page)
    assert found == [], "\n".join(found)

    # The old code is refused as any wrong code; the new one opens everything.
    with pytest.raises(ProtocolError) as refused:
        ReporterClient(HttpTransport(live_server.base), "deventer").log_in(old)
    assert refused.value.status == 401
    again = ReporterClient(HttpTransport(live_server.base), "deventer")
    again.log_in(new)
    records = again.read_records()
    assert not any(r["unreadable"] for r in records)
    assert [r["body"].get("text") for r in records if r["kind"] == "message"] == [
        "Eerste bericht, van voor de nieuwe code.", "Tweede bericht, na de nieuwe code."]
    with db() as s:
        assert s.scalars(select(AuditEvent.event).where(AuditEvent.event == "code_replaced")).all() == ["code_replaced"]
        case = s.scalar(select(Case))
        assert case.record_binding is not None and case.record_binding != case.locator
    context.close()


def test_the_server_path_pages_fit_a_phone(deventer, live_server, chromium, app):
    base = live_server.base
    melder = Browser(app.test_client())
    r = melder.submit("/o/deventer/melden", {"what": "Er verdwijnt materiaal."})
    old = code_from_receipt(r.get_data(as_text=True))
    assert melder.melder_login("deventer", old).status_code == 302
    context = new_context(chromium, javascript=False, cookies=session_cookie(melder.client, base))
    context.set_extra_http_headers({"Accept-Language": "nl"})
    page = context.new_page()
    page.goto(f"{base}/melder/zaak")
    found = overflow(page)
    assert page.is_visible("#code-vervangen form")

    # A wrong current code: the case page with the error.
    page.fill("#current-code", "AAAA-AAAA-AAAA-AAAA")
    page.click("#code-vervangen button[type=submit]")
    page.wait_for_selector("p.error[role=alert]")
    found += overflow(page)

    # The current code: the new code, shown once.
    page.fill("#current-code", old)
    page.click("#code-vervangen button[type=submit]")
    page.wait_for_selector("p.code")
    new = page.inner_text("p.code").strip()
    assert CODE.match(new) and new != old
    found += overflow(page) + violations(page)

    # Reloaded (the form sent again): no second code, and a page that says so.
    page.reload()
    page.wait_for_selector("h1")
    assert "Uw code is al vervangen" in page.inner_text("h1")
    assert not re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", page.inner_text("main"))
    found += overflow(page) + violations(page)
    context.close()
    assert found == [], "\n".join(found)
