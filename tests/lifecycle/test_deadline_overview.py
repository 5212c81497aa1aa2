"""The counsellor's deadline overview (issue 13.2): overdue, due this week and next week across
the cases they hold a key to, in words and dates (not colour alone), and the same lines in the
reminder mail: references and dates only."""
from sqlalchemy import select

from whistle.infra.db import make_session_factory
from whistle.models import Staff
from whistle.services.counsellor import deadlines
from whistle.services.lifecycle import transition
from whistle.services.operations import deadlines_watch
from tests.lifecycle.conftest import MELDER_NAME, REPORT_TEXT


def section(html: str, title: str) -> str:
    start = html.index(f"<h2>{title}</h2>")
    end = html.find("<h2>", start + 1)
    return html[start:end if end > 0 else None]


def test_the_overview_groups_by_week_and_says_the_days_in_words(melding, browser, client, clock, db,
                                                                 use_case, as_staff):
    # Received Monday 2 March 2026; the acknowledgement is due Monday 9 March: next week.
    browser.login_counsellor("vp@deventer.example")
    html = client.get("/vp/termijnen").get_data(as_text=True)
    nxt = section(html, "Volgende week")
    assert melding.ref in nxt and "Ontvangstbevestiging" in nxt and "09-03-2026" in nxt and "over 7 dagen" in nxt
    assert melding.ref not in section(html, "Te laat") and melding.ref not in section(html, "Deze week")
    assert REPORT_TEXT not in html and MELDER_NAME not in html
    clock.set(clock.now().replace(day=9))
    browser.login_counsellor("vp@deventer.example")  # the staff session ended meanwhile
    assert "vandaag" in section(client.get("/vp/termijnen").get_data(as_text=True), "Deze week")
    clock.set(clock.now().replace(day=11))
    browser.login_counsellor("vp@deventer.example")
    late = section(client.get("/vp/termijnen").get_data(as_text=True), "Te laat")
    assert melding.ref in late and "2 dagen te laat" in late and "<strong>" in late
    with db() as s:
        transition(use_case(s), melding.ref, "acknowledge", as_staff(s))
    html = client.get("/vp/termijnen").get_data(as_text=True)
    assert melding.ref not in html and "niets is te laat" in html  # feedback due 13 April: not yet


def test_only_the_cases_one_holds_a_key_to(melding, world, db, clock):
    world.org("senzer", name="Senzer")
    world.staff("senzer", email="vp@senzer.example")
    with db() as s:
        other = s.scalar(select(Staff.id).where(Staff.email == "vp@senzer.example"))
        mine = s.scalar(select(Staff.id).where(Staff.email == "vp@deventer.example"))
        assert not deadlines.overview(s, other, clock.today())
        found = deadlines.overview(s, mine, clock.today())
    assert [i.ref for i in found.next_week] == [melding.ref]


def test_the_reminder_mail_carries_the_overview_in_references_and_dates(melding, engine, mail_settings, smtp,
                                                                        clock, db):
    inbox, _ = smtp
    clock.advance(days=5)  # Saturday 7 March: the acknowledgement is due in two days
    deadlines_watch.watch(make_session_factory(engine), mail_settings, clock)
    assert len(inbox.messages) == 2
    for _recipients, text in inbox.messages:
        assert "Uw termijnen:" in text and "Volgende week:" in text
        assert f"- {melding.ref}: ontvangstbevestiging 09-03-2026 (over 2 dagen)" in text
        assert "https://meldpunt.deventer.example/vp/termijnen" in text
        for leak in (REPORT_TEXT, "Stadhuis", MELDER_NAME, "jannie", "schending_regels_beleid"):
            assert leak not in text
