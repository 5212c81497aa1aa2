"""Issue 12 point 8: on the receipt the code is copied with one button (JavaScript, shown only
when the script runs, no inline script), the receipt prints without the rest of the page, and
the receipt advises how to keep the code (not on a work device, not in work mail)."""
from __future__ import annotations

import pytest

from tests.browser.accessibility import new_context
from tests.browser.journey import fill_melding, open_form, receipt_code

pytestmark = [pytest.mark.browser]


@pytest.fixture
def deventer(world):
    world.org("deventer")
    world.staff("deventer")


def visibility(page, selector: str) -> str:
    return page.eval_on_selector(selector, "e => getComputedStyle(e).visibility + ' ' + getComputedStyle(e).display")


def test_the_code_is_copied_with_one_button_and_the_receipt_prints_alone(chromium, live_server, deventer):
    base = live_server.base
    context = new_context(chromium, javascript=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page = context.new_page()
    open_form(page, base)
    fill_melding(page, "Er verdwijnt materiaal uit het magazijn.")
    page.click("#melding-form button[type=submit]")
    code = receipt_code(page)
    html = page.content()
    assert "niet op een apparaat van uw werk" in html and "niet in uw werkmail" in html

    page.click("[data-copy-code]")
    page.wait_for_function("document.querySelector('[data-slot=copy-status]').textContent.length > 0")
    assert page.evaluate("navigator.clipboard.readText()") == code
    assert "gekopieerd" in page.inner_text("[data-slot=copy-status]")

    page.emulate_media(media="print")
    assert visibility(page, "header.top").startswith("hidden")
    assert visibility(page, "footer").startswith("hidden")
    assert visibility(page, "p.code").startswith("visible")
    assert visibility(page, ".advice").startswith("visible")
    assert visibility(page, ".receipt-actions").endswith("none")
    pdf = page.pdf(format="A5")  # it prints (headless Chromium renders the print layout)
    assert pdf.startswith(b"%PDF")
    context.close()


def test_without_javascript_the_receipt_shows_no_dead_buttons(chromium, live_server, deventer, app):
    base = live_server.base
    context = new_context(chromium, javascript=False)
    page = context.new_page()
    open_form(page, base, encrypted_in_browser=False)
    fill_melding(page, "Er verdwijnt materiaal uit het magazijn.")
    page.click("#melding-form button[type=submit]")
    receipt_code(page)
    assert page.eval_on_selector(".receipt-actions", "e => getComputedStyle(e).display") == "none"
    page.emulate_media(media="print")
    assert visibility(page, "header.top").startswith("hidden")
    assert visibility(page, "p.code").startswith("visible")
    context.close()
