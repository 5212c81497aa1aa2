"""The terms of issue 15's procedures in the deadline pass, the deadline overview and the
reminder mail: the decision on a melder's complaint ('s-Hertogenbosch: the gemeentesecretaris
decides within the regeling's [complaint] term) and the proposal for a meeting the melder asked
for (the regeling's [meetings] proposal_days). Each is reminded once when it falls due soon and
once when it has passed, and not at all once decided or proposed; a failed mail is retried."""
import json
from datetime import date

from sqlalchemy import select

import crypto
from tests.authority.conftest import email as staff_email, make_staff
from tests.complaint.test_complaint_walk import to_feedback
from whistle.infra.db import make_session_factory
from whistle.models import AuditEvent, Case, CaseComplaint, CaseMeeting
from whistle.reporter_client import b64
from whistle.services.counsellor import deadlines
from whistle.services.counsellor import meeting as counsellor_meeting
from whistle.services.operations import deadlines_watch, procedure_reminders

ORG = "s-hertogenbosch"
VP = staff_email("vp", ORG)


def _setup(world):
    world.org(ORG, name="Gemeente 's-Hertogenbosch")
    make_staff(world, ORG, "vp", "counsellor", None)
    make_staff(world, ORG, "secretaris", "authority", "gemeentesecretaris")


def _reminder_events(db, event):
    with db() as s:
        return [(e.case_ref, e.details) for e in s.scalars(select(AuditEvent).where(AuditEvent.event == event))]


def test_a_complaints_decision_is_in_the_overview_and_reminded_soon_and_when_overdue(
        world, reporter_api, db, use_case, as_staff, clock, engine, mail_settings, smtp):
    inbox, _ = smtp
    _setup(world)
    api = reporter_api(ORG)
    api.submit({"what": "Mijn leidinggevende scheldt mij uit."})
    with db() as s:
        ref = s.scalars(select(Case.ref)).one()
    to_feedback(db, use_case, as_staff, ref)
    api.log_in()
    api.case()
    sealed = b64(crypto.seal_record(api.case_key, "message", api.keys.locator_hex,
                                    {"text": "Niet gehoord.", "purpose": "complaint", "event_on": None}))
    api._json("POST", "/api/v1/reporter/case/complaint", {"ciphertext": sealed}, expect=(201,))
    with db() as s:
        due = s.scalars(select(CaseComplaint.due)).one()
        staff_id = as_staff(s, VP).staff.id
    factory = make_session_factory(engine)

    with db() as s:
        found = deadlines.overview(s, staff_id, due)
    assert [(i.ref, i.what) for i in found.this_week] == [(ref, "Besluit op de klacht")]
    clock.set(clock.now().replace(year=due.year, month=due.month, day=due.day))
    clock.advance(days=-2)  # due soon (the pass's window: two days)
    inbox.messages.clear()
    report = deadlines_watch.watch(factory, mail_settings, clock)
    assert (ref, procedure_reminders.COMPLAINT) in report.followed_up
    (mail,) = inbox.to(VP)
    assert ref in mail and "besluit op de klacht" in mail and "Niet gehoord" not in mail
    assert (ref, procedure_reminders.COMPLAINT) not in deadlines_watch.watch(factory, mail_settings, clock).followed_up
    clock.advance(days=3)  # the day after the last day: overdue, reminded once more
    report = deadlines_watch.watch(factory, mail_settings, clock)
    assert (ref, procedure_reminders.COMPLAINT) in report.followed_up
    assert (ref, procedure_reminders.COMPLAINT) not in deadlines_watch.watch(factory, mail_settings, clock).followed_up
    details = [d for r, d in _reminder_events(db, "complaint_decision_reminder") if r == ref]
    assert [json.loads(d)["overdue"] for d in details] == [False, True]


def test_a_meetings_proposal_is_reminded_until_proposed_and_a_failed_mail_is_retried(
        world, reporter_api, db, use_case, as_staff, clock, engine, mail_settings, smtp, settings):
    inbox, _ = smtp
    _setup(world)
    api = reporter_api(ORG)
    api.submit({"what": "Er verdwijnt materiaal uit de werkplaats."})
    api.log_in()
    api._json("POST", "/api/v1/reporter/case/meeting", {"action": "request", "kind": "gesprek"}, expect=(201,))
    with db() as s:
        ref = s.scalars(select(Case.ref)).one()
        assert s.scalars(select(CaseMeeting.due)).one() == date(2026, 3, 9)
    factory = make_session_factory(engine)

    clock.advance(days=5)  # 7 March: due in two days
    broken = settings.with_(mail=mail_settings.mail.__class__(host="127.0.0.1", port=1, sender="x@example.org"),
                            base_url=mail_settings.base_url)
    failed = deadlines_watch.watch(factory, broken, clock)
    assert failed.failures and (ref, procedure_reminders.MEETING) not in failed.followed_up
    with db() as s:
        assert s.scalars(select(CaseMeeting.reminded_on)).one() is None  # the claim was given back
    report = deadlines_watch.watch(factory, mail_settings, clock)
    assert (ref, procedure_reminders.MEETING) in report.followed_up
    mails = inbox.to(VP)
    assert mails and ref in mails[-1] and "voorstel voor een gesprek 09-03-2026" in mails[-1]
    with db() as s:
        counsellor_meeting.propose(use_case(s), as_staff(s, VP), ref, {"proposal": "Maandag 9 maart, 10 uur."})
        s.commit()
    clock.advance(days=5)
    assert (ref, procedure_reminders.MEETING) not in deadlines_watch.watch(factory, mail_settings, clock).followed_up
    assert [r for r, _d in _reminder_events(db, "meeting_proposal_reminder")] == [ref]
