"""The counsellor's pages without JavaScript: the list of upcoming deletions, and the case page's
bewaartermijn with its extend form."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.retention.test_purge import TERM, advance_to
from whistle.models import Case, RetentionExtension

REASON = "Klacht over de afhandeling loopt nog bij de Nationale ombudsman."


def test_upcoming_deletions_and_extending_on_the_case_page(closed, browser, db, clock):
    due = closed.closed_on + timedelta(days=TERM)
    advance_to(clock, due - timedelta(days=7))
    assert browser.login_counsellor("vp@deventer.example").status_code == 302
    page = browser.client.get("/vp/bewaartermijnen").get_data(as_text=True)
    assert closed.ref in page and "Binnenkort verwijderd" in page
    assert f'href="/vp/zaak/{closed.ref}#bewaartermijn"' in page
    case_page = browser.client.get(f"/vp/zaak/{closed.ref}").get_data(as_text=True)
    assert "Bewaartermijn" in case_page and f"/vp/zaak/{closed.ref}/bewaren" in case_page

    # A refusal shows the reason on the case page, keeps what was typed, and stores nothing.
    too_early = browser.submit(f"/vp/zaak/{closed.ref}/bewaren", {"until": due.isoformat(), "reason": REASON},
                               form_page=f"/vp/zaak/{closed.ref}")
    text = too_early.get_data(as_text=True)
    assert too_early.status_code == 400 and "na de huidige verwijderdatum" in text and REASON in text
    with db() as s:
        assert s.scalar(select(RetentionExtension.id)) is None

    until = due + timedelta(days=60)
    r = browser.submit(f"/vp/zaak/{closed.ref}/bewaren", {"until": until.isoformat(), "reason": REASON},
                       form_page=f"/vp/zaak/{closed.ref}")
    assert r.status_code == 302
    case_page = browser.client.get(f"/vp/zaak/{closed.ref}").get_data(as_text=True)
    assert REASON in case_page
    with db() as s:
        assert s.scalar(select(Case.retain_until).where(Case.ref == closed.ref)) == until
    # No longer within 30 days: off the list.
    assert closed.ref not in browser.client.get("/vp/bewaartermijnen").get_data(as_text=True)


def test_the_extend_form_needs_its_csrf_token(closed, browser, db, clock):
    advance_to(clock, closed.closed_on + timedelta(days=TERM - 3))
    browser.login_counsellor("vp@deventer.example")
    r = browser.client.post(f"/vp/zaak/{closed.ref}/bewaren",
                            data={"until": (clock.today() + timedelta(days=60)).isoformat(), "reason": REASON})
    assert r.status_code == 400
    with db() as s:
        assert s.scalar(select(Case.retain_until).where(Case.ref == closed.ref)) is None


def test_an_open_case_page_has_no_bewaartermijn(melding, browser):
    browser.login_counsellor("vp@deventer.example")
    page = browser.client.get(f"/vp/zaak/{melding.ref}").get_data(as_text=True)
    assert page.count("Bewaartermijn") == 1  # only the menu's link to the list
    assert f"/vp/zaak/{melding.ref}/bewaren" not in page and 'id="bewaartermijn"' not in page
