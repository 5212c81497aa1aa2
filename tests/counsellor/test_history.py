"""A readable history of the case from the audit trail (issue 13): every event by date and who,
in words; no content; only for a counsellor who holds the case key."""
import re

from tests.authority.conftest import email, staff_id
from tests.counsellor.test_labels import raw_ids_in, visible_text


def login(browser, who, org="deventer"):
    assert browser.login_counsellor(email(who, org)).status_code == 302


def test_the_history_lists_each_event_in_words(melding, browser, client, clock):
    login(browser, "vp")
    case_page = f"/vp/zaak/{melding.ref}"
    client.get(case_page)
    client.get(case_page)
    browser.submit(f"{case_page}/stap/acknowledge", {}, form_page=case_page)
    browser.submit(f"{case_page}/bericht", {"text": "Geheime inhoud van het bericht."}, form_page=case_page)
    assert f'href="/vp/zaak/{melding.ref}/geschiedenis"' in client.get(case_page).get_data(as_text=True)
    html = client.get(f"{case_page}/geschiedenis").get_data(as_text=True)
    text = " ".join(visible_text(html).split())
    today = clock.today().strftime("%d-%m-%Y")
    assert f"{today} Melder Melding ontvangen" in text
    assert f"{today} Vp Ontvangst bevestigd" in text and f"{today} Vp Bericht aan de melder" in text
    assert re.search(r"Vp Zaak geopend \(\d keer\)", text)
    assert text.index("Melding ontvangen") < text.index("Ontvangst bevestigd") < text.index("Bericht aan de melder")
    assert "Geheime inhoud" not in html and "@deventer.example" not in text
    assert raw_ids_in(text) == []


def test_only_a_counsellor_with_the_key_sees_the_history(melding, browser, client, db):
    login(browser, "vp")
    case_page = f"/vp/zaak/{melding.ref}"
    browser.submit(f"{case_page}/toegang", {"action": "withdraw", "staff": str(staff_id(db, "vp2"))},
                   form_page=case_page)
    client.delete_cookie("whistle")
    login(browser, "vp2")
    assert client.get(f"{case_page}/geschiedenis").status_code == 404
    client.delete_cookie("whistle")
    login(browser, "vp", "samenwerking")
    assert client.get(f"{case_page}/geschiedenis").status_code == 404
    client.delete_cookie("whistle")
    login(browser, "burgemeester")
    assert client.get(f"{case_page}/geschiedenis").status_code in (302, 403, 404)
