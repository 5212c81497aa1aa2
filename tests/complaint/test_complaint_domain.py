"""The complaint's pure rules (whistle.domain.complaint), the regeling's [complaint] section,
and the transition table's complaint rows: `close` is refused while a complaint is pending."""
import copy
from datetime import date

import pytest

from whistle.domain.complaint import (
    LKC_ROUTE, ComplaintOutcome, ComplaintRule, check_limit, decision_due, lkc_limit, route_limit,
)
from whistle.domain.deadlines import FeedbackTerm, TermUnit
from whistle.domain.errors import DeadlineError, RegelingError, TransitionNotAllowed
from whistle.domain.lifecycle import Actor, Event, State, available_events, fire
from whistle.domain.regeling import Regeling, load_regeling, organisations_dir, parse_regeling
from tests.domain.test_regeling import VALID

TODAY = date(2026, 12, 2)


def test_the_lkc_limit_is_two_years_after_the_event_and_a_leap_day_clamps():
    assert lkc_limit(date(2025, 3, 14), TODAY) == date(2027, 3, 14)
    assert lkc_limit(date(2024, 2, 29), TODAY) == date(2026, 2, 28)
    assert lkc_limit(TODAY, TODAY) == date(2028, 12, 2)


@pytest.mark.parametrize("event_on", [date(2026, 12, 3), date(1899, 12, 31)])
def test_an_event_in_the_future_or_before_1900_is_refused(event_on):
    with pytest.raises(DeadlineError) as refused:
        lkc_limit(event_on, TODAY)
    assert refused.value.field == "event_on"


def test_a_limit_the_browser_computed_must_be_possible():
    assert check_limit(date(2028, 12, 2), TODAY) == date(2028, 12, 2)
    assert check_limit(date(2020, 1, 1), TODAY) == date(2020, 1, 1)  # long past: shown as past
    for bad in (date(2028, 12, 3), date(1901, 12, 31)):
        with pytest.raises(DeadlineError):
            check_limit(bad, TODAY)


def test_the_route_is_open_on_its_last_day_and_past_the_day_after():
    assert route_limit(None, TODAY) is None
    assert route_limit(TODAY, TODAY).passed is False
    assert route_limit(date(2026, 12, 1), TODAY).passed is True
    assert route_limit(TODAY, TODAY).route == LKC_ROUTE


def test_the_decision_is_due_a_term_after_lodging():
    rule = ComplaintRule("gemeentesecretaris", FeedbackTerm(6, TermUnit.WEEKS))
    assert decision_due(date(2026, 12, 2), rule) == date(2027, 1, 13)
    assert [o.value for o in ComplaintOutcome] == ["onderzoek", "geen_onderzoek"]


# --- the regeling ---------------------------------------------------------------------------

def with_complaint(section):
    data = copy.deepcopy(VALID)
    data["complaint"] = section
    return data


def test_s_hertogenbosch_names_the_gemeentesecretaris_and_a_term():
    regeling = load_regeling(organisations_dir() / "s-hertogenbosch.toml")
    assert regeling.complaint == ComplaintRule("gemeentesecretaris", FeedbackTerm(6, TermUnit.WEEKS))
    assert Regeling.from_dict(regeling.to_dict()) == regeling
    assert load_regeling(organisations_dir() / "deventer.toml").complaint is None


def test_a_term_may_be_a_table_and_round_trips():
    r = parse_regeling(with_complaint({"decided_by": "gemeentesecretaris",
                                       "term": {"amount": 30, "unit": "working_days"}}), "p.toml")
    assert r.complaint.term == FeedbackTerm(30, TermUnit.WORKING_DAYS)
    assert Regeling.from_dict(r.to_dict()).complaint == r.complaint


@pytest.mark.parametrize("section, field", [
    ({"term": "6 weeks"}, "complaint.decided_by"),
    ({"decided_by": "gemeentesecretaris"}, "complaint.term"),
    ({"decided_by": "secretaris", "term": "6 weeks"}, "complaint.decided_by"),
    ({"decided_by": "college", "term": "6 weeks"}, "complaint.decided_by"),  # a body, not one account
    ({"decided_by": "gemeentesecretaris", "term": "zes weken"}, "complaint.term"),
    ({"decided_by": "gemeentesecretaris", "term": "2 years"}, "complaint.term"),
    ({"decided_by": "gemeentesecretaris", "term": "30 weeks"}, "complaint.term"),
    ({"decided_by": "gemeentesecretaris", "term": {"amount": 3, "unit": "eons"}}, "complaint.term"),
    ({"decided_by": "gemeentesecretaris", "term": "6 weeks", "by": "x"}, "complaint.by"),
    ("gemeentesecretaris", "complaint"),
])
def test_a_bad_complaint_section_is_refused_naming_the_field(section, field):
    with pytest.raises(RegelingError) as refused:
        parse_regeling(with_complaint(section), "p.toml")
    assert refused.value.field == field, refused.value


# --- the transition table -------------------------------------------------------------------

OFFERED = {"complaint_offered": True, "complained": False}


def test_the_melder_complains_once_and_only_where_the_regeling_offers_it():
    assert fire(State.TERUGKOPPELING_GEGEVEN, Event.COMPLAIN, Actor.MELDER, **OFFERED) is State.KLACHT_INGEDIEND
    for facts in ({"complaint_offered": False, "complained": False}, {"complaint_offered": True, "complained": True}):
        with pytest.raises(TransitionNotAllowed):
            fire(State.TERUGKOPPELING_GEGEVEN, Event.COMPLAIN, Actor.MELDER, **facts)
    with pytest.raises(TransitionNotAllowed):
        fire(State.TERUGKOPPELING_GEGEVEN, Event.COMPLAIN, Actor.COUNSELLOR, **OFFERED)
    events = [t.event for t in available_events(State.TERUGKOPPELING_GEGEVEN, Actor.MELDER,
                                                 complaint_offered=False, complained=False)]
    assert Event.COMPLAIN not in events


@pytest.mark.parametrize("state", [State.KLACHT_INGEDIEND, State.KLACHT_VOORGELEGD, State.ONDERZOEK_NA_KLACHT])
def test_close_is_refused_while_a_complaint_is_pending(state):
    with pytest.raises(TransitionNotAllowed, match="no such transition"):
        fire(state, Event.CLOSE, Actor.COUNSELLOR)
    assert Event.CLOSE not in [t.event for t in available_events(state, Actor.COUNSELLOR)]
    # the melder keeps the way out
    assert fire(state, Event.WITHDRAW, Actor.MELDER) is State.INGETROKKEN


def test_the_decision_goes_either_way_with_a_motivation_by_the_authority_only():
    s = State.KLACHT_VOORGELEGD
    assert fire(State.KLACHT_INGEDIEND, Event.FORWARD_COMPLAINT, Actor.COUNSELLOR) is s
    assert fire(s, Event.UPHOLD_COMPLAINT, Actor.AUTHORITY, motivated=True) is State.ONDERZOEK_NA_KLACHT
    assert fire(s, Event.REJECT_COMPLAINT, Actor.AUTHORITY, motivated=True) is State.TERUGKOPPELING_GEGEVEN
    with pytest.raises(TransitionNotAllowed, match="motivated"):
        fire(s, Event.REJECT_COMPLAINT, Actor.AUTHORITY, motivated=False)
    with pytest.raises(TransitionNotAllowed):
        fire(s, Event.UPHOLD_COMPLAINT, Actor.COUNSELLOR, motivated=True)
    # after an investigation upon the complaint, the counsellor gives feedback again, then closes
    assert fire(State.ONDERZOEK_NA_KLACHT, Event.GIVE_FEEDBACK, Actor.COUNSELLOR) is State.TERUGKOPPELING_GEGEVEN
    assert fire(State.TERUGKOPPELING_GEGEVEN, Event.CLOSE, Actor.COUNSELLOR) is State.AFGESLOTEN
