"""Moving a case through its lifecycle: the one entry point `transition`.

The domain table (whistle.domain.lifecycle) decides whether an event may happen; this package
loads the case, checks that the actor may see it, stores what the event changes and writes
the audit event, all in the caller's transaction. A refusal raises before anything is
changed, so the caller's rollback leaves the case as it was.

Actors: a StaffPrincipal (counsellor or authority), the melder's ReporterContext, or
SCHEDULER. What each event checks and changes is its effect (`effects`); what a form or JSON
body sends is parsed in `facts`. What the melder and the counsellor tell each other with an
event (the reason for an extension, the terugkoppeling, the body the melder went to) is
sealed as a `message` record under the case key; the audit event holds no content.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from whistle.domain.errors import TransitionNotAllowed
from whistle.domain.lifecycle import (
    FINAL_STATES, IS_MELDINGSWAARDIG, NOT_YET_EXTENDED, Actor, Event, State, Transition, available_events,
    event_label, fire, permitted,
)
from whistle.domain.register import outcome_of, route_after
from whistle.domain.roles import StaffRole
from whistle.models import Case
from whistle.services import audit
from whistle.services.cases import case_by_ref, staff_case_key_or_none
from whistle.services.context import UseCase
from whistle.services.dossiers import held_dossier_of_case
from whistle.services.errors import Conflict, Forbidden, NotFound, StepRefused
from whistle.services.lifecycle.effects import (  # noqa: F401 - SCHEDULER and OTHER_ROUTE are public
    OTHER_ROUTE, SCHEDULER, Given, Principal, Step, effect_of,
)
from whistle.services.lifecycle.complaint import stored_facts as complaint_facts
from whistle.services.lifecycle.facts import parse_event, parse_facts  # noqa: F401 - public
from whistle.services.melder.case import ReporterContext
from whistle.services.staff.accounts import StaffPrincipal

MELDER_EVENTS = (Event.WITHDRAW, Event.REPORT_EXTERNAL, Event.DISAGREE)


@dataclass(frozen=True)
class Outcome:
    case: Case
    event: Event
    from_state: State
    to_state: State


def stored_facts(case: Case) -> dict[str, Any]:
    """The case facts the table's case guards ask about."""
    return {"meldingswaardig": case.meldingswaardig,
            "already_extended": case.feedback_extended_to is not None,
            "category_action_open": case.category_due is not None and case.category_done_on is None,
            **complaint_facts(case)}


def events_for(case: Case, actor: Actor) -> list[Transition]:
    """The buttons `actor` sees on this case: straight from the transition table."""
    return available_events(case.state, actor, **stored_facts(case))


def transition(uc: UseCase, case_ref_or_case: str | Case, event: Event | str,
               principal: Principal, /, **facts: Any) -> Outcome:
    """Fire `event` on the case as `principal`, store its effects and the audit event.

    Raises NotFound when the actor may not see the case (the same answer as no case),
    Forbidden for an actor who has no part in the lifecycle, InvalidInput naming the field
    when the table or a deadline rule refuses, Conflict when another request changed the
    case first. Nothing is changed when it raises."""
    session, clock = uc.session, uc.clock
    event = parse_event(event)
    case = case_ref_or_case if isinstance(case_ref_or_case, Case) else case_by_ref(session, case_ref_or_case)
    actor, actor_name, case_key = _authorise(session, case, principal)
    before = State(case.state)
    stored = stored_facts(case)
    try:  # the step itself, before reading what was sent with it
        row = permitted(before, event, actor, **stored)
    except TransitionNotAllowed as exc:
        raise _refusal(exc, event, before) from None
    step = Step(session, case, clock.today(), actor, principal, case_key)
    effect = effect_of(row)
    given: Given = effect.read(step, facts)
    try:
        after = fire(before, event, actor, **(stored | given.guard_facts()))
    except TransitionNotAllowed as exc:
        raise _refusal(exc, event, before) from None
    effect.validate(step, given)

    _claim(session, case, before, after, given)
    effect.apply(step, given)
    case.state = after.value
    case.route = route_after(after, case.route)
    if after in FINAL_STATES and case.closed_on is None:
        case.closed_on = step.today  # the internal procedure ended; retention counts from here
        case.outcome = outcome_of(after, case.meldingswaardig, case.route)
    audit.record(session, chain=case.organisation.slug, actor=actor_name, event=f"case_{event.value}",
                 today=step.today, case_ref=case.ref, from_state=before.value, to_state=after.value,
                 **given.audit())
    session.flush()
    return Outcome(case, event, before, after)


def _authorise(session: Session, case: Case, principal: Principal) -> tuple[Actor, str, bytes | None]:
    if principal is SCHEDULER:
        return Actor.SCHEDULER, "scheduler", None
    if isinstance(principal, ReporterContext):
        if principal.case.id != case.id:
            raise NotFound("Deze zaak bestaat niet of u heeft er geen toegang toe.")
        return Actor.MELDER, "melder", principal.case_key
    if isinstance(principal, StaffPrincipal):
        staff = principal.staff
        if staff.role == StaffRole.COUNSELLOR:
            # NotFound unless the case key is wrapped to them: seeing a case means holding its key.
            # A wrapped key that does not open (junk) still lets them acknowledge and close it.
            return Actor.COUNSELLOR, staff.email, staff_case_key_or_none(session, case, staff,
                                                                         principal.secret_key)
        if staff.role == StaffRole.AUTHORITY:
            # Only through a dossier whose key is wrapped to them: recused members, other
            # organisations and cases never escalated all look like no case at all.
            held_dossier_of_case(session, case, staff)
            return Actor.AUTHORITY, staff.email, None
        raise Forbidden("Een beheerder kan een melding niet behandelen.")
    raise Forbidden("Onbekende actor.")


# Why a guard refused, in the words of the people who see the message.
_GUARD_WHY = {
    NOT_YET_EXTENDED: "de termijn is al eens verlengd, en dat kan maar één keer",
    IS_MELDINGSWAARDIG: "alleen een melding die als meldingswaardig is beoordeeld, gaat naar het bevoegd gezag",
}


def _refusal(exc: TransitionNotAllowed, event: Event, state: State) -> StepRefused:
    # Worded: the page says it in the reader's language, with the step's and the state's labels
    # in it; `reason` is the lifecycle's own (English) words for developers.
    params = {"step": event_label(event), "event": event.value, "state": state.label, "reason": exc.reason}
    guard = getattr(exc.guard, "name", None)
    if exc.guard in _GUARD_WHY:
        return StepRefused(STEP_REFUSED_BECAUSE, guard=guard, params={**params, "why": _GUARD_WHY[exc.guard]})
    return StepRefused(STEP_REFUSED, guard=guard, params=params)


STEP_REFUSED = ("event: de stap '%(step)s' (%(event)s) is niet mogelijk in de status '%(state)s': "
                "%(reason)s. Er is niets gewijzigd.")
STEP_REFUSED_BECAUSE = ("event: de stap '%(step)s' (%(event)s) is niet mogelijk in de status '%(state)s': "
                        "%(why)s; %(reason)s. Er is niets gewijzigd.")


def _claim(session: Session, case: Case, before: State, after: State, given: Given) -> None:
    """Compare-and-set on the row, so two requests (or two workers) racing on one case
    cannot both fire from the same state, nor mark the same deadline twice."""
    conditions = [Case.id == case.id, Case.state == before.value, *given.claim()]
    result = session.execute(update(Case).where(*conditions).values(state=after.value)
                             .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict("De zaak is intussen gewijzigd. Laad de pagina opnieuw; er is niets opgeslagen.")
