"""Issue 13, item 6 in real Chromium without JavaScript: compose with an attachment ticked, the
preview and the confirmation naming the recipients, the case page and the dossier in print
layout (no header, navigation, forms or buttons; the reference and date on the page), and
axe-core with the reflow check on each new page."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.authority.conftest import as_staff, cheaper_login_hash, email, in_behandeling, make_staff  # noqa: F401 (fixtures)
from tests.browser.accessibility import check, new_context, session_cookie
from tests.conftest import Browser
from whistle.models import Case, Dossier
from whistle.reporter_client import FlaskTransport, ReporterClient

pytestmark = [pytest.mark.browser]

FILE = b"offerte maart: bedragen en namen"
VISIBLE = "sel => [...document.querySelectorAll(sel)].filter(e => e.getClientRects().length > 0).length"


def print_layout(page) -> dict:
    page.emulate_media(media="print")
    got = {sel: page.evaluate(VISIBLE, sel) for sel in ("header.top", "nav", "main form", "main button", "footer",
                                                         "h1", ".print-meta", ".print-hint")}
    page.emulate_media(media="screen")
    return got


def test_compose_preview_confirm_and_print(chromium, live_server, app, world, db, use_case, as_staff):
    world.org("deventer")
    for name, role, function in (("vp", "counsellor", None), ("burgemeester", "authority", "burgemeester")):
        make_staff(world, "deventer", name, role, function)
    api = ReporterClient(FlaskTransport(app.test_client()), "deventer")
    api.submit({"what": "Offertes worden vooraf doorgespeeld."})
    api.log_in()
    attachment = api.upload("offerte.txt", "text/plain", [FILE], len(FILE))["id"]
    with db() as s:
        ref = s.scalar(select(Case.ref))
    in_behandeling(db, use_case, as_staff, ref)
    vp = Browser(app.test_client())
    assert vp.login_counsellor(email("vp")).status_code == 302
    base, found = live_server.base, []
    context = new_context(chromium, javascript=False, cookies=session_cookie(vp.client, base))
    context.set_extra_http_headers({"Accept-Language": "nl-NL,nl"})  # the staff's pages as a Dutch browser asks
    page = context.new_page()
    found += check(page, f"{base}/vp/zaak/{ref}/doorzetten")
    page.check(f"input[name=include_attachment][value='{attachment}']")
    page.fill("#note", "Graag uw besluit.")
    page.click("button[value=concept]")
    assert page.locator("#draft-status").is_visible()
    found += check(page)
    page.click("button[value=voorbeeld]")
    assert "Voorbeeld van het dossier" in page.locator("h1").inner_text()
    assert page.locator("#preview-attachments").inner_text().strip() == "offerte.txt"
    assert page.locator("#confirm-send").inner_text().strip() == "Versturen aan: Burgemeester"
    found += check(page)
    page.click("#confirm-send")
    assert "Dossier verstuurd aan het bevoegd gezag." in page.locator("#notice").inner_text()
    found += check(page)
    case_print = print_layout(page)
    assert case_print == {"header.top": 0, "nav": 0, "main form": 0, "main button": 0, "footer": 0, "h1": 1,
                          ".print-meta": 1, ".print-hint": 0}, case_print
    assert f"Zaak {ref}" in page.locator(".print-meta").inner_text()
    context.close()

    with db() as s:
        dossier = s.scalar(select(Dossier.locator)).hex()
    member = Browser(app.test_client())
    assert member.login_counsellor(email("burgemeester")).status_code == 302
    context = new_context(chromium, javascript=False, cookies=session_cookie(member.client, base))
    context.set_extra_http_headers({"Accept-Language": "nl-NL,nl"})
    page = context.new_page()
    found += check(page, f"{base}/bg/dossier/{dossier}")
    assert page.locator("#dossier-files a").inner_text() == "offerte.txt"
    assert page.locator(".print-hint").is_visible()
    dossier_print = print_layout(page)
    assert dossier_print["main form"] == 0 and dossier_print["nav"] == 0 and dossier_print[".print-meta"] == 1
    with page.expect_download() as download:
        page.click("#dossier-files a")
    assert download.value.suggested_filename == "offerte.txt"
    assert open(download.value.path(), "rb").read() == FILE
    context.close()
    assert found == [], "\n".join(found)


def test_the_login_page_that_keeps_what_was_typed_passes_axe(chromium, live_server, app, world, db, settings):
    """The answer to a form sent after the session ended: the login form, what was typed in it."""
    world.org("deventer")
    make_staff(world, "deventer", "vp", "counsellor", None)
    vp = Browser(app.test_client())
    assert vp.login_counsellor(email("vp")).status_code == 302
    base = live_server.base
    context = new_context(chromium, javascript=False, cookies=session_cookie(vp.client, base))
    page = context.new_page()
    page.goto(f"{base}/vp/namens")
    app.extensions["whistle"].clock.advance(minutes=settings.staff_session_minutes + 1)
    page.fill("#what", "Getypt terwijl de sessie verliep.")
    page.click("main form button[type=submit]")
    assert page.locator("#kept-notice").is_visible()
    assert page.locator("input[name='bewaard-what']").get_attribute("value") == "Getypt terwijl de sessie verliep."
    found = check(page)
    context.close()
    assert found == [], "\n".join(found)
