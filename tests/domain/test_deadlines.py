"""Deadlines: 7 days to acknowledge, the regeling's term for feedback, never past 3 months."""
from __future__ import annotations

from datetime import date, datetime, timezone

import holidays
import pytest

from whistle.domain.deadlines import (
    SIX_WEEKS, Deadlines, Due, Extension, FeedbackTerm, TermUnit, add_months, add_working_days,
    amsterdam_date, compute_deadlines, due_state, extend,
)
from whistle.domain.errors import DeadlineError, DomainError
from whistle.domain.regeling import load_regeling, organisations_dir


def test_the_acknowledgement_is_due_seven_calendar_days_after_receipt():
    assert compute_deadlines(SIX_WEEKS, date(2025, 3, 3)).acknowledgement == date(2025, 3, 10)


def test_deventer_gives_feedback_within_six_weeks_of_the_acknowledgement():
    deventer = load_regeling(organisations_dir() / "deventer.toml")
    deadlines = compute_deadlines(deventer.feedback_term, date(2025, 3, 3), acknowledged_on=date(2025, 3, 4))
    assert deadlines.feedback == date(2025, 4, 15)
    assert deadlines.feedback_maximum == date(2025, 6, 4)


def test_without_an_acknowledgement_the_term_runs_from_the_end_of_the_seven_day_window():
    deadlines = compute_deadlines(SIX_WEEKS, date(2025, 3, 3))
    assert deadlines.feedback == date(2025, 4, 21)
    assert deadlines.feedback_maximum == date(2025, 6, 10)


def test_an_acknowledgement_moves_the_feedback_date():
    late = compute_deadlines(SIX_WEEKS, date(2025, 3, 3))
    early = compute_deadlines(SIX_WEEKS, date(2025, 3, 3), acknowledged_on=date(2025, 3, 3))
    assert early.feedback == date(2025, 4, 14) < late.feedback


def test_a_late_acknowledgement_does_not_make_the_melder_wait_longer():
    on_time = compute_deadlines(SIX_WEEKS, date(2025, 3, 3))
    late = compute_deadlines(SIX_WEEKS, date(2025, 3, 3), acknowledged_on=date(2025, 3, 20))
    assert late == on_time


def test_an_acknowledgement_before_receipt_is_refused():
    with pytest.raises(DeadlineError) as refused:
        compute_deadlines(SIX_WEEKS, date(2025, 3, 3), acknowledged_on=date(2025, 3, 1))
    assert refused.value.field == "acknowledged_on"


def test_feedback_is_never_due_past_three_months_the_deadline_is_clamped():
    deadlines = compute_deadlines(FeedbackTerm(13, TermUnit.WEEKS), date(2025, 1, 25), acknowledged_on=date(2025, 2, 1))
    assert deadlines.feedback_maximum == date(2025, 5, 1)
    assert deadlines.feedback == date(2025, 5, 1) and deadlines.clamped
    assert not compute_deadlines(SIX_WEEKS, date(2025, 1, 25)).clamped


def test_a_working_days_term_stretched_by_the_spring_holidays_is_clamped_too():
    term = FeedbackTerm(63, TermUnit.WORKING_DAYS)
    assert term.within_statutory_maximum  # a regeling may say it ...
    deadlines = compute_deadlines(term, date(2025, 3, 3), acknowledged_on=date(2025, 3, 3))
    assert deadlines.feedback == deadlines.feedback_maximum == date(2025, 6, 3)  # ... but not overshoot
    assert deadlines.clamped


def test_three_months_after_30_november_is_the_end_of_february_also_in_a_leap_year():
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    deadlines = compute_deadlines(SIX_WEEKS, date(2027, 11, 30), acknowledged_on=date(2027, 11, 30))
    assert deadlines.feedback_maximum == date(2028, 2, 29)


def test_working_days_skip_christmas_and_new_year():
    # Tue 23 Dec 2025 + 3 working days: 24 Dec, (25, 26 Dec holidays, weekend), 29, 30 Dec.
    assert add_working_days(date(2025, 12, 23), 3) == date(2025, 12, 30)
    # Wed 31 Dec 2025 + 1: 1 Jan is a holiday, so Fri 2 Jan 2026.
    assert add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 2)


def test_working_days_skip_easter_ascension_and_whitsun_as_holidays_lists_them():
    nl = holidays.country_holidays("NL", years=2026)
    assert {date(2026, 4, 6), date(2026, 5, 14), date(2026, 5, 25)} <= set(nl)  # Tweede Paasdag, Hemelvaart, Tweede Pinksterdag
    # Thu 2 Apr 2026 + 2 working days: Good Friday 3 Apr and Easter Monday 6 Apr are skipped.
    assert add_working_days(date(2026, 4, 2), 2) == date(2026, 4, 8)
    # Wed 13 May 2026 + 1: Ascension Day 14 May is skipped.
    assert add_working_days(date(2026, 5, 13), 1) == date(2026, 5, 15)
    # Fri 22 May 2026 + 1: the weekend and Whit Monday 25 May are skipped.
    assert add_working_days(date(2026, 5, 22), 1) == date(2026, 5, 26)


def test_a_working_days_term_uses_the_dutch_holidays():
    term = FeedbackTerm.parse("10 werkdagen")
    assert term == FeedbackTerm(10, TermUnit.WORKING_DAYS)
    deadlines = compute_deadlines(term, date(2025, 12, 16), acknowledged_on=date(2025, 12, 16))
    # 17,18,19,22,23,24,29,30,31 Dec, 2 Jan (25, 26 Dec and 1 Jan are holidays).
    assert deadlines.feedback == date(2026, 1, 2)


def test_a_term_reads_from_words():
    assert FeedbackTerm.parse("6 weeks") == SIX_WEEKS == FeedbackTerm.parse("6 weken")
    assert FeedbackTerm.parse("30 working days").unit is TermUnit.WORKING_DAYS
    with pytest.raises(DeadlineError):
        FeedbackTerm.parse("six weeks")


def test_one_extension_with_a_reason_moves_the_feedback_deadline():
    deadlines = compute_deadlines(SIX_WEEKS, date(2025, 3, 3), acknowledged_on=date(2025, 3, 4))
    extended = extend(deadlines, date(2025, 5, 15), "Onderzoek door externe partij loopt nog", today=date(2025, 4, 1))
    assert extended.feedback == date(2025, 5, 15) and extended.extended
    assert extended.feedback_maximum == deadlines.feedback_maximum


def test_a_second_extension_is_refused():
    deadlines = compute_deadlines(SIX_WEEKS, date(2025, 3, 3), acknowledged_on=date(2025, 3, 4))
    extended = extend(deadlines, date(2025, 5, 15), "reden", today=date(2025, 4, 1))
    with pytest.raises(DeadlineError) as refused:
        extend(extended, date(2025, 5, 20), "nog een reden", today=date(2025, 4, 2))
    assert refused.value.field == "extension"
    assert isinstance(refused.value, DomainError)


@pytest.mark.parametrize("until, reason, today, field, message", [
    (date(2025, 5, 15), "  ", date(2025, 4, 1), "reason", "reason"),
    (date(2025, 4, 15), "reden", date(2025, 4, 1), "until", "after the current feedback deadline"),
    (date(2025, 6, 5), "reden", date(2025, 4, 1), "until", "extension past the statutory maximum"),
    (date(2025, 5, 15), "reden", date(2025, 4, 16), "today", "has passed"),
])
def test_an_extension_is_refused_naming_the_field(until, reason, today, field, message):
    deadlines = compute_deadlines(SIX_WEEKS, date(2025, 3, 3), acknowledged_on=date(2025, 3, 4))
    with pytest.raises(DeadlineError, match=message) as refused:
        extend(deadlines, until, reason, today=today)
    assert refused.value.field == field
    assert field in str(refused.value)


def test_an_extension_may_reach_exactly_the_statutory_maximum():
    deadlines = compute_deadlines(SIX_WEEKS, date(2025, 3, 3), acknowledged_on=date(2025, 3, 4))
    assert extend(deadlines, date(2025, 6, 4), "reden", date(2025, 4, 1)).feedback == date(2025, 6, 4)


def test_compute_deadlines_replays_a_stored_extension():
    extension = Extension(date(2025, 5, 15), "reden")
    deadlines = compute_deadlines(SIX_WEEKS, date(2025, 3, 3), date(2025, 3, 4), extension)
    assert deadlines == Deadlines(date(2025, 3, 10), date(2025, 5, 15), date(2025, 6, 4), extended=True)
    with pytest.raises(DeadlineError, match="statutory maximum"):
        compute_deadlines(SIX_WEEKS, date(2025, 3, 3), date(2025, 3, 4), Extension(date(2025, 7, 1), "reden"))


def test_due_state_tells_the_scheduler_what_is_ok_due_soon_overdue_or_done():
    deadlines = compute_deadlines(SIX_WEEKS, date(2025, 3, 3))  # ack 10 Mar, feedback 21 Apr
    assert due_state(deadlines, date(2025, 3, 4), False, False) == {"ack": Due.OK, "feedback": Due.OK}
    assert due_state(deadlines, date(2025, 3, 8), False, False)["ack"] == "due_soon"
    assert due_state(deadlines, date(2025, 3, 10), False, False)["ack"] == "due_soon"
    assert due_state(deadlines, date(2025, 3, 11), False, False)["ack"] == "overdue"
    assert due_state(deadlines, date(2025, 3, 11), True, False) == {"ack": "done", "feedback": "ok"}
    assert due_state(deadlines, date(2025, 4, 22), True, False)["feedback"] == "overdue"
    assert due_state(deadlines, date(2025, 4, 22), True, True)["feedback"] == "done"
    assert due_state(deadlines, date(2025, 4, 14), True, False, due_soon_days=7)["feedback"] == "due_soon"


def test_a_timestamp_becomes_its_amsterdam_date():
    assert amsterdam_date(datetime(2025, 3, 3, 23, 30, tzinfo=timezone.utc)) == date(2025, 3, 4)
    with pytest.raises(DeadlineError):
        amsterdam_date(datetime(2025, 3, 3, 23, 30))
