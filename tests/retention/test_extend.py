"""The counsellor's side: upcoming deletions, and postponing one with a reason that is sealed
under the case key. Refusals are specific and change nothing."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

import crypto
from tests.retention.test_purge import TERM, advance_to
from whistle.domain.retention import MAX_EXTENSION_DAYS
from whistle.models import AuditEvent, Case, RetentionExtension
from whistle.services.operations import retention
from whistle.services.cases import staff_case_key
from whistle.services.errors import Forbidden, InvalidInput, NotFound

REASON = "Lopend onderzoek van de politie naar de aanbesteding; dossier nog nodig."


def snapshot(db, ref):
    with db() as s:
        case = s.scalar(select(Case).where(Case.ref == ref))
        return (case.retain_until, s.scalar(select(func.count()).select_from(RetentionExtension)),
                s.scalar(select(func.count()).select_from(AuditEvent)))


def test_upcoming_deletions_show_the_counsellors_closed_cases_in_the_window(closed, db, clock, as_staff):
    due = closed.closed_on + timedelta(days=TERM)
    advance_to(clock, due - timedelta(days=31))
    with db() as s:
        assert retention.upcoming(s, as_staff(s), clock.today()) == []
    clock.advance(days=1)
    with db() as s:
        [u] = retention.upcoming(s, as_staff(s), clock.today())
        assert (u.case.ref, u.delete_on) == (closed.ref, due)
        assert [x.case.ref for x in retention.upcoming(s, as_staff(s, "vp2"), clock.today())] == [closed.ref]
        # Only cases whose key one holds: another organisation's counsellor sees none.
        assert retention.upcoming(s, as_staff(s, "vp@samenwerking.example"), clock.today()) == []
        with pytest.raises(Forbidden):
            retention.upcoming(s, as_staff(s, "burgemeester"), clock.today())


def test_an_extension_with_a_reason_postpones_the_deletion(closed, db, use_case, clock, settings, factory, as_staff):
    due = closed.closed_on + timedelta(days=TERM)
    advance_to(clock, due - timedelta(days=10))
    until = due + timedelta(days=90)
    with db() as s:
        assert retention.extend(use_case(s), as_staff(s), closed.ref, until.isoformat(), f"  {REASON} ") == until
    with db() as s:
        case = s.scalar(select(Case).where(Case.ref == closed.ref))
        assert case.retain_until == until and retention.delete_on(case) == until
        ext = s.scalar(select(RetentionExtension))
        assert REASON.encode() not in ext.ciphertext and (ext.extended_on, ext.until) == (clock.today(), until)
        vp = as_staff(s)
        key = staff_case_key(s, case, vp.staff, vp.secret_key)
        assert crypto.open_record(key, "retention", case.locator.hex(), ext.ciphertext)["reason"] == REASON
        view = retention.case_view(s, vp, case, clock.today())
        assert view.delete_on == until and [e.reason for e in view.extensions] == [REASON]
        event = s.scalar(select(AuditEvent).where(AuditEvent.event == "retention_extended"))
        assert event.actor == "vp@deventer.example" and REASON not in event.details
        assert json.loads(event.details) == {"previous": due.isoformat(), "until": until.isoformat()}
    advance_to(clock, due)
    assert retention.run_daily(factory, settings, clock).deleted == []
    advance_to(clock, until)
    assert retention.run_daily(factory, settings, clock).deleted == [closed.ref]


@pytest.mark.parametrize("until, reason, field, words", [
    ("later", REASON, "until", "JJJJ-MM-DD"),
    ("", REASON, "until", "JJJJ-MM-DD"),
    ("DUE", REASON, "until", "na de huidige verwijderdatum"),
    ("TOO_FAR", REASON, "until", f"hoogstens {MAX_EXTENSION_DAYS} dagen"),
    ("FINE", "   ", "reason", "geef een reden"),
    ("FINE", "x" * 20001, "reason", "te lang"),
])
def test_refusals_name_the_field_and_change_nothing(closed, db, use_case, clock, as_staff, until, reason, field, words):
    due = closed.closed_on + timedelta(days=TERM)
    advance_to(clock, due - timedelta(days=5))
    until = {"DUE": due.isoformat(), "TOO_FAR": (clock.today() + timedelta(days=MAX_EXTENSION_DAYS + 1)).isoformat(),
             "FINE": (due + timedelta(days=30)).isoformat()}.get(until, until)
    before = snapshot(db, closed.ref)
    with db() as s, pytest.raises(InvalidInput) as refused:
        retention.extend(use_case(s), as_staff(s), closed.ref, until, reason)
    assert refused.value.field == field and words in refused.value.message
    assert "Er is niets gewijzigd" in refused.value.message
    assert snapshot(db, closed.ref) == before


def test_the_furthest_extension_is_a_year_from_today(closed, db, use_case, clock, as_staff):
    advance_to(clock, closed.closed_on + timedelta(days=TERM - 1))
    furthest = clock.today() + timedelta(days=MAX_EXTENSION_DAYS)
    with db() as s:
        assert retention.extend(use_case(s), as_staff(s), closed.ref, furthest, REASON) == furthest


def test_an_open_case_has_no_term_to_extend(melding, db, use_case, clock, as_staff):
    before = snapshot(db, melding.ref)
    with db() as s:
        case = s.scalar(select(Case).where(Case.ref == melding.ref))
        assert retention.case_view(s, as_staff(s), case, clock.today()) is None
        with pytest.raises(InvalidInput, match="alleen een afgesloten zaak"):
            retention.extend(use_case(s), as_staff(s), melding.ref, date(2027, 1, 1), REASON)
    assert snapshot(db, melding.ref) == before


def test_only_a_counsellor_with_the_key_may_extend(closed, db, use_case, clock, as_staff):
    before = snapshot(db, closed.ref)
    until = closed.closed_on + timedelta(days=TERM + 10)
    advance_to(clock, closed.closed_on + timedelta(days=TERM - 5))
    with db() as s:
        with pytest.raises(NotFound):
            retention.extend(use_case(s), as_staff(s, "vp@samenwerking.example"), closed.ref, until, REASON)
        with pytest.raises(Forbidden):
            retention.extend(use_case(s), as_staff(s, "burgemeester"), closed.ref, until, REASON)
        with pytest.raises(NotFound):
            retention.extend(use_case(s), as_staff(s), "M-XXXX-XXXX", until, REASON)
    assert snapshot(db, closed.ref) == before
