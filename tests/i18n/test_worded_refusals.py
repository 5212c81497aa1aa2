"""Issue 16.1: refusals that carry values (a number of pages, a step and a state, a date, the
state of a request) are worded (whistle.domain.worded.Worded): the services and the domain
raise the Dutch text with its values, and the page says it in the reader's language, the
values included. Dutch stays exactly as it was."""
from __future__ import annotations

from datetime import date

import pytest

from tests.authority.conftest import as_staff, cheaper_login_hash, email, melding, town  # noqa: F401 (fixtures)
from tests.counsellor.test_inbox import cases, rows  # noqa: F401 (fixture)
from whistle.domain import disclosure as rules
from whistle.domain.errors import TransitionNotAllowed
from whistle.domain.lifecycle import Actor, Event, State, fire
from whistle.services.lifecycle import _refusal
from whistle.web.melder_words import translated


def test_a_page_past_the_last_says_how_many_pages_there_are_in_each_language(cases, browser, client):
    assert browser.login_counsellor(email("vp")).status_code == 302
    dutch = client.get("/vp/?pagina=9").get_data(as_text=True)
    english = client.get("/vp/?pagina=9&taal=en").get_data(as_text=True)
    assert "Die pagina bestaat niet; er is 1 pagina." in dutch
    assert "That page does not exist; there is 1 page." in english and "Die pagina" not in english


def refused_step(state: State, event: Event):
    with pytest.raises(TransitionNotAllowed) as caught:
        fire(state, event, Actor.COUNSELLOR)
    return _refusal(caught.value, event, state)


def test_a_refused_step_names_the_step_and_the_state_in_the_readers_language(app):
    refusal = refused_step(State.AFGESLOTEN, Event.ACKNOWLEDGE)
    assert refusal.message.startswith("event: de stap 'Ontvangst bevestigen' (acknowledge) is niet mogelijk "
                                      "in de status 'Afgesloten': ")
    assert refusal.message.endswith(". Er is niets gewijzigd.")
    with app.test_request_context("/vp/?taal=en"):
        said = translated(refusal.message)
    assert said.startswith("event: the step '") and "(acknowledge) is not possible in the state 'Closed'" in said
    assert said.endswith("Nothing was changed.") and "Ontvangst" not in said


def withdrawn_request() -> rules.Disclosure:
    return rules.Disclosure(rules.DisclosureState.REFUSED, 1, date(2026, 11, 2), 2, None, None, False,
                            rules.Requester.COUNSELLOR, None)


def test_a_refused_disclosure_step_names_the_requests_state_in_lower_case_in_each_language(app):
    with pytest.raises(rules.DisclosureRefused) as caught:
        rules.check_withdraw(withdrawn_request())
    message = caught.value.message
    assert message == "Dit verzoek kan niet meer worden ingetrokken (geweigerd)."
    with app.test_request_context("/vp/?taal=en"):
        assert translated(message) == "This request can no longer be withdrawn (refused)."
    with app.test_request_context("/vp/"):
        assert translated(message) == message


def test_a_missing_reason_names_what_is_missing_in_each_language(app):
    with pytest.raises(rules.DisclosureRefused) as caught:
        rules.check_reason("  ", what="De reden")
    with app.test_request_context("/vp/?taal=en"):
        assert translated(caught.value.message).startswith("The reason is missing: write down why")


def test_a_too_long_staff_text_names_the_text_in_the_readers_language(app):
    from whistle.services.errors import InvalidInput
    from whistle.services.input import bounded_text
    with pytest.raises(InvalidInput) as caught:
        bounded_text("x" * 11, "note", limit=10, what="De notitie")
    assert caught.value.message == "De notitie is te lang (meer dan 10 tekens)."
    with app.test_request_context("/vp/?taal=en"):
        assert translated(caught.value.message) == "The note is too long (more than 10 characters)."


def test_a_step_in_the_history_without_a_label_of_its_own_reads_in_the_readers_language(app):
    from whistle.domain.audit_labels import EVENT_LABELS, event_description
    from whistle.domain.lifecycle import event_label
    unlabelled = [e for e in Event if f"case_{e.value}" not in EVENT_LABELS]
    assert unlabelled, "every step has a label of its own: nothing to check here"
    step = unlabelled[0]
    dutch = event_description(f"case_{step.value}")
    assert dutch == f"Stap: {event_label(step)}"
    with app.test_request_context("/vp/?taal=en"):
        english = translated(dutch)
        assert english == f"Step: {translated(event_label(step))}" and english != dutch
