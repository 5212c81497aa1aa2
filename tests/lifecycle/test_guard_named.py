"""A refused step names the guard of the transition table that refused it, as data (not
only in the message), and changes nothing."""
import pytest

from whistle.services.errors import InvalidInput, StepRefused
from whistle.services.lifecycle import SCHEDULER, transition
from tests.lifecycle.conftest import case_row


def fire(db, use_case, ref, event, principal_of, **facts):
    with db() as s:
        return transition(use_case(s), ref, event, principal_of(s), **facts)


def refusal(db, use_case, ref, event, principal_of, **facts) -> StepRefused:
    with pytest.raises(StepRefused) as refused, db() as s:
        transition(use_case(s), ref, event, principal_of(s), **facts)
    assert isinstance(refused.value, InvalidInput) and refused.value.field == "event"
    return refused.value


def test_a_second_extension_is_refused_by_the_not_yet_extended_guard(melding, db, use_case, as_staff):
    fire(db, use_case, melding.ref, "acknowledge", as_staff)
    fire(db, use_case, melding.ref, "extend_feedback", as_staff, until="2026-05-01", reason="Extern advies.")
    err = refusal(db, use_case, melding.ref, "extend_feedback", as_staff, until="2026-05-20", reason="Nog eens.")
    assert err.guard == "not_yet_extended"
    assert "maar één keer" in err.message
    assert str(case_row(db, melding.ref).feedback_extended_to) == "2026-05-01"


def test_escalating_a_case_not_found_meldingswaardig_is_refused_by_its_guard(melding, db, use_case, as_staff):
    fire(db, use_case, melding.ref, "acknowledge", as_staff)
    fire(db, use_case, melding.ref, "triage", as_staff, kind="integriteitsvraag", meldingswaardig="nee")
    err = refusal(db, use_case, melding.ref, "escalate", as_staff, dossier_sent=True)
    assert err.guard == "is_meldingswaardig"
    assert case_row(db, melding.ref).state == "in_behandeling"


def test_a_step_the_table_lacks_or_an_actor_it_does_not_name_has_no_guard(melding, db, use_case, as_staff):
    assert refusal(db, use_case, melding.ref, "close", as_staff).guard is None
    assert refusal(db, use_case, melding.ref, "mark_overdue", as_staff, deadline="feedback").guard is None
    fire(db, use_case, melding.ref, "acknowledge", as_staff)
    # The scheduler may act here, but not on a deadline this state no longer awaits: the
    # service refuses that before the table is asked (the deadline was met).
    with pytest.raises(InvalidInput) as refused, db() as s:
        transition(use_case(s), melding.ref, "mark_overdue", SCHEDULER, deadline="acknowledgement")
    assert refused.value.field == "deadline" and not isinstance(refused.value, StepRefused)
