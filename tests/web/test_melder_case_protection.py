"""The server path's case page (/melder/zaak) says which protection is in use, as the other
melder pages do: the server encrypts, and no script is there to claim anything else."""
import re
from pathlib import Path

from tests.conftest import code_from_receipt


def test_the_case_page_shows_the_server_protection_note_and_only_that(world, browser, client):
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example")
    receipt = browser.submit("/o/deventer/melden", {"what": "Offertes lekken naar een aannemer."})
    browser.melder_login("deventer", code_from_receipt(receipt.get_data(as_text=True)))
    page = client.get("/melder/zaak")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Uw melding bij" in html

    notes = dict(re.findall(r'<div data-protection="([a-z-]+)"( hidden)?>', html))
    assert notes == {"server": "", "browser": " hidden", "server-no-wasm": " hidden", "server-failed": " hidden"}
    assert "Hoe uw melding beschermd wordt" in html and "die haar direct versleutelt" in html
    # Nothing could switch the note to "browser": the only script is the session warning
    # (static/js/session-warning.js, issue 12.3), which touches no protection note.
    assert [s.split("?")[0] for s in re.findall(r'<script[^>]*src="([^"]+)"', html)] == ["/static/js/session-warning.js"]
    assert html.count("<script") == 1
    assert "data-protection" not in (Path(__file__).resolve().parents[2] / "static/js/session-warning.js").read_text()
