"""The domain's refusal carries the guard that refused, so no caller reads English text."""
import pytest

from whistle.domain.errors import TransitionNotAllowed
from whistle.domain.lifecycle import (
    DECISION_GIVEN, IS_MELDINGSWAARDIG, KIND_GIVEN, NOT_YET_EXTENDED, REASON_GIVEN, Event, State, fire,
    permitted,
)


@pytest.mark.parametrize("state, event, actor, facts, guard", [
    ("in_behandeling", "escalate", "counsellor", {"meldingswaardig": False}, IS_MELDINGSWAARDIG),
    ("in_behandeling", "extend_feedback", "counsellor", {"already_extended": True, "reason_given": True},
     NOT_YET_EXTENDED),
    ("in_behandeling", "extend_feedback", "counsellor", {"already_extended": False}, REASON_GIVEN),
    ("ontvangst_bevestigd", "triage", "counsellor", {"meldingswaardig": True}, KIND_GIVEN),
    ("doorgezet", "decide", "authority", {"decision": "misschien", "motivated": True}, DECISION_GIVEN),
])
def test_fire_names_the_guard(state, event, actor, facts, guard):
    with pytest.raises(TransitionNotAllowed) as refused:
        fire(state, event, actor, **facts)
    assert refused.value.guard is guard
    assert f"guard {guard.name} failed" in refused.value.reason


def test_no_guard_when_there_is_no_such_step_or_the_actor_may_not():
    for args in (("ontvangen", "close", "counsellor"), ("ontvangen", "acknowledge", "melder"),
                 ("gearchiveerd", "close", "counsellor")):
        with pytest.raises(TransitionNotAllowed) as refused:
            fire(*args)
        assert refused.value.guard is None


def test_permitted_checks_the_step_and_the_case_guards_but_leaves_the_input_to_fire():
    row = permitted("ontvangst_bevestigd", "triage", "counsellor")  # no kind given yet
    assert row.event is Event.TRIAGE and row.to_state is State.IN_BEHANDELING
    with pytest.raises(TransitionNotAllowed) as refused:
        permitted("in_behandeling", "extend_feedback", "counsellor", already_extended=True)
    assert refused.value.guard is NOT_YET_EXTENDED
