"""Which deadlines a case in each state awaits: one rule, and the transition table, the
scheduler's states and the overdue check all follow it."""
from datetime import date

import pytest

from whistle.domain.errors import TransitionNotAllowed
from whistle.domain.lifecycle import TRANSITIONS, Actor, Event, State, fire
from whistle.domain.states import (
    FINAL_STATES, OverdueDeadline, awaiting, awaits_acknowledgement, awaits_feedback, is_overdue,
    states_awaiting,
)

ACK, FEEDBACK = OverdueDeadline.ACKNOWLEDGEMENT, OverdueDeadline.FEEDBACK
EXPECTED = {
    State.ONTVANGEN: {ACK, FEEDBACK},
    State.ONTVANGST_BEVESTIGD: {FEEDBACK},
    State.IN_BEHANDELING: {FEEDBACK},
    State.DOORGEZET: {FEEDBACK},
    State.BESLUIT_GENOMEN: {FEEDBACK},
    State.TERUGKOPPELING_GEGEVEN: set(),
    State.AFGESLOTEN: set(),
    State.INGETROKKEN: set(),
    State.EXTERN_GEMELD: set(),
    # The complaint after the feedback: its decision has its own term (case_complaints.due).
    State.KLACHT_INGEDIEND: set(),
    State.KLACHT_VOORGELEGD: set(),
    State.ONDERZOEK_NA_KLACHT: set(),
}


def test_every_state_is_described():
    assert set(EXPECTED) == set(State)


@pytest.mark.parametrize("state", list(State), ids=str)
def test_what_each_state_awaits(state):
    assert awaiting(state) == EXPECTED[state]
    assert awaiting(state.value) == EXPECTED[state]
    assert awaits_acknowledgement(state) is (ACK in EXPECTED[state])
    assert awaits_feedback(state) is (FEEDBACK in EXPECTED[state])


@pytest.mark.parametrize("state", list(State), ids=str)
def test_the_scheduler_may_mark_exactly_the_awaited_deadlines(state):
    for deadline in OverdueDeadline:
        allowed = True
        try:
            fire(state, Event.MARK_OVERDUE, Actor.SCHEDULER, deadline=deadline.value)
        except TransitionNotAllowed:
            allowed = False
        assert allowed is (deadline in EXPECTED[state]), (state, deadline)


@pytest.mark.parametrize("state", list(State), ids=str)
def test_the_feedback_term_is_extended_only_once_acknowledged_and_while_awaited(state):
    row = TRANSITIONS.get((state, Event.EXTEND_FEEDBACK))
    assert (row is not None) is (EXPECTED[state] == {FEEDBACK})


def test_the_sql_lists_follow_the_states_in_table_order():
    assert states_awaiting(ACK) == ("ontvangen",)
    assert states_awaiting("feedback") == (
        "ontvangen", "ontvangst_bevestigd", "in_behandeling", "doorgezet", "besluit_genomen")
    assert not set(states_awaiting(FEEDBACK)) & {s.value for s in FINAL_STATES}


def test_a_deadline_is_overdue_only_when_awaited_and_its_day_has_passed():
    due = date(2026, 4, 20)
    assert not is_overdue(State.IN_BEHANDELING, FEEDBACK, due, date(2026, 4, 20))  # the day itself
    assert is_overdue(State.IN_BEHANDELING, FEEDBACK, due, date(2026, 4, 21))
    assert is_overdue("ontvangen", "acknowledgement", due, date(2026, 4, 21))
    assert not is_overdue(State.IN_BEHANDELING, ACK, due, date(2026, 4, 21))  # acknowledged already
    for state in (State.TERUGKOPPELING_GEGEVEN, State.INGETROKKEN, State.EXTERN_GEMELD, State.AFGESLOTEN):
        assert not is_overdue(state, FEEDBACK, due, date(2026, 5, 1))
    with pytest.raises(ValueError):
        awaiting("gearchiveerd")
