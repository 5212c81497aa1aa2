"""The case lifecycle: the whole transition table, walked row by row."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from whistle.domain.errors import DomainError, TransitionNotAllowed
from whistle.domain.lifecycle import (
    FINAL_STATES, OPEN_STATES, TRANSITIONS, Actor, Event, State, available_events, fire, is_open,
    render_mermaid,
)

ROOT = Path(__file__).resolve().parents[2]

# Facts under which every guard in the table passes.
GOOD_FACTS = dict(
    kind="vermoeden_misstand", meldingswaardig=True, decision="onderzoek", motivated=True,
    already_extended=False, reason_given=True, deadline="feedback", category_action_open=True,
    complaint_offered=True, complained=False,
)
ROWS = list(TRANSITIONS.values())


def row_id(row) -> str:
    return f"{row.from_state.value}-{row.event.value}"


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_every_row_fires_for_each_allowed_actor(row):
    for actor in row.actors:
        assert fire(row.from_state, row.event, actor, **GOOD_FACTS) is row.to_state
        assert fire(row.from_state.value, row.event.value, actor.value, **GOOD_FACTS) is row.to_state


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_every_other_actor_is_refused(row):
    for actor in set(Actor) - row.actors:
        with pytest.raises(TransitionNotAllowed) as refused:
            fire(row.from_state, row.event, actor, **GOOD_FACTS)
        assert refused.value.actor == actor.value


@pytest.mark.parametrize("state", list(State), ids=str)
def test_every_state_event_pair_outside_the_table_is_refused(state):
    for event in Event:
        if (state, event) in TRANSITIONS:
            continue
        for actor in Actor:
            with pytest.raises(TransitionNotAllowed, match="no such transition"):
                fire(state, event, actor, **GOOD_FACTS)


def test_unknown_state_event_or_actor_is_refused_with_a_message_naming_all_three():
    with pytest.raises(TransitionNotAllowed) as refused:
        fire("gearchiveerd", "acknowledge", "counsellor")
    assert "gearchiveerd" in str(refused.value) and "acknowledge" in str(refused.value)
    assert "counsellor" in str(refused.value)
    with pytest.raises(TransitionNotAllowed, match="unknown event"):
        fire("ontvangen", "shred", "counsellor")
    with pytest.raises(TransitionNotAllowed, match="unknown actor"):
        fire("ontvangen", "acknowledge", "journalist")
    assert issubclass(TransitionNotAllowed, DomainError)


def test_the_table_is_immutable():
    with pytest.raises(TypeError):
        TRANSITIONS[(State.AFGESLOTEN, Event.WITHDRAW)] = ROWS[0]  # type: ignore[index]


def test_final_states_have_no_way_out_and_open_states_do():
    assert FINAL_STATES == {State.AFGESLOTEN, State.INGETROKKEN, State.EXTERN_GEMELD}
    assert OPEN_STATES | FINAL_STATES == set(State) and not OPEN_STATES & FINAL_STATES
    assert not any(row.from_state in FINAL_STATES for row in ROWS)
    assert is_open("in_behandeling") and not is_open(State.AFGESLOTEN)


def test_the_melder_may_withdraw_or_report_externally_from_every_open_state():
    for state in OPEN_STATES:
        assert fire(state, Event.WITHDRAW, Actor.MELDER) is State.INGETROKKEN
        assert fire(state, Event.REPORT_EXTERNAL, Actor.MELDER) is State.EXTERN_GEMELD


def test_every_state_and_row_has_a_dutch_label():
    assert State.DOORGEZET.label == "Doorgezet naar bevoegd gezag"
    assert all(row.label for row in ROWS)


def test_triage_needs_a_known_kind_and_a_meldingswaardig_judgement():
    with pytest.raises(TransitionNotAllowed, match="kind"):
        fire("ontvangst_bevestigd", "triage", "counsellor", meldingswaardig=True)
    with pytest.raises(TransitionNotAllowed, match="kind"):
        fire("ontvangst_bevestigd", "triage", "counsellor", kind="roddel", meldingswaardig=True)
    with pytest.raises(TransitionNotAllowed, match="meldingswaardig"):
        fire("ontvangst_bevestigd", "triage", "counsellor", kind="ongewenst_gedrag")
    assert fire("ontvangst_bevestigd", "triage", "counsellor",
                kind="integriteitsvraag", meldingswaardig=False) is State.IN_BEHANDELING


def test_only_a_meldingswaardig_case_is_escalated():
    with pytest.raises(TransitionNotAllowed, match="meldingswaardig"):
        fire("in_behandeling", "escalate", "counsellor", meldingswaardig=False)


def test_the_authority_decides_with_a_known_decision_and_a_motivation():
    with pytest.raises(TransitionNotAllowed, match="decision"):
        fire("doorgezet", "decide", "authority", decision="misschien", motivated=True)
    with pytest.raises(TransitionNotAllowed, match="motivated"):
        fire("doorgezet", "decide", "authority", decision="geen_onderzoek", motivated=False)
    assert fire("doorgezet", "decide", "authority", decision="geen_onderzoek",
                motivated=True) is State.BESLUIT_GENOMEN


def test_the_feedback_term_is_extended_once_and_only_with_a_reason():
    assert fire("in_behandeling", "extend_feedback", "counsellor",
                already_extended=False, reason_given=True) is State.IN_BEHANDELING
    with pytest.raises(TransitionNotAllowed, match="already_extended"):
        fire("in_behandeling", "extend_feedback", "counsellor", already_extended=True, reason_given=True)
    with pytest.raises(TransitionNotAllowed, match="reason_given"):
        fire("in_behandeling", "extend_feedback", "counsellor", already_extended=False, reason_given=False)


def test_a_case_is_closed_only_after_feedback():
    with pytest.raises(TransitionNotAllowed):
        fire("in_behandeling", "close", "counsellor", meldingswaardig=False)
    assert fire("terugkoppeling_gegeven", "close", "counsellor") is State.AFGESLOTEN


def test_the_scheduler_marks_an_overdue_acknowledgement_only_before_acknowledging():
    assert fire("ontvangen", "mark_overdue", "scheduler", deadline="acknowledgement") is State.ONTVANGEN
    with pytest.raises(TransitionNotAllowed, match="deadline"):
        fire("in_behandeling", "mark_overdue", "scheduler", deadline="acknowledgement")
    assert fire("in_behandeling", "mark_overdue", "scheduler", deadline="feedback") is State.IN_BEHANDELING


def test_available_events_show_each_actor_its_own_buttons():
    counsellor = {t.event for t in available_events("in_behandeling", "counsellor",
                                                    meldingswaardig=True, already_extended=False)}
    assert counsellor == {Event.ESCALATE, Event.GIVE_FEEDBACK, Event.EXTEND_FEEDBACK}
    melder = {t.event for t in available_events("in_behandeling", Actor.MELDER)}
    assert melder == {Event.WITHDRAW, Event.REPORT_EXTERNAL}
    assert available_events("afgesloten", "melder") == []


def test_available_events_hide_buttons_the_stored_case_rules_out():
    events = {t.event for t in available_events("in_behandeling", "counsellor",
                                                meldingswaardig=False, already_extended=True)}
    assert events == {Event.GIVE_FEEDBACK}


def test_the_diagram_is_generated_from_the_table():
    diagram = render_mermaid()
    assert diagram.startswith("stateDiagram-v2")
    for row in ROWS:
        assert f"{row.from_state.value} --> {row.to_state.value}: " in diagram
        assert row.event.value in diagram


def test_docs_lifecycle_md_is_up_to_date_with_the_table():
    spec = importlib.util.spec_from_file_location("render_lifecycle", ROOT / "tools" / "render_lifecycle.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    current = (ROOT / "docs" / "lifecycle.md").read_text(encoding="utf-8")
    assert tool.updated(current) == current, "run: python3 tools/render_lifecycle.py"
