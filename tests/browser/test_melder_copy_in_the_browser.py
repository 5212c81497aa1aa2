"""Issue 12, item 7, the browser path: on the case page the melder downloads their own copy,
made in the browser from what it decrypted (static/js/melder-copy.js). In headless Chromium
against the live server: the file says exactly what the server path's copy says (the text of
both compared), carries no script, address or code, leaves no object URL behind, and nothing
is sent to make it; the case page with the offer fits a 320 px screen with and without
JavaScript, and so does the copy itself."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

import crypto
from tests.browser.accessibility import new_context, overflow, session_cookie
from tests.browser.journey import log_in_with_code
from tests.web.test_melder_copy import melder_with_a_case

pytestmark = pytest.mark.browser

WATCH_OBJECT_URLS = """
  window.__urls = { made: [], revoked: [] };
  const make = URL.createObjectURL.bind(URL), revoke = URL.revokeObjectURL.bind(URL);
  URL.createObjectURL = b => { const u = make(b); window.__urls.made.push(u); return u; };
  URL.revokeObjectURL = u => { window.__urls.revoked.push(u); return revoke(u); };
"""


def text_of(chromium, html: str, width: int = 1280) -> tuple[str, list[str]]:
    """What a reader sees of a copy (its visible text, spaces folded), and whether it fits."""
    context = chromium.new_context(java_script_enabled=False, viewport={"width": width, "height": 800})
    page = context.new_page()
    page.route("**/*", lambda route: route.abort())  # the copy must need nothing from anywhere
    page.set_content(html)
    text = re.sub(r"\s+", " ", page.inner_text("body")).strip()
    wide = overflow(page)
    context.close()
    return text, wide


@pytest.fixture
def dutch_page(chromium):
    """A fresh profile with JavaScript on whose browser asks for Dutch, as the test client's
    server-path copy is (the copy speaks the page's language on both paths)."""
    context = chromium.new_context(accept_downloads=True, locale="nl-NL")
    context.set_default_timeout(20000)
    yield context.new_page()
    context.close()


def test_the_browser_makes_the_same_copy_as_the_server_and_nothing_leaves_the_page(
        world, browser, client, db, use_case, live_server, dutch_page, chromium, clock):
    page = dutch_page
    code = melder_with_a_case(world, browser, db, use_case)
    server_copy = client.get("/melder/kopie").get_data(as_text=True)

    # The browser's day is the server's (tests run on a moved clock).
    page.clock.set_fixed_time(dt.datetime.combine(clock.today(), dt.time(12, 0)))
    page.add_init_script(WATCH_OBJECT_URLS)
    log_in_with_code(page, live_server.base, code)
    page.wait_for_selector("#js-case [data-slot=messages] article")
    offer = page.inner_text("#js-case #melder-copy")
    assert "Niet op een apparaat of in een mailbox van uw werk" in offer and "Huis voor Klokkenluiders" in offer

    live_server.log.clear()
    with page.expect_download() as caught:
        page.click("#js-case [data-slot=copy]")
    download = caught.value
    assert download.suggested_filename == f"melding-kopie-{clock.today():%d-%m-%Y}.html"
    browser_copy = Path(download.path()).read_text(encoding="utf-8")

    # Made here: at most the copy's stylesheet was fetched, nothing was posted.
    assert {(r.method, r.path) for r in live_server.log.requests} <= {("GET", "/static/copy.css")}
    urls = page.evaluate("window.__urls")
    assert len(urls["made"]) == 1 and set(urls["made"]) <= set(urls["revoked"])

    browser_text, _ = text_of(chromium, browser_copy)
    server_text, _ = text_of(chromium, server_copy)
    assert browser_text == server_text
    for text in ("KOPIEWAT offertes lekken", "KOPIEBERICHT het gaat om drie facturen",
                 "KOPIEANTWOORD dank voor uw melding <b>vet</b>", "KOPIEBIJLAGE.txt",
                 f"Gemaakt op {clock.today():%d-%m-%Y}", "Huis voor Klokkenluiders"):
        assert text in browser_text, text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", browser_text)

    normalised = crypto.normalise_code(code).decode()
    for copy in (browser_copy, server_copy):
        assert copy.startswith("<!doctype html>") and "<style>" in copy
        assert code not in copy and normalised not in copy
        assert "<script" not in copy and not re.search(r"\b(src|href|action)=|https?://|url\(", copy)


def test_the_case_page_with_the_offer_and_the_copy_fit_a_phone(
        world, browser, client, db, use_case, live_server, page, chromium):
    code = melder_with_a_case(world, browser, db, use_case)
    # Without JavaScript: the server path's case page, with the melder's session.
    context = new_context(chromium, javascript=False, cookies=session_cookie(client, live_server.base))
    plain = context.new_page()
    plain.goto(f"{live_server.base}/melder/zaak")
    assert plain.is_visible("#melder-copy a[download]")
    assert overflow(plain) == []
    # The link downloads the server's copy, with JavaScript off.
    with plain.expect_download() as caught:
        plain.click("#melder-copy a[download]")
    downloaded = Path(caught.value.path()).read_text(encoding="utf-8")
    assert "KOPIEBERICHT het gaat om drie facturen" in downloaded and code not in downloaded
    context.close()
    # With JavaScript: the browser's view of the case.
    log_in_with_code(page, live_server.base, code)
    page.wait_for_selector("#js-case [data-slot=messages] article")
    assert page.is_visible("#js-case [data-slot=copy]")
    assert overflow(page) == []
    # The copy itself, opened on a phone.
    _, wide = text_of(chromium, client.get("/melder/kopie").get_data(as_text=True), width=320)
    assert wide == []
