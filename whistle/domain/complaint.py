"""A melder's complaint after the terugkoppeling ('s-Hertogenbosch, issue 15): a melder who is
not satisfied complains to the office the regeling names (the gemeentesecretaris), who decides
whether an investigation follows after all; and the Landelijke Klachtencommissie ongewenst
gedrag (LKC), which takes a complaint up to two years after the event.

Pure rules: the decision's deadline, the outcomes, and the LKC's last day computed from the
event date the melder gives. The event date itself is content (sealed with the complaint);
only the computed last day is kept in the clear, so the melder's page can say whether the
route is still open without the server knowing when the event happened.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from whistle.domain.deadlines import FeedbackTerm, add_months, add_term
from whistle.domain.errors import DeadlineError

LKC_ROUTE = "lkc_ongewenst_gedrag"  # the catalogue's route id (whistle.domain.routes)
LKC_LIMIT_MONTHS = 24               # "tot twee jaar na de gebeurtenis"
EARLIEST_EVENT = date(1900, 1, 1)   # a date before this is a typing error, not an event


class ComplaintOutcome(StrEnum):
    """What the office that handles complaints decides."""

    ONDERZOEK = "onderzoek"            # an investigation follows after all: the case reopens
    GEEN_ONDERZOEK = "geen_onderzoek"  # no investigation, with reasons told to the melder

    @property
    def label(self) -> str:
        return {"onderzoek": "Alsnog onderzoek", "geen_onderzoek": "Geen onderzoek"}[self.value]


@dataclass(frozen=True)
class ComplaintRule:
    """A regeling's [complaint] section: who decides on a complaint, and within which term."""

    decided_by: str      # an office (whistle.domain.offices) that an account can hold
    term: FeedbackTerm   # from the day the melder lodges the complaint


def decision_due(lodged_on: date, rule: ComplaintRule) -> date:
    """The last day for the decision on a complaint lodged on `lodged_on`."""
    return add_term(lodged_on, rule.term)


def lkc_limit(event_on: date, today: date) -> date:
    """The last day a complaint about an event on `event_on` reaches the LKC: two years on
    (29 February + 2 years = 28 February). An event in the future, or before 1900, is refused."""
    if not isinstance(event_on, date):
        raise DeadlineError("event_on", "geef de datum van de gebeurtenis als JJJJ-MM-DD")
    if event_on > today:
        raise DeadlineError("event_on", "de datum van de gebeurtenis ligt in de toekomst")
    if event_on < EARLIEST_EVENT:
        raise DeadlineError("event_on", "de datum van de gebeurtenis ligt voor 1900")
    return add_months(event_on, LKC_LIMIT_MONTHS)


def check_limit(limit_on: date, today: date) -> date:
    """A last day a client computed itself (the browser seals the event date): it must be one
    that `lkc_limit` can give for some event up to today."""
    if not isinstance(limit_on, date):
        raise DeadlineError("lkc_limit_on", "geef de laatste dag als JJJJ-MM-DD")
    if limit_on > add_months(today, LKC_LIMIT_MONTHS) or limit_on < add_months(EARLIEST_EVENT, LKC_LIMIT_MONTHS):
        raise DeadlineError("lkc_limit_on", "deze dag kan niet twee jaar na een gebeurtenis liggen die al heeft plaatsgevonden")
    return limit_on


@dataclass(frozen=True)
class RouteLimit:
    """How the melder's page shows a route with a last day."""

    route: str
    last_day: date
    passed: bool


def route_limit(limit_on: date | None, today: date) -> RouteLimit | None:
    """The LKC's last day for this case, and whether it has passed (the day itself is open)."""
    if limit_on is None:
        return None
    return RouteLimit(LKC_ROUTE, limit_on, limit_on < today)
