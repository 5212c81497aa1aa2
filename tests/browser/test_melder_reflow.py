"""Issue 12 point 2: every melder page fits a 320 px (and a 390 px) screen without scrolling
sideways, with and without JavaScript, in every state a melder reaches: the start pages, the
form, the form with an error, the receipt, the receipt sent again, logging in, a wrong code,
the case with messages, deadlines, routes and a long file name, a step to confirm, and the page
that keeps the text when the session ended. Long codes, dates, file names and words wrap.

Measured as a browser sees it: document.documentElement.scrollWidth <= the viewport's width
(tests.browser.accessibility.overflow, which also names the element that sticks out). The
pages issue 12 added (the receipt sent again, the page that keeps the text) get axe as well."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from tests.authority.conftest import as_staff, escalate, in_behandeling, make_staff, send_melding  # noqa: F401 (fixture)
from tests.browser.accessibility import new_context, overflow, session_cookie, violations
from tests.browser.journey import log_in_with_code, open_form
from tests.conftest import Browser
from whistle.models import Case
from whistle.services.counsellor import case as counsellor

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LONG_WORD = "https://intranet.gemeente.example/documenten/inkoop/2026/aanbesteding-" + "x" * 60
LONG_FILE = "Verslag_gesprek_afdelingsmanager_declaraties_2026-03-14_definitief_versie3_ondertekend.txt"


@pytest.fixture
def case_with_everything(world, app, db, use_case, as_staff, settings):
    """A melding answered twice (one answer a long unbroken address), acknowledged, handed to
    the bevoegd gezag (so routes and deadlines show), with an attachment with a long name."""
    world.org("deventer")
    make_staff(world, "deventer", "vp", "counsellor", None)
    make_staff(world, "deventer", "burgemeester", "authority", "burgemeester")
    melder = Browser(app.test_client())
    code = send_melding(melder, what="De afdeling inkoop gunt zonder aanbesteding. " + LONG_WORD)
    with db() as s:
        ref = s.scalar(select(Case.ref))
        counsellor.reply(use_case(s), as_staff(s, "vp"), ref, "Dank voor uw melding. Zie " + LONG_WORD)
    in_behandeling(db, use_case, as_staff, ref)
    escalate(db, use_case, as_staff, ref)
    assert melder.melder_login("deventer", code).status_code == 302
    r = melder.submit("/melder/bijlage", {"attachments": [(io.BytesIO(b"aantekeningen\n"), LONG_FILE)]},
                      form_page="/melder/zaak", content_type="multipart/form-data")
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    return code, melder


def at(page, url: str) -> list[str]:
    answer = page.goto(url)
    page.wait_for_load_state("networkidle")
    assert answer is None or answer.status < 500, url
    return overflow(page)


def shown(page, base: str, html: str) -> list[str]:
    """A page the server answered to a POST (taken from the test client), shown at the live
    server's origin so its stylesheet and scripts load as they would."""
    url = f"{base}/__reflow__"
    page.route(url, lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html))
    found = at(page, url)
    page.unroute(url)
    return found


@pytest.mark.parametrize("javascript", [True, False], ids=["met-js", "zonder-js"])
def test_every_melder_page_fits_a_phone(chromium, live_server, app, clock, settings, case_with_everything,
                                        javascript):
    code, melder = case_with_everything
    base = live_server.base
    context = new_context(chromium, javascript=javascript)
    page = context.new_page()
    found = at(page, f"{base}/") + at(page, f"{base}/?q=gemeente") + at(page, f"{base}/o/deventer/")

    # The form, the form refused (nothing to report), the receipt.
    open_form(page, base, encrypted_in_browser=javascript)
    found += overflow(page)
    page.fill("#what", "   ")  # passes the browser's `required`, refused by the checks
    page.click("#melding-form button[type=submit]")
    page.wait_for_selector("#js-error:not([hidden])" if javascript else "p.error[role=alert]")
    found += overflow(page)
    page.fill("#what", "Iets over " + LONG_WORD)
    page.set_input_files("#attachments", files=[{"name": LONG_FILE, "mimeType": "text/plain",
                                                 "buffer": b"aantekeningen\n"}])
    if javascript:  # a text file is no kind the browser cleans: the melder chooses to send it
        page.wait_for_selector("#clean-report[data-state=done]", state="attached")
        found += overflow(page)  # the per-file report and its choice, with the long name
        for radio in page.query_selector_all("#clean-list input[type=radio][value=send]"):
            radio.check()
    page.click("#melding-form button[type=submit]")
    page.wait_for_selector("p.code:not(:empty)")
    found += overflow(page)

    # The same form sent again (no-JS path): "al ontvangen".
    tc = Browser(app.test_client())
    fields = tc.hidden("/o/deventer/melden")
    for _ in range(2):
        again = tc.client.post("/o/deventer/melden", data={"what": "twee keer"} | fields)
    assert "al ontvangen" in again.get_data(as_text=True)
    found += shown(page, base, again.get_data(as_text=True))
    found += violations(page)  # a new page (issue 12.4): axe too

    # Logging in: the page, a wrong code, the case.
    found += at(page, f"{base}/o/deventer/terug")
    page.fill("#code", "AAAA-AAAA-AAAA-AAAA")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#login-error:not([hidden]), .error")
    found += overflow(page)
    if javascript:
        log_in_with_code(page, base, code)
        page.wait_for_selector("#js-case article.message")
    else:
        page.goto(f"{base}/o/deventer/terug")
        page.fill("#code", code)
        page.click("#login-form button[type=submit]")
        page.wait_for_url("**/melder/zaak")
    found += overflow(page)

    # The server's case page and a step to confirm, in this browser (with or without scripts).
    context.add_cookies(session_cookie(melder.client, base))
    found += at(page, f"{base}/melder/zaak")
    step = page.get_attribute("#melder-events form.event", "action")
    if step:
        found += at(page, base + step)

    # The session ends while the melder types: the page that keeps the text and asks the code.
    found += at(page, f"{base}/melder/zaak")
    clock.advance(minutes=settings.reporter_session_minutes + 1)
    page.fill("#text", "Nog iets: " + LONG_WORD)
    page.click("form[action$='/melder/bericht'] button[type=submit]")
    page.wait_for_selector("#resume-form")
    found += overflow(page) + violations(page)  # a new page (issue 12.3): axe too
    page.fill("#code", "AAAA-AAAA-AAAA-AAAA")
    page.click("#resume-form button[type=submit]")
    page.wait_for_selector("#resume-form .error, .melder-resume .error")
    found += overflow(page) + violations(page)
    context.close()
    assert found == [], "\n".join(found)
