"""How long a closed case is kept (the bewaartermijn). Pure: dates in, dates out.

A closed case is deleted on `closed_on + closed_case_days` (the regeling's term), or on the
later day a counsellor postponed it to. Postponing is an exception that needs a reason each
time, so one extension reaches at most MAX_EXTENSION_DAYS past today; keeping a case longer
means extending again, with a fresh reason, when that day comes near."""
from __future__ import annotations

from datetime import date, timedelta

from whistle.domain.errors import DeadlineError

MAX_EXTENSION_DAYS = 365
UPCOMING_DAYS = 30  # how far ahead the counsellor's list of upcoming deletions looks


def deletion_date(closed_on: date, closed_case_days: int, retain_until: date | None = None) -> date:
    """The day the case is deleted: the regeling's term, or the later day it was postponed to
    (a regeling whose term grew since then still wins)."""
    by_term = closed_on + timedelta(days=closed_case_days)
    return max(by_term, retain_until) if retain_until else by_term


def latest_extension(today: date) -> date:
    return today + timedelta(days=MAX_EXTENSION_DAYS)


def check_extension(current: date, until: date, today: date) -> None:
    """Refuse an extension that does not postpone, or reaches too far; DeadlineError names the field."""
    if until <= current:
        raise DeadlineError("until", f"de nieuwe datum moet na de huidige verwijderdatum ({current.isoformat()}) liggen")
    if until > latest_extension(today):
        raise DeadlineError("until", f"verlengen kan tot hoogstens {MAX_EXTENSION_DAYS} dagen na vandaag "
                                     f"(uiterlijk {latest_extension(today).isoformat()}); verleng later "
                                     "opnieuw als dat nodig is")
