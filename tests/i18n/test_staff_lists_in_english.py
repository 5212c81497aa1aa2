"""Issue 16.1 for the counsellor's lists: with English offered on the staff's pages (the test
offers it; whistle.web.i18n.STAFF_LANGUAGES stays Dutch until every staff page is translated),
the inbox with its filters and refusals, the start page, the deadlines, the upcoming deletions
and a page after an action with its notice speak English: the texts they show are the
catalogue's English, the domain's words (states, kinds, deadlines, what is new) included, and no
Dutch sentence of the catalogue is left. Real logins, real cases (tests/counsellor/test_inbox.py)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.authority.conftest import as_staff, cheaper_login_hash, email, melding, town  # noqa: F401 (fixtures)
from tests.counsellor.test_inbox import cases, rows  # noqa: F401 (fixture)
from tests.i18n.test_melder_pages_in_every_language import dutch_sentences, readable
from tests.retention.test_purge import TERM, advance_to
from whistle.models import Case
from whistle.web import i18n

DUTCH = dutch_sentences()


@pytest.fixture(autouse=True)
def english_offered(monkeypatch):
    monkeypatch.setattr(i18n, "STAFF_LANGUAGES", ("nl", "en"))


def english(answer, status: int = 200) -> str:
    """The page's readable text, after checking it is an English page without Dutch sentences."""
    html = answer.get_data(as_text=True)
    assert answer.status_code == status, html[:500]
    assert '<html lang="en" dir="ltr"' in html
    text = readable(html)
    left = sorted(s for s in DUTCH if " ".join(s.split()) in text)
    assert left == [], f"Dutch on an English staff page: {left[:3]}"
    return text


def login(browser, who: str) -> None:
    assert browser.login_counsellor(email(who)).status_code == 302


def test_the_check_finds_dutch_on_a_staff_page(cases, browser, client, monkeypatch):
    """Without English offered the page stays Dutch, and the check finds the catalogue's Dutch
    sentences on it."""
    monkeypatch.setattr(i18n, "STAFF_LANGUAGES", ("nl",))
    login(browser, "vp")
    with pytest.raises(AssertionError):
        english(client.get("/vp/?taal=en"))
    dutch = readable(client.get("/vp/?taal=en").get_data(as_text=True))
    assert "Meldingen zoeken en filteren" in dutch and "Meldingen zoeken en filteren" in DUTCH
    assert any(" ".join(s.split()) in dutch for s in DUTCH)


def test_the_inbox_with_its_filters_in_english(cases, browser, client):
    login(browser, "vp")
    answer = client.get("/vp/?taal=en")
    text = english(answer)
    html = answer.get_data(as_text=True)
    assert "<h1>Reports</h1>" in html and 'aria-label="Search and filter reports"' in html
    assert "1–3 of 3 reports, most urgent first." in text
    r = rows(html)
    assert "Overdue: acknowledgement of receipt" in r[cases["overdue"]] and "3 days overdue" in r[cases["overdue"]]
    assert "7 days left" in r[cases["soon"]] and "Not yet assessed" in r[cases["soon"]]
    assert "Received" in r[cases["soon"]]  # the state, through the catalogue
    assert "Suspected wrongdoing" in r[cases["later"]]
    assert "Message from the reporter awaits a reply" in r[cases["later"]]
    assert "New: message from reporter" in r[cases["later"]]
    # the filters' choices: states, kinds, deadlines
    assert ">Term within 7 days</option>" in html and ">Integrity question or dilemma</option>" in html
    assert ">Receipt acknowledged</option>" in html and ">All</option>" in html
    assert "Close the selected reports as unusable" in text and "Not a report (nonsense, test, advertising)" in text
    # the links carry the choice
    assert 'href="/vp/termijnen?taal=en"' in html

    filtered = english(client.get("/vp/?state=ontvangen&taal=en"))
    assert "1–2 of 2 reports (filtered; you have 3 in total), most urgent first." in filtered
    assert "No reports found with these filters." in english(client.get("/vp/?state=afgesloten&taal=en"))
    refused = english(client.get("/vp/?state=verzonnen&taal=en"), 400)
    assert "Unknown status; choose one from the list." in refused
    assert "That page does not exist." in english(client.get("/vp/?pagina=twee&taal=en"), 400)


def test_a_counsellor_without_access_is_told_in_english(cases, town, browser, client):
    town.staff("deventer", email="nieuw@deventer.example", name="Nieuwe Collega")
    browser.login_counsellor("nieuw@deventer.example")
    text = english(client.get("/vp/?taal=en"))
    assert "There are 3 reports in your organisation, but none has been shared with you yet." in text
    assert "Who can: Vp, Vp2." in text and "No reports have been shared with you." in text


def test_the_start_page_of_an_authority_member_and_an_administrator(town, browser, client):
    login(browser, "burgemeester")
    text = english(client.get("/vp/start?taal=en"))
    assert "As a member of the competent authority you see only the files" in text and "Files" in text
    client.delete_cookie("whistle")
    login(browser, "beheer")
    text = english(client.get("/vp/start?taal=en"))
    assert "As administrator you manage accounts and settings." in text and "Log out" in text


def test_the_deadlines_in_english(cases, browser, client):
    login(browser, "vp")
    answer = client.get("/vp/termijnen?taal=en")
    text = english(answer)
    html = answer.get_data(as_text=True)
    assert "<h1>Deadlines</h1>" in html and "<h2>Overdue</h2>" in html and "<h2>This week</h2>" in html
    overdue = html[html.index("<h2>Overdue</h2>"):html.index("<h2>This week</h2>")]
    assert cases["overdue"] in overdue and "Acknowledgement of receipt" in overdue and "3 days overdue" in overdue
    assert "in 7 days" in text or "tomorrow" in text or "today" in text
    assert "Today is " in text


def test_a_notice_after_an_action_and_the_upcoming_deletions_in_english(cases, browser, client, clock, db):
    login(browser, "vp")
    done = browser.submit("/vp/opschonen", {"ref": cases["soon"], "reason": "geen_melding"}, form_page="/vp/")
    assert done.status_code == 302 and "klaar=afgesloten_onbruikbaar" in done.headers["Location"]
    text = english(client.get(done.headers["Location"] + "&taal=en"))
    assert "The selected reports have been closed as unusable." in text
    # the same notice in Dutch without the choice
    assert "De gekozen meldingen zijn afgesloten als onbruikbaar." in client.get(done.headers["Location"]).get_data(
        as_text=True)

    with db() as s:
        closed_on = s.scalar(select(Case.closed_on).where(Case.ref == cases["soon"]))
    advance_to(clock, closed_on + timedelta(days=TERM - 7))
    login(browser, "vp")  # the staff session ended meanwhile
    answer = client.get("/vp/bewaartermijnen?taal=en")
    text = english(answer)
    assert "<h1>Deleted soon</h1>" in answer.get_data(as_text=True)
    row = re.search(rf"<tr>\s*<td><a[^>]*>{cases['soon']}</a></td>(.*?)</tr>", answer.get_data(as_text=True), re.S)
    assert row and "Closed" in row.group(1)
    assert "Closed cases whose retention period ends within 30 days." in text
