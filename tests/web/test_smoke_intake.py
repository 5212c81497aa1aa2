from tests.conftest import PASSPHRASE, code_from_receipt


def test_melder_submits_via_form_and_counsellor_reads(world, browser, client):
    world.org()
    vp = world.staff(email="vp@deventer.example")
    page = browser.submit("/o/deventer/melden", {"what": "Fraude bij inkoop", "where": "Stadhuis"})
    assert page.status_code == 200, page.get_data(as_text=True)
    code = code_from_receipt(page.get_data(as_text=True))
    r = browser.melder_login("deventer", code)
    assert r.status_code == 302
    page = client.get("/melder/zaak")
    assert "Fraude bij inkoop" in page.get_data(as_text=True)
