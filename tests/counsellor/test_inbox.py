"""The inbox is where the day starts (issue 13): most urgent first, the subject and the kind,
the next deadline with the days left and overdue in words, a marker when the melder wrote last,
filters, a search by reference, pages; a counsellor without access is told who can share."""
import re

import pytest
from sqlalchemy import select

from tests.authority.conftest import email
from whistle.models import Case
from whistle.services.counsellor import inbox as inbox_service
from whistle.services.lifecycle import transition


def page(r) -> str:
    return r.get_data(as_text=True)


def login(browser, who):
    r = browser.login_counsellor(email(who))
    assert r.status_code == 302, page(r)


def order(html: str, refs: list[str]) -> list[str]:
    return sorted(refs, key=lambda ref: html.index(f">{ref}</a>"))


def rows(html: str) -> dict[str, str]:
    """Each row's text by its reference."""
    out = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S):
        m = re.search(r">(M-[0-9A-Z-]+)</a>", row)
        if m:
            out[m.group(1)] = " ".join(re.sub(r"<[^>]+>", " ", row).split())
    return out


@pytest.fixture
def cases(town, reporter_api, clock, db, use_case, as_staff):
    """overdue: received 10 days ago, not acknowledged; soon: received today (ack in 7 days);
    later: received today and acknowledged (feedback in weeks), triaged, the melder wrote last."""
    first = reporter_api("deventer")
    first.submit({"what": "Oudste melding."})
    clock.advance(days=10)
    reporter_api("deventer").submit({"what": "Nieuwe melding."})
    later = reporter_api("deventer")
    later.submit({"what": "Beantwoorde melding.", "category": "misleiding_justitie"})
    with db() as s:
        overdue, soon, late = [c.ref for c in s.scalars(select(Case).order_by(Case.id))]
    with db() as s:
        principal = as_staff(s, "vp")
        transition(use_case(s), late, "acknowledge", principal)
        transition(use_case(s), late, "triage", principal, kind="vermoeden_misstand", meldingswaardig=True,
                   category="misleiding_justitie")
        from whistle.services.counsellor import case as counsellor
        counsellor.reply(use_case(s), principal, late, "Wanneer was dit?")
    later.log_in()
    later.send_message("Vorige week dinsdag.")
    return {"overdue": overdue, "soon": soon, "later": late}


def test_most_urgent_first_with_subject_deadline_and_new_answer(cases, browser, client):
    login(browser, "vp")
    html = page(client.get("/vp/"))
    assert order(html, list(cases.values())) == [cases["overdue"], cases["soon"], cases["later"]]
    r = rows(html)
    assert "Te laat: ontvangstbevestiging" in r[cases["overdue"]] and "3 dagen te laat" in r[cases["overdue"]]
    assert "nog 7 dagen" in r[cases["soon"]] and "Nog niet beoordeeld" in r[cases["soon"]]
    assert "Misleiding" in r[cases["later"]] and "Vermoeden van een misstand".lower() in r[cases["later"]].lower()
    assert "Bericht van de melder" in r[cases["later"]]
    assert "Bericht van de melder" not in r[cases["soon"]]
    assert "1–3 van 3 meldingen" in html
    assert "Vorige week dinsdag" not in html  # metadata only


def test_filters_and_search(cases, browser, client):
    login(browser, "vp")

    def shown(query):
        return set(rows(page(client.get(f"/vp/?{query}"))))
    assert shown("state=ontvangen") == {cases["overdue"], cases["soon"]}
    assert shown("deadline=verstreken") == {cases["overdue"]}
    assert shown("deadline=deze_week") == {cases["soon"]}
    assert shown("category=misleiding_justitie") == {cases["later"]}
    assert shown("kind=vermoeden_misstand") == {cases["later"]}
    assert shown(f"ref={cases['soon'][-4:].lower()}") == {cases["soon"]}
    assert shown("state=ontvangen&deadline=verstreken") == {cases["overdue"]}
    empty = page(client.get("/vp/?state=afgesloten"))
    assert "Geen meldingen gevonden met deze filters." in empty
    for bad, words in (("state=verzonnen", "Onbekende status"), ("deadline=gisteren", "Onbekende keuze"),
                       ("category=<b>x</b>", "Onbekend onderwerp"), ("pagina=twee", "Die pagina bestaat niet"),
                       ("pagina=9", "Die pagina bestaat niet")):
        refused = client.get(f"/vp/?{bad}")
        assert refused.status_code == 400 and words in page(refused), bad
        assert len(rows(page(refused))) == 3  # the unfiltered list still shows


def test_pages_keep_the_filters(cases, browser, client, monkeypatch):
    monkeypatch.setattr(inbox_service, "PAGE_SIZE", 2)
    login(browser, "vp")
    first = page(client.get("/vp/"))
    assert set(rows(first)) == {cases["overdue"], cases["soon"]} and "Pagina 1 van 2" in first
    assert 'href="/vp/?pagina=2"' in first
    second = page(client.get("/vp/?pagina=2"))
    assert set(rows(second)) == {cases["later"]} and "3–3 van 3" in second and 'href="/vp/"' in second
    assert "Pagina 1 van" not in page(client.get("/vp/?state=ontvangen"))  # two fit on one page
    monkeypatch.setattr(inbox_service, "PAGE_SIZE", 1)
    filtered = page(client.get("/vp/?state=ontvangen"))
    assert set(rows(filtered)) == {cases["overdue"]} and 'href="/vp/?state=ontvangen&amp;pagina=2"' in filtered
    assert set(rows(page(client.get("/vp/?state=ontvangen&pagina=2")))) == {cases["soon"]}


def test_a_counsellor_without_access_is_told_who_can_share(cases, town, browser, client):
    town.staff("deventer", email="nieuw@deventer.example", name="Nieuwe Collega")
    browser.login_counsellor("nieuw@deventer.example")
    html = page(client.get("/vp/"))
    assert "Er zijn geen meldingen." not in html and rows(html) == {}
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Er zijn 3 meldingen in uw organisatie, maar nog geen enkele is met u gedeeld." in text
    assert "Dat kan: Vp, Vp2." in text
    # Once one is shared, the count of the others stays.
    client.delete_cookie("whistle")
    login(browser, "vp")
    from tests.authority.conftest import staff_id
    case_page = f"/vp/zaak/{cases['soon']}"
    nieuw = staff_id(town.db, "nieuw@deventer.example")
    assert browser.submit(f"{case_page}/toegang", {"action": "grant", "staff": str(nieuw)},
                          form_page=case_page).status_code == 302
    client.delete_cookie("whistle")
    browser.login_counsellor("nieuw@deventer.example")
    text = " ".join(re.sub(r"<[^>]+>", " ", page(client.get("/vp/"))).split())
    assert "Nog 2 meldingen van uw organisatie zijn niet met u gedeeld." in text


def test_a_long_filtered_list_is_counted_up_to_a_cap_and_still_pages(cases, browser, client, monkeypatch):
    """At 100,000 cases a filtered count stops at COUNT_CAP: the page says "meer dan" and the
    pager offers the next page as long as there is one (issue 13.1, performance)."""
    monkeypatch.setattr(inbox_service, "PAGE_SIZE", 1)
    monkeypatch.setattr(inbox_service, "COUNT_CAP", 1)
    login(browser, "vp")
    first = page(client.get("/vp/?state=ontvangen"))
    text = " ".join(re.sub(r"<[^>]+>", " ", first).split())
    assert set(rows(first)) == {cases["overdue"]} and "1–1 van meer dan 1 melding" in text
    assert "Pagina 1 " in text and "Pagina 1 van" not in text
    assert 'href="/vp/?state=ontvangen&amp;pagina=2"' in first
    second = page(client.get("/vp/?state=ontvangen&pagina=2"))
    text = " ".join(re.sub(r"<[^>]+>", " ", second).split())
    assert set(rows(second)) == {cases["soon"]} and "2–2 van 2 meldingen" in text and "Volgende pagina" not in text
    beyond = client.get("/vp/?state=ontvangen&pagina=3")
    assert beyond.status_code == 400 and "Die pagina bestaat niet" in page(beyond)


def test_the_unprobed_walk_never_lists_a_case_without_the_member_s_key(cases, town, browser, client, use_case,
                                                                       db, as_staff, monkeypatch):
    """When the counts say the member holds every case, the walk skips the key probe; the rows
    are still checked, so a count that is wrong (a case arriving meanwhile) lists nothing extra."""
    town.staff("deventer", email="nieuw@deventer.example", name="Nieuwe Collega")
    from tests.authority.conftest import staff_id
    from whistle.services.counsellor import sharing
    with db() as s:
        sharing.grant(use_case(s), as_staff(s, "vp"), cases["soon"], staff_id(db, "nieuw@deventer.example"))
    monkeypatch.setattr(inbox_service, "_not_shared", lambda session, staff, mine: (0, []))
    browser.login_counsellor("nieuw@deventer.example")
    assert set(rows(page(client.get("/vp/")))) == {cases["soon"]}
    assert set(rows(page(client.get("/vp/?state=ontvangen")))) == {cases["soon"]}
