"""Issue 16.1: a mail to staff is written in the member's own language (staff.language, set at
their login). The deadline watch runs from the scheduler with no request and no application context:
the reminder is translated all the same, at a real SMTP server; and inside a request for a
Dutch page, an English-reading member still gets English."""
from __future__ import annotations

from flask import has_app_context
from sqlalchemy import update

from whistle.infra.db import make_session_factory
from whistle.models import Staff
from whistle.services import recipient_log
from whistle.services.counsellor import escalation
from whistle.services.operations import deadlines_watch
from tests.lifecycle.conftest import MELDER_NAME, REPORT_TEXT

EN, NL = "vp@deventer.example", "vp2@deventer.example"


def reads(db, who: str, language: str) -> None:
    with db() as s:
        s.execute(update(Staff).where(Staff.email == who).values(language=language))
        s.commit()


def test_a_counsellor_reading_english_gets_an_english_reminder_and_one_reading_dutch_a_dutch_one(
        melding, engine, mail_settings, smtp, clock, db):
    inbox, _ = smtp
    reads(db, EN, "en")
    clock.advance(days=5)  # 7 March: the acknowledgement is due in two days
    assert not has_app_context()  # as in the scheduler's thread and `whistle scheduler --once`
    report = deadlines_watch.watch(make_session_factory(engine), mail_settings, clock)
    assert sorted(e for _r, e in report.reminded) == [NL, EN]
    [english], [dutch] = inbox.to(EN), inbox.to(NL)
    assert f"Subject: Case {melding.ref} needs your attention" in english
    assert "View the case after logging in:" in english and "Your deadlines:" in english
    assert "Next week:" in english or "This week:" in english
    assert "acknowledgement of receipt 09-03-2026 (in 2 days)" in english
    assert "deliberately contains nothing about the content of the report" in english
    assert "Zaak" not in english and "termijnen:" not in english.lower().replace("/vp/termijnen", "")
    assert f"Subject: Zaak {melding.ref} vraagt uw aandacht" in dutch
    assert "Bekijk de zaak na het inloggen:" in dutch and "Uw termijnen:" in dutch
    assert "ontvangstbevestiging 09-03-2026 (over 2 dagen)" in dutch and "Case" not in dutch
    for text in (english, dutch):
        assert f"https://meldpunt.deventer.example/vp/zaak/{melding.ref}" in text
        assert REPORT_TEXT not in text and MELDER_NAME not in text
    assert not has_app_context()  # nothing was left pushed


def test_inside_a_dutch_request_the_member_language_still_decides(app, melding, engine, mail_settings, smtp,
                                                                   clock, db):
    inbox, _ = smtp
    reads(db, EN, "en")
    clock.advance(days=5)
    with app.test_request_context("/vp/?taal=nl"):
        deadlines_watch.watch(make_session_factory(engine), mail_settings, clock)
        from flask_babel import gettext
        assert gettext("Zaak %(ref)s", ref="X") == "Zaak X"  # the request's own language is given back
    assert "needs your attention" in inbox.to(EN)[0] and "vraagt uw aandacht" in inbox.to(NL)[0]


def test_the_other_mails_follow_the_member_language_too():
    subject, body = escalation.notice_text("https://meldpunt.example", "en")
    assert subject == "A dossier is waiting for you" and "https://meldpunt.example/bg/" in body
    assert escalation.notice_text("https://meldpunt.example", "nl")[0] == "Er staat een dossier voor u klaar"
    assert escalation.notice_text("https://meldpunt.example", "xx")[0] == "Er staat een dossier voor u klaar"
    entry = recipient_log.Entry(3, None, "beheer", "endorsed", {"_chain": "recipients:deventer",
                                                                "fingerprint": "ab12"}, "h")
    subject, body = recipient_log.notice_text("https://meldpunt.example", [entry], "en")
    assert subject == "Change in who can read reports"
    assert "recipients:deventer#3: endorsed as recipient, fingerprint ab12" in body
    subject, body = recipient_log.notice_text("https://meldpunt.example", [entry], "nl")
    assert subject == "Wijziging in wie meldingen kan lezen"
    assert "recipients:deventer#3: erkend als ontvanger, vingerafdruk ab12" in body
