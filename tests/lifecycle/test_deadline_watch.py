"""The scheduler's deadline watch: overdue acknowledgements and feedback are recorded once,
whatever the number of runs or workers, and the counsellors get one reminder per due moment
at a real SMTP server, saying nothing but the reference and a link."""
import threading
from datetime import date

from sqlalchemy import select

from whistle.infra.db import make_engine, make_session_factory
from whistle.models import JobRun
from whistle.services.operations import deadlines_watch
from whistle.services.lifecycle import transition
from whistle.settings import MailSettings
from tests.lifecycle.conftest import MELDER_NAME, REPORT_TEXT, audit_events, case_row, free_port

VPS = ("vp@deventer.example", "vp2@deventer.example")


def overdue_events(db, ref):
    return [d for e, d in audit_events(db, ref) if e == "case_mark_overdue"]


def test_acknowledgement_due_soon_then_overdue_reminds_once_each_and_records_once(
        melding, engine, mail_settings, smtp, clock, db):
    inbox, _ = smtp
    factory = make_session_factory(engine)
    # Received 2 March, acknowledgement due 9 March; nothing yet on 6 March.
    clock.advance(days=4)
    assert deadlines_watch.watch(factory, mail_settings, clock).reminded == []
    # 7 March: due in two days, a reminder to each counsellor with a key; twice run, once sent.
    clock.advance(days=1)
    report = deadlines_watch.watch(factory, mail_settings, clock)
    assert sorted(email for _, email in report.reminded) == sorted(VPS) and report.overdue == []
    assert deadlines_watch.watch(factory, mail_settings, clock).reminded == []
    assert [len(inbox.to(vp)) for vp in VPS] == [1, 1]
    assert case_row(db, melding.ref).ack_reminded_on == date(2026, 3, 7)

    # 10 March: overdue. Recorded once and reminded once, however often the watch runs.
    clock.advance(days=3)
    report = deadlines_watch.watch(factory, mail_settings, clock)
    assert report.overdue == [(melding.ref, "acknowledgement")]
    for _ in range(2):
        again = deadlines_watch.watch(factory, mail_settings, clock)
        assert again.overdue == [] and again.reminded == [] and again.ok
    assert [len(inbox.to(vp)) for vp in VPS] == [2, 2]
    c = case_row(db, melding.ref)
    assert (c.state, c.ack_overdue_on, c.feedback_overdue_on) == ("ontvangen", date(2026, 3, 10), None)
    assert len(overdue_events(db, melding.ref)) == 1

    # 21 April, still not acknowledged: the feedback term has run out as well.
    clock.set(clock.now().replace(month=4, day=21))
    report = deadlines_watch.watch(factory, mail_settings, clock)
    assert report.overdue == [(melding.ref, "feedback")]
    assert deadlines_watch.watch(factory, mail_settings, clock).overdue == []
    assert case_row(db, melding.ref).feedback_overdue_on == date(2026, 4, 21)
    assert len(overdue_events(db, melding.ref)) == 2


def test_the_reminder_says_only_that_the_case_needs_attention(melding, engine, mail_settings, smtp, clock,
                                                               db, use_case, as_staff):
    inbox, _ = smtp
    with db() as s:
        transition(use_case(s), melding.ref, "acknowledge", as_staff(s))
        transition(use_case(s), melding.ref, "triage", as_staff(s), kind="integriteitsschending", meldingswaardig=True)
    clock.set(clock.now().replace(month=4, day=11))  # feedback due 13 April
    deadlines_watch.watch(make_session_factory(engine), mail_settings, clock)
    assert len(inbox.messages) == 2
    for recipients, text in inbox.messages:
        assert len(recipients) == 1 and recipients[0] in VPS
        assert melding.ref in text
        assert f"https://meldpunt.deventer.example/vp/zaak/{melding.ref}" in text
        assert "From: whistle@deventer.example" in text
        for leak in (REPORT_TEXT, "inkoop", "Stadhuis", MELDER_NAME, "jannie", "integriteitsschending",
                     "Integriteitsschending", "schending_regels_beleid", "Schending"):
            assert leak not in text


def test_an_extension_is_a_new_due_moment(melding, engine, mail_settings, smtp, clock, db, use_case, as_staff):
    inbox, _ = smtp
    factory = make_session_factory(engine)
    with db() as s:
        transition(use_case(s), melding.ref, "acknowledge", as_staff(s))
    clock.set(clock.now().replace(month=4, day=12))  # feedback due 13 April
    deadlines_watch.watch(factory, mail_settings, clock)
    assert len(inbox.to(VPS[0])) == 1
    with db() as s:
        transition(use_case(s), melding.ref, "extend_feedback", as_staff(s), until="2026-05-11", reason="Onderzoek.")
    deadlines_watch.watch(factory, mail_settings, clock)
    assert len(inbox.to(VPS[0])) == 1  # the new deadline is not near yet
    clock.set(clock.now().replace(month=5, day=9))
    deadlines_watch.watch(factory, mail_settings, clock)
    deadlines_watch.watch(factory, mail_settings, clock)
    assert len(inbox.to(VPS[0])) == 2
    assert overdue_events(db, melding.ref) == []


def test_a_failed_mail_is_tried_again_on_the_next_run(melding, engine, settings, mail_settings, smtp, clock, db):
    inbox, _ = smtp
    factory = make_session_factory(engine)
    clock.advance(days=5)
    nowhere = settings.with_(mail=MailSettings(host="127.0.0.1", port=free_port()))
    report = deadlines_watch.watch(factory, nowhere, clock)
    assert report.failures and report.reminded == []
    assert case_row(db, melding.ref).ack_reminded_on is None
    report = deadlines_watch.watch(factory, mail_settings, clock)
    assert report.ok and len(report.reminded) == 2 and len(inbox.messages) == 2


def test_the_daily_run_claims_its_day_once_across_workers(melding, engine, settings, mail_settings, smtp, clock, db):
    inbox, _ = smtp
    clock.advance(days=8)  # acknowledgement overdue
    engines = [make_engine(settings.database_url) for _ in range(2)]
    results, errors = [], []
    barrier = threading.Barrier(2)

    def worker(e):
        try:
            barrier.wait()
            results.append(deadlines_watch.run_daily(make_session_factory(e), mail_settings, clock))
        except Exception as exc:  # surfaced below
            errors.append(exc)
    threads = [threading.Thread(target=worker, args=(e,)) for e in engines]
    [t.start() for t in threads]
    [t.join(60) for t in threads]
    [e.dispose() for e in engines]
    assert errors == []
    assert sorted(r is None for r in results) == [False, True]
    assert len(overdue_events(db, melding.ref)) == 1
    assert [len(inbox.to(vp)) for vp in VPS] == [1, 1]
    with db() as s:
        assert list(s.scalars(select(JobRun.run_on))) == [date(2026, 3, 10)]
    # Later ticks the same day find the day taken.
    assert deadlines_watch.run_daily(make_session_factory(engine), mail_settings, clock) is None


def test_two_watches_racing_without_the_day_claim_still_record_once(melding, engine, settings, mail_settings,
                                                                     smtp, clock, db):
    inbox, _ = smtp
    clock.advance(days=8)
    engines = [make_engine(settings.database_url) for _ in range(2)]
    reports, errors = [], []
    barrier = threading.Barrier(2)

    def worker(e):
        try:
            barrier.wait()
            reports.append(deadlines_watch.watch(make_session_factory(e), mail_settings, clock))
        except Exception as exc:
            errors.append(exc)
    threads = [threading.Thread(target=worker, args=(e,)) for e in engines]
    [t.start() for t in threads]
    [t.join(60) for t in threads]
    [e.dispose() for e in engines]
    assert errors == []
    assert sum(len(r.overdue) for r in reports) == 1
    assert len(overdue_events(db, melding.ref)) == 1
    assert [len(inbox.to(vp)) for vp in VPS] == [1, 1]
