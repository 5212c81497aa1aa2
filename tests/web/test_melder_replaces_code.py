"""Issue 12 point 5 without JavaScript: the case page has a form to replace the code. The melder
types the current code once more; the server makes a new code, shows it once in the receipt's
words (with the advice how to keep it), and the old code stops working at once. Sending the form
again (a reload, or back and send) makes no second new code. A wrong current code is refused
like a wrong code at the login, and nothing changes."""
import re

from sqlalchemy import func, select

from whistle.models import AuditEvent, Case
from tests.conftest import CODE_RE, code_from_receipt

TOKEN = re.compile(r'name="submission_token" value="([^"]+)"')


def report(browser) -> str:
    r = browser.submit("/o/deventer/melden", {"what": "Er verdwijnt materiaal uit het magazijn."})
    return code_from_receipt(r.get_data(as_text=True))


def case_form(client) -> dict:
    page = client.get("/melder/zaak").get_data(as_text=True)
    assert 'id="code-vervangen"' in page and "Code vervangen" in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = page[page.index('id="code-vervangen"'):]
    return {"csrf_token": csrf, "submission_token": TOKEN.search(form).group(1)}


def test_the_melder_replaces_the_code_without_javascript(world, browser, client, db):
    world.org("deventer")
    world.staff("deventer")
    old = report(browser)
    assert browser.melder_login("deventer", old).status_code == 302
    browser.submit("/melder/bericht", {"text": "Het gebeurt op vrijdag."}, form_page="/melder/zaak")
    fields = case_form(client)

    wrong = client.post("/melder/code", data=fields | {"code": "AAAA-BBBB-CCCC-DDDD"})
    assert wrong.status_code == 401
    assert "De code is onjuist of de sessie is verlopen." in wrong.get_data(as_text=True)
    with db() as s:
        locator = s.scalar(select(Case.locator))

    done = client.post("/melder/code", data=fields | {"code": old.lower()})
    html = done.get_data(as_text=True)
    assert done.status_code == 200
    new = code_from_receipt(html)
    assert new != old
    assert "Uw nieuwe code" in html and "Bewaar deze code goed" in html and "Code kopiëren" in html
    assert "de oude code werkt niet meer" in html
    with db() as s:
        case = s.scalar(select(Case))
        assert case.locator != locator and case.record_binding == locator
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.event == "code_replaced")) == 1

    # The melder carries on in the new session: everything still opens.
    page = client.get("/melder/zaak").get_data(as_text=True)
    assert "Er verdwijnt materiaal uit het magazijn." in page and "Het gebeurt op vrijdag." in page

    # Reloading the new code's page sends the form again: no second code, and it says so.
    again = client.post("/melder/code", data=fields | {"code": old})
    assert again.status_code == 409
    text = again.get_data(as_text=True)
    assert "Uw code is al vervangen" in text and not CODE_RE.search(text) and new not in text
    with db() as s:
        assert s.scalar(select(Case.locator)) == case.locator

    # The old code now gets what any wrong code gets; the new one opens the case.
    client.post("/melder/uitloggen", data={"csrf_token": fields["csrf_token"]})
    refused = browser.melder_login("deventer", old)
    assert refused.status_code == 401 and "De code is onjuist of de sessie is verlopen." in refused.get_data(as_text=True)
    assert browser.melder_login("deventer", new).status_code == 302
    assert "Het gebeurt op vrijdag." in client.get("/melder/zaak").get_data(as_text=True)


def test_the_form_without_its_token_changes_nothing(world, browser, client, db):
    world.org("deventer")
    world.staff("deventer")
    old = report(browser)
    browser.melder_login("deventer", old)
    fields = case_form(client)
    r = client.post("/melder/code", data={"csrf_token": fields["csrf_token"], "code": old})
    assert r.status_code == 400 and "Het formulier is ongeldig" in r.get_data(as_text=True)
    client.post("/melder/uitloggen", data={"csrf_token": fields["csrf_token"]})
    assert browser.melder_login("deventer", old).status_code == 302
