"""Issue 11 point 2 in the browser: a message that does not open is shown as unreadable in its
place, with and without JavaScript, and the rest of the case stays readable."""
from __future__ import annotations

import pytest

from bench.attacks import b64, junk_record
from tests.browser.journey import log_in_with_code
from whistle.reporter_client import HttpTransport, ReporterClient

pytestmark = pytest.mark.browser


def messages(page, root: str) -> list[str]:
    return page.eval_on_selector_all(f"{root} article.message", "els => els.map(e => e.innerText.trim())")


def test_an_unreadable_message_is_marked_in_place_on_both_paths(world, live_server, page, page_without_js):
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example")
    melder = ReporterClient(HttpTransport(live_server.base), "deventer")
    melder.submit({"what": "Melding over de inkoop"})
    melder.log_in()
    melder.send_message("Eerste echte bericht.")
    melder._json("POST", "/api/v1/reporter/case/messages", {"ciphertext": b64(junk_record())}, expect=(201,))
    melder.send_message("Tweede echte bericht.")

    log_in_with_code(page, live_server.base, melder.code)
    page.wait_for_selector("#js-case")
    in_the_browser = messages(page, "#js-case")
    assert page.inner_text("#js-case [data-slot=report]") == "Melding over de inkoop"

    server = page_without_js
    server.goto(f"{live_server.base}/o/deventer/terug")
    server.fill("#code", melder.code)
    server.click("#login-form button[type=submit]")
    server.wait_for_url("**/melder/zaak")
    on_the_server = messages(server, "main")

    for shown in (in_the_browser, on_the_server):
        assert len(shown) == 3
        assert "Eerste echte bericht." in shown[0] and "Tweede echte bericht." in shown[2]
        assert "Onleesbaar" in shown[1] and "echte" not in shown[1]
    assert in_the_browser == on_the_server
