"""Deadlines of a melding, as calendar dates in Europe/Amsterdam.

The Wbk (art. 2b, implementing art. 9 of directive 2019/1937):
- acknowledgement of receipt within 7 days of receipt;
- feedback within a reasonable term of at most 3 months after the acknowledgement, or after the
  end of the 7-day window when no acknowledgement was sent.
An organisation's regeling may set a shorter feedback term (Deventer: six weeks); without one
the product uses six weeks. The feedback deadline is clamped to the statutory maximum.

Everything here takes dates; the caller turns a timestamp into an Amsterdam date with
`amsterdam_date` and passes `today` in. No clock is read.

Working days skip Saturdays, Sundays and the days `holidays.country_holidays("NL")` lists in
its default (public) category. That list includes Goede Vrijdag and Koningsdag every year,
Bevrijdingsdag only in lustrum years (2025, 2030, ...). We use the library's list as it is
and keep no list of our own; an organisation with other days off simply gets a slightly
earlier deadline, which errs on the melder's side.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import Enum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from whistle.domain.errors import DeadlineError

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
ACKNOWLEDGEMENT_DAYS = 7
STATUTORY_MAXIMUM_MONTHS = 3
# The shortest span of three calendar months (1 Feb - 1 May in a common year). A term
# nominally longer than this can overshoot the statutory maximum, so a regeling may not set it.
SHORTEST_THREE_MONTHS_DAYS = 89
DEFAULT_DUE_SOON_DAYS = 2


class TermUnit(str, Enum):
    WEEKS = "weeks"
    DAYS = "days"
    WORKING_DAYS = "working_days"  # werkdagen


_UNIT_WORDS = {
    "week": TermUnit.WEEKS, "weeks": TermUnit.WEEKS, "weken": TermUnit.WEEKS,
    "day": TermUnit.DAYS, "days": TermUnit.DAYS, "dag": TermUnit.DAYS, "dagen": TermUnit.DAYS,
    "working_day": TermUnit.WORKING_DAYS, "working_days": TermUnit.WORKING_DAYS,
    "working day": TermUnit.WORKING_DAYS, "working days": TermUnit.WORKING_DAYS,
    "werkdag": TermUnit.WORKING_DAYS, "werkdagen": TermUnit.WORKING_DAYS,
}


@dataclass(frozen=True)
class FeedbackTerm:
    """The term for feedback to the melder, as a regeling states it."""

    amount: int
    unit: TermUnit

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit", TermUnit(self.unit))
        if isinstance(self.amount, bool) or not isinstance(self.amount, int) or self.amount < 1:
            raise DeadlineError("amount", f"a term must be a positive whole number, got {self.amount!r}")

    @classmethod
    def parse(cls, text: str) -> "FeedbackTerm":
        """'6 weeks', '42 days', '30 working days', '6 weken', '30 werkdagen'."""
        match = re.fullmatch(r"\s*(\d+)\s+([A-Za-z_ ]+?)\s*", text or "")
        unit = _UNIT_WORDS.get(match.group(2).lower()) if match else None
        if unit is None:
            raise DeadlineError(
                "term", f"cannot read {text!r}; write e.g. '6 weeks', '42 days' or '30 working days'")
        return cls(int(match.group(1)), unit)

    @property
    def nominal_days(self) -> float:
        """Calendar days the term spans at least (a working week is 5 days of 7)."""
        if self.unit is TermUnit.WEEKS:
            return self.amount * 7
        if self.unit is TermUnit.DAYS:
            return self.amount
        return self.amount * 7 / 5

    @property
    def within_statutory_maximum(self) -> bool:
        return self.nominal_days <= SHORTEST_THREE_MONTHS_DAYS

    def __str__(self) -> str:
        return f"{self.amount} {self.unit.value.replace('_', ' ')}"


SIX_WEEKS = FeedbackTerm(6, TermUnit.WEEKS)


class TermStart(str, Enum):
    """From which moment a regeling's feedback term runs. The statutory maximum runs from the
    acknowledgement (or the end of its 7-day window) either way."""

    ACKNOWLEDGEMENT = "acknowledgement"  # the Wbk's reading: after the ontvangstbevestiging
    MELDING = "melding"  # e.g. Deventer, after the VNG model: six weeks after the melding


@dataclass(frozen=True)
class Extension:
    """The one extension of the feedback term; the reason is told to the melder."""

    until: date
    reason: str


@dataclass(frozen=True)
class Deadlines:
    acknowledgement: date
    feedback: date
    feedback_maximum: date
    extended: bool = False
    clamped: bool = False  # the regeling's term reached past the statutory maximum


def amsterdam_date(moment: datetime) -> date:
    """The calendar date in Europe/Amsterdam of an aware timestamp."""
    if moment.tzinfo is None:
        raise DeadlineError("moment", "a naive datetime has no known time zone")
    return moment.astimezone(AMSTERDAM).date()


def add_months(day: date, months: int) -> date:
    """Calendar month arithmetic, clamped to the month's end (30 Nov + 3 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@lru_cache(maxsize=64)
def _dutch_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("NL", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _dutch_holidays(day.year)


def add_working_days(day: date, count: int) -> date:
    """The `count`-th working day after `day` (the day itself does not count)."""
    current = day
    while count > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            count -= 1
    return current


def add_term(start: date, term: FeedbackTerm) -> date:
    if term.unit is TermUnit.WEEKS:
        return start + timedelta(weeks=term.amount)
    if term.unit is TermUnit.DAYS:
        return start + timedelta(days=term.amount)
    return add_working_days(start, term.amount)


def compute_deadlines(
    term: FeedbackTerm,
    received_on: date,
    acknowledged_on: date | None = None,
    extension: Extension | None = None,
    runs_from: TermStart = TermStart.ACKNOWLEDGEMENT,
) -> Deadlines:
    """The deadlines of a melding received on `received_on`.

    The feedback term runs from the acknowledgement, or from the end of the 7-day window
    when none was sent; or, when the regeling says so (`runs_from=MELDING`), from the day of
    the melding. A late acknowledgement does not move the start later: the melder should not
    wait longer because the organisation was late. The statutory maximum runs from the
    acknowledgement in both cases.
    """
    acknowledgement = received_on + timedelta(days=ACKNOWLEDGEMENT_DAYS)
    if acknowledged_on is not None and acknowledged_on < received_on:
        raise DeadlineError("acknowledged_on", "acknowledged before the melding was received")
    start = min(acknowledged_on, acknowledgement) if acknowledged_on else acknowledgement
    maximum = add_months(start, STATUTORY_MAXIMUM_MONTHS)
    feedback = add_term(received_on if TermStart(runs_from) is TermStart.MELDING else start, term)
    clamped = feedback > maximum
    deadlines = Deadlines(acknowledgement, min(feedback, maximum), maximum, clamped=clamped)
    if extension is not None:
        deadlines = _apply_extension(deadlines, extension.until, extension.reason)
    return deadlines


def _apply_extension(deadlines: Deadlines, until: date, reason: str) -> Deadlines:
    if deadlines.extended:
        raise DeadlineError("extension", "the feedback term has already been extended once")
    if not isinstance(reason, str) or not reason.strip():
        raise DeadlineError("reason", "an extension needs a reason, which is told to the melder")
    if until <= deadlines.feedback:
        raise DeadlineError(
            "until", f"an extension must end after the current feedback deadline {deadlines.feedback}")
    if until > deadlines.feedback_maximum:
        raise DeadlineError(
            "until", f"extension past the statutory maximum {deadlines.feedback_maximum}")
    return replace(deadlines, feedback=until, extended=True)


def extend(deadlines: Deadlines, until: date, reason: str, today: date) -> Deadlines:
    """Extend the feedback deadline once, with a reason, before it has passed."""
    if deadlines.extended:
        raise DeadlineError("extension", "the feedback term has already been extended once")
    if today > deadlines.feedback:
        raise DeadlineError(
            "today", f"the feedback deadline {deadlines.feedback} has passed; it can no longer be extended")
    return _apply_extension(deadlines, until, reason)


class Due(str, Enum):
    OK = "ok"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    DONE = "done"


def _due(deadline: date, today: date, done: bool, window: int) -> Due:
    if done:
        return Due.DONE
    if today > deadline:
        return Due.OVERDUE
    if (deadline - today).days <= window:
        return Due.DUE_SOON
    return Due.OK


def due_state(
    deadlines: Deadlines,
    today: date,
    acknowledged: bool,
    feedback_given: bool,
    due_soon_days: int = DEFAULT_DUE_SOON_DAYS,
) -> dict[str, Due]:
    """{'ack': Due, 'feedback': Due} for the scheduler; a deadline day itself is not overdue."""
    return {
        "ack": _due(deadlines.acknowledgement, today, acknowledged, due_soon_days),
        "feedback": _due(deadlines.feedback, today, feedback_given, due_soon_days),
    }


def due_moment(due: date, today: date, window: int) -> date | None:
    """The day the current due moment of a deadline began (its reminder `window` days before,
    or the day after it passed), or None when none has: a reminder is sent once per moment."""
    if today > due:
        return due + timedelta(days=1)
    if (due - today).days <= window:
        return due - timedelta(days=window)
    return None
