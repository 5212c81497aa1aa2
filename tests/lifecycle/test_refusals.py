"""Bad input and disallowed steps: a clear error naming the field, and nothing changed."""
from datetime import date

import pytest
from sqlalchemy import func, select

from whistle.models import Case, Record
from whistle.services.melder import case as reporter
from whistle.services.errors import Forbidden, InvalidInput, NotFound
from whistle.services.lifecycle import SCHEDULER, transition
from tests.lifecycle.conftest import audit_count, case_row

COLUMNS = ("state", "acknowledged_on", "ack_due", "feedback_due", "feedback_maximum", "feedback_extended_to",
           "feedback_given_on", "closed_on", "category", "meldingswaardig", "melder_disagrees_on",
           "ack_overdue_on", "feedback_overdue_on")


def snapshot(db, ref):
    c = case_row(db, ref)
    with db() as s:
        records = s.scalar(select(func.count(Record.id)).where(Record.case_id == c.id))
    return {k: getattr(c, k) for k in COLUMNS}, records, audit_count(db)


def refused(db, use_case, ref, event, principal_of, field, **facts) -> InvalidInput:
    """Fire through the service in a unit of work; assert the refusal names `field` and that
    the case, its records and the audit trail are exactly as before."""
    before = snapshot(db, ref)
    with pytest.raises(InvalidInput) as exc:
        with db() as s:
            transition(use_case(s), ref, event, principal_of(s), **facts)
    assert exc.value.field == field, exc.value.message
    assert snapshot(db, ref) == before
    return exc.value


def fire(db, use_case, ref, event, principal_of, **facts):
    with db() as s:
        return transition(use_case(s), ref, event, principal_of(s), **facts)


def test_a_step_the_table_does_not_allow_changes_nothing(melding, db, use_case, as_staff):
    err = refused(db, use_case, melding.ref, "close", as_staff, "event")
    assert "Melding afsluiten" in err.message and "Ontvangen" in err.message
    refused(db, use_case, melding.ref, "give_feedback", as_staff, "event", text="Klaar.")
    refused(db, use_case, melding.ref, "decide", as_staff, "event", decision="onderzoek", motivation="x")


def test_an_unknown_event_is_named(melding, db, use_case, as_staff):
    err = refused(db, use_case, melding.ref, "explode", as_staff, "event")
    assert "explode" in err.message


def test_triage_needs_a_kind_and_a_yes_or_no(melding, db, use_case, as_staff):
    fire(db, use_case, melding.ref, "acknowledge", as_staff)
    refused(db, use_case, melding.ref, "triage", as_staff, "kind", meldingswaardig="ja")
    refused(db, use_case, melding.ref, "triage", as_staff, "kind", kind="fraude", meldingswaardig="ja")
    refused(db, use_case, melding.ref, "triage", as_staff, "meldingswaardig", kind="ongewenst_gedrag", meldingswaardig="misschien")


def test_an_extension_past_the_statutory_maximum_is_refused(melding, db, use_case, as_staff):
    fire(db, use_case, melding.ref, "acknowledge", as_staff)
    c = case_row(db, melding.ref)
    assert c.feedback_maximum == date(2026, 6, 2)
    err = refused(db, use_case, melding.ref, "extend_feedback", as_staff, "until", until="2026-06-03", reason="Drukte.")
    assert "2026-06-02" in err.message
    refused(db, use_case, melding.ref, "extend_feedback", as_staff, "until", until="2026-04-01", reason="Eerder?")
    refused(db, use_case, melding.ref, "extend_feedback", as_staff, "until", until="3 juni", reason="Drukte.")
    refused(db, use_case, melding.ref, "extend_feedback", as_staff, "reason", until="2026-06-02", reason="  ")
    # The maximum itself is allowed, once.
    fire(db, use_case, melding.ref, "extend_feedback", as_staff, until="2026-06-02", reason="Extern onderzoek.")
    err = refused(db, use_case, melding.ref, "extend_feedback", as_staff, "event", until="2026-06-01", reason="Nog eens.")
    assert "not_yet_extended" in err.message


def test_no_extension_once_the_feedback_deadline_has_passed(melding, db, use_case, clock, as_staff):
    fire(db, use_case, melding.ref, "acknowledge", as_staff)
    clock.advance(weeks=7)
    refused(db, use_case, melding.ref, "extend_feedback", as_staff, "today", until="2026-05-20", reason="Te laat.")


def test_actors_outside_the_table_or_the_case_are_refused(melding, deventer, db, use_case, as_staff):
    melder = lambda s: reporter.ReporterContext(case_row(db, melding.ref), b"", None)
    refused(db, use_case, melding.ref, "acknowledge", melder, "event")
    refused(db, use_case, melding.ref, "mark_overdue", as_staff, "event", deadline="acknowledgement")
    # The scheduler may mark a deadline only once it has passed.
    refused(db, use_case, melding.ref, "mark_overdue", lambda s: SCHEDULER, "deadline", deadline="acknowledgement")

    # A counsellor who holds no key to the case sees no case; an admin takes no steps.
    deventer.staff(email="later@deventer.example")
    deventer.staff(role="admin", email="admin@deventer.example")
    with pytest.raises(NotFound), db() as s:
        transition(use_case(s), melding.ref, "acknowledge", as_staff(s, "later@deventer.example"))
    with pytest.raises(Forbidden), db() as s:
        transition(use_case(s), melding.ref, "acknowledge", as_staff(s, "admin@deventer.example"))
    with pytest.raises(NotFound), db() as s:
        transition(use_case(s), "M-0000-0000", "acknowledge", as_staff(s))
    assert case_row(db, melding.ref).state == "ontvangen"


def test_a_melder_can_only_move_their_own_case(melding, browser, db, use_case):
    other = browser.submit("/o/deventer/melden", {"what": "Een andere melding"})
    assert other.status_code == 200
    with db() as s:
        refs = set(s.scalars(select(Case.ref)))
    other_ref = (refs - {melding.ref}).pop()
    melder = lambda s: reporter.ReporterContext(case_row(db, other_ref), b"", None)
    with pytest.raises(NotFound), db() as s:
        transition(use_case(s), melding.ref, "withdraw", melder(s))
    assert case_row(db, melding.ref).state == "ontvangen"


def test_the_counsellor_page_shows_a_refusal_and_changes_nothing(melding, browser, db):
    browser.login_counsellor("vp@deventer.example")
    r = browser.submit(f"/vp/zaak/{melding.ref}/stap/close", {}, form_page=f"/vp/zaak/{melding.ref}")
    assert r.status_code == 400
    assert "niet mogelijk" in r.get_data(as_text=True)
    browser.submit(f"/vp/zaak/{melding.ref}/stap/acknowledge", {}, form_page=f"/vp/zaak/{melding.ref}")
    before = snapshot(db, melding.ref)[0]
    r = browser.submit(f"/vp/zaak/{melding.ref}/stap/extend_feedback", {"until": "2026-12-31", "reason": "Lang."},
                       form_page=f"/vp/zaak/{melding.ref}")
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and "until" in page and "2026-06-02" in page
    assert 'value="2026-12-31"' in page  # the form keeps what was typed
    assert snapshot(db, melding.ref)[0] == before


def test_two_extensions_racing_leave_one(melding, db, use_case, clock, as_staff):
    """Both requests read the case before either writes: the second claim finds the
    extension already there and is refused as a conflict, changing nothing."""
    from whistle.services.errors import Conflict
    fire(db, use_case, melding.ref, "acknowledge", as_staff)
    with db() as first, db() as second:
        a, b = as_staff(first), as_staff(second)
        transition(use_case(first), melding.ref, "extend_feedback", a, until="2026-05-01", reason="Eerste.")
        case_in_second = second.scalars(select(Case).where(Case.ref == melding.ref)).one()
        assert case_in_second.feedback_extended_to is None  # read before the first commits
        first.commit()
        with pytest.raises(Conflict):
            transition(use_case(second), case_in_second, "extend_feedback", b, until="2026-05-20", reason="Tweede.")
        second.rollback()
    assert case_row(db, melding.ref).feedback_extended_to == date(2026, 5, 1)
