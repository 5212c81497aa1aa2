"""Moving a case through its lifecycle: the one entry point `transition`.

The domain table (whistle.domain.lifecycle) decides whether an event may happen; this module
loads the case, checks that the actor may see it, stores what the event changes and writes
the audit event, all in the caller's transaction. A refusal raises before anything is
changed, so the caller's rollback leaves the case as it was.

Actors: a StaffPrincipal (counsellor or authority), the melder's ReporterContext, or
SCHEDULER. What the melder and the counsellor tell each other with an event (the reason for
an extension, the terugkoppeling, the body the melder went to) is sealed as a `message`
record under the case key; the audit event holds no content.
"""
from __future__ import annotations

from datetime import date
from dataclasses import dataclass
from typing import Any, Mapping

from sqlalchemy import update
from sqlalchemy.orm import Session

import crypto
from whistle.clock import Clock
from whistle.domain.deadlines import DeadlineError, extend
from whistle.domain.errors import TransitionNotAllowed
from whistle.domain.lifecycle import (
    FINAL_STATES, TRANSITIONS, Actor, Decision, Event, MeldingKind, OverdueDeadline, State,
    Transition, available_events, fire,
)
from whistle.domain.routes import route as catalogue_route
from whistle.models import Case, Record
from whistle.services import audit
from whistle.services.cases import case_by_ref, deadlines_of, staff_case_key, store_deadlines
from whistle.services.dossiers import authority_key, held_dossier_of_case, seal_decision
from whistle.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from whistle.services.input import MAX_MESSAGE_CHARS, bounded_text, iso_date, member, sealed_record, yes_no
from whistle.services.organisations import regeling_of
from whistle.services.melder.case import ReporterContext
from whistle.services.staff.accounts import StaffPrincipal

MELDER_EVENTS = (Event.WITHDRAW, Event.REPORT_EXTERNAL, Event.DISAGREE)
OTHER_ROUTE = "anders"  # the melder went to a body the regeling does not list


class _Scheduler:
    """The scheduler as an actor: it reads metadata only and may only mark deadlines."""

    def __repr__(self) -> str:
        return "SCHEDULER"


SCHEDULER = _Scheduler()


@dataclass(frozen=True)
class Outcome:
    case: Case
    event: Event
    from_state: State
    to_state: State


# --- reading ----------------------------------------------------------------------------

def stored_facts(case: Case) -> dict[str, Any]:
    """The case facts the table's case guards ask about."""
    return {"meldingswaardig": case.meldingswaardig,
            "already_extended": case.feedback_extended_to is not None}


def events_for(case: Case, actor: Actor) -> list[Transition]:
    """The buttons `actor` sees on this case: straight from the transition table."""
    return available_events(case.state, actor, **stored_facts(case))


# --- parsing what a form or JSON body sends ----------------------------------------------

def parse_event(value: Any) -> Event:
    try:
        return Event(getattr(value, "value", value))
    except ValueError:
        known = ", ".join(e.value for e in Event)
        raise InvalidInput(f"event: onbekende stap {value!r}; bekend zijn: {known}", field="event") from None


def parse_facts(event: Event | str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Typed facts for `event` from strings (a form) or JSON values; a clear error naming the
    field otherwise. Fields an event does not use are ignored."""
    event = parse_event(event)
    if event is Event.TRIAGE:
        return {"kind": member(raw.get("kind"), "kind", MeldingKind, "soort melding"),
                "meldingswaardig": yes_no(raw.get("meldingswaardig"), "meldingswaardig", "meldingswaardig")}
    if event is Event.EXTEND_FEEDBACK:
        return {"until": iso_date(raw.get("until"), "until", "verlengen tot: geef een datum als JJJJ-MM-DD."),
                "reason": bounded_text(raw.get("reason"), "reason", limit=MAX_MESSAGE_CHARS,
                                       what="De reden voor de verlenging")}
    if event is Event.GIVE_FEEDBACK:
        return {"text": bounded_text(raw.get("text"), "text", limit=MAX_MESSAGE_CHARS, what="De terugkoppeling")}
    if event is Event.DECIDE:
        return {"decision": member(raw.get("decision"), "decision", Decision, "besluit"),
                "motivation": bounded_text(raw.get("motivation"), "motivation", limit=MAX_MESSAGE_CHARS,
                                           what="De motivering van het besluit")}
    if event is Event.REPORT_EXTERNAL:
        facts: dict[str, Any] = {"route": raw.get("route")}
        if raw.get("ciphertext") is not None:
            facts["ciphertext"] = raw.get("ciphertext")
        return facts
    if event is Event.MARK_OVERDUE:
        return {"deadline": member(raw.get("deadline"), "deadline", OverdueDeadline, "termijn")}
    return {}


# --- the one entry point ------------------------------------------------------------------

def transition(session: Session, clock: Clock, case_ref_or_case: str | Case, event: Event | str,
               principal: StaffPrincipal | ReporterContext | _Scheduler, /, **facts: Any) -> Outcome:
    """Fire `event` on the case as `principal`, store its effects and the audit event.

    Raises NotFound when the actor may not see the case (the same answer as no case),
    Forbidden for an actor who has no part in the lifecycle, InvalidInput naming the field
    when the table or a deadline rule refuses, Conflict when another request changed the
    case first. Nothing is changed when it raises."""
    event = parse_event(event)
    case = case_ref_or_case if isinstance(case_ref_or_case, Case) else case_by_ref(session, case_ref_or_case)
    actor, actor_name, case_key = _authorise(session, case, principal)
    today = clock.today()
    before = State(case.state)

    stored = stored_facts(case)
    if event not in {t.event for t in available_events(before, actor, **stored)}:
        try:  # the table's own words for why not
            fire(before, event, actor, **stored)
        except TransitionNotAllowed as exc:
            raise _refusal(exc, event, before) from None
    effects = _EFFECTS[event]
    checked = effects.check(session, case, today, facts, principal, case_key)
    try:
        after = fire(before, event, actor, **(stored | checked.guard_facts))
    except TransitionNotAllowed as exc:
        raise _refusal(exc, event, before) from None
    effects.validate(case, today, checked)

    _claim(session, case, before, after, event, checked)
    effects.apply(session, case, today, checked, case_key)
    case.state = after.value
    if after in FINAL_STATES and case.closed_on is None:
        case.closed_on = today  # the internal procedure ended; retention counts from here
    audit.record(session, chain=case.organisation.slug, actor=actor_name, event=f"case_{event.value}",
                 today=today, case_ref=case.ref, from_state=before.value, to_state=after.value,
                 **checked.audit)
    session.flush()
    return Outcome(case, event, before, after)


def _authorise(session: Session, case: Case, principal) -> tuple[Actor, str, bytes | None]:
    if principal is SCHEDULER:
        return Actor.SCHEDULER, "scheduler", None
    if isinstance(principal, ReporterContext):
        if principal.case.id != case.id:
            raise NotFound("Deze zaak bestaat niet of u heeft er geen toegang toe.")
        return Actor.MELDER, "melder", principal.case_key
    if isinstance(principal, StaffPrincipal):
        staff = principal.staff
        if staff.role == "counsellor":
            # NotFound unless the case key is wrapped to them: seeing a case means holding its key.
            return Actor.COUNSELLOR, staff.email, staff_case_key(session, case, staff, principal.secret_key)
        if staff.role == "authority":
            # Only through a dossier whose key is wrapped to them: recused members, other
            # organisations and cases never escalated all look like no case at all.
            held_dossier_of_case(session, case, staff)
            return Actor.AUTHORITY, staff.email, None
        raise Forbidden("Een beheerder kan een melding niet behandelen.")
    raise Forbidden("Onbekende actor.")


# Why a guard refused, in the words of the people who see the message.
_GUARD_WHY = {
    "not_yet_extended": "de termijn is al eens verlengd, en dat kan maar één keer",
    "is_meldingswaardig": "alleen een melding die als meldingswaardig is beoordeeld, gaat naar het bevoegd gezag",
}


def _refusal(exc: TransitionNotAllowed, event: Event, state: State) -> InvalidInput:
    label = next((t.label for (_s, e), t in TRANSITIONS.items() if e is event), event.value)
    why = next((f"{text}; " for name, text in _GUARD_WHY.items() if f"guard {name} " in exc.reason), "")
    return InvalidInput(
        f"event: de stap '{label}' ({event.value}) is niet mogelijk in de status "
        f"'{state.label}': {why}{exc.reason}. Er is niets gewijzigd.", field="event")


def _claim(session: Session, case: Case, before: State, after: State, event: Event, checked) -> None:
    """Compare-and-set on the row, so two requests (or two workers) racing on one case
    cannot both fire from the same state, nor mark the same deadline twice."""
    conditions = [Case.id == case.id, Case.state == before.value]
    conditions += checked.claim_conditions
    result = session.execute(update(Case).where(*conditions).values(state=after.value)
                             .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict("De zaak is intussen gewijzigd. Laad de pagina opnieuw; er is niets opgeslagen.")


# --- what each event checks and changes ----------------------------------------------------

@dataclass
class _Checked:
    guard_facts: dict[str, Any]
    audit: dict[str, Any]
    values: dict[str, Any]
    claim_conditions: list


class _Effect:
    """An event's input check (before `fire`) and its effect on the case (after)."""

    def check(self, session, case, today, facts, principal, case_key) -> _Checked:
        return _Checked({}, {}, {}, [])

    def validate(self, case, today, checked: _Checked) -> None:
        """Rules that only make sense once the table allowed the event."""

    def apply(self, session, case, today, checked: _Checked, case_key) -> None:
        pass


class _Acknowledge(_Effect):
    def apply(self, session, case, today, checked, case_key):
        case.acknowledged_on = today
        store_deadlines(case)  # the feedback term now runs from the acknowledgement


class _Triage(_Effect):
    def check(self, session, case, today, facts, principal, case_key):
        parsed = parse_facts(Event.TRIAGE, facts)
        return _Checked(parsed, dict(parsed), parsed, [])

    def apply(self, session, case, today, checked, case_key):
        case.category = checked.values["kind"]
        case.meldingswaardig = checked.values["meldingswaardig"]


class _Extend(_Effect):
    def check(self, session, case, today, facts, principal, case_key):
        parsed = parse_facts(Event.EXTEND_FEEDBACK, facts)
        # The state does not change, so the claim also asks that no extension won the race.
        return _Checked({"reason_given": True}, {"until": parsed["until"].isoformat()}, parsed,
                        [Case.feedback_extended_to.is_(None)])

    def validate(self, case, today, checked):
        try:
            extend(deadlines_of(case), checked.values["until"], checked.values["reason"], today)
        except DeadlineError as exc:
            raise InvalidInput(_deadline_message(exc), field=exc.field) from None

    def apply(self, session, case, today, checked, case_key):
        until, reason = checked.values["until"], checked.values["reason"]
        case.feedback_extended_to = until
        store_deadlines(case)
        _seal_message(session, case, today, case_key, "counsellor",
                      {"text": reason, "purpose": "extension", "until": until.isoformat()})


class _GiveFeedback(_Effect):
    def check(self, session, case, today, facts, principal, case_key):
        return _Checked({}, {}, parse_facts(Event.GIVE_FEEDBACK, facts), [])

    def apply(self, session, case, today, checked, case_key):
        case.feedback_given_on = today
        _seal_message(session, case, today, case_key, "counsellor",
                      {"text": checked.values["text"], "purpose": "feedback"})


class _Escalate(_Effect):
    def check(self, session, case, today, facts, principal, case_key):
        # Escalating means sending a dossier: whistle.services.counsellor.escalation composes and seals
        # it, then fires this step. Nothing else (a bare CLI call) may move the state alone.
        if facts.get("dossier_sent") is not True:
            raise InvalidInput("dossier: doorzetten gaat met een dossier voor het bevoegd gezag; stel het "
                               "samen op de pagina 'Doorzetten naar bevoegd gezag'. Er is niets gewijzigd.",
                               field="dossier")
        return _Checked({}, {}, {}, [])


class _Decide(_Effect):
    def check(self, session, case, today, facts, principal, case_key):
        parsed = parse_facts(Event.DECIDE, facts)
        # The motivation is content: it belongs in the dossier, sealed; only the choice is audited.
        return _Checked({"decision": parsed["decision"], "motivated": True},
                        {"decision": parsed["decision"]}, parsed | {"principal": principal}, [])

    def apply(self, session, case, today, checked, case_key):
        principal = checked.values["principal"]
        dossier = held_dossier_of_case(session, case, principal.staff)
        key = authority_key(session, dossier, principal.staff, principal.secret_key)
        seal_decision(session, dossier, key, today, decision=checked.values["decision"],
                      motivation=checked.values["motivation"],
                      by=principal.staff.display_name or "Bevoegd gezag")


class _ReportExternal(_Effect):
    def check(self, session, case, today, facts, principal, case_key):
        parsed = parse_facts(Event.REPORT_EXTERNAL, facts)
        route_id = parsed["route"]
        listed = {r.id for r in regeling_of(case.organisation).external_routes}
        listed |= {"huis_voor_klokkenluiders", OTHER_ROUTE}
        if route_id not in listed:
            raise InvalidInput(f"route: kies bij welke instantie u heeft gemeld: "
                               f"{', '.join(sorted(listed))}.", field="route")
        blob = None
        if "ciphertext" in parsed:
            blob = sealed_record(parsed["ciphertext"], "ciphertext")
        return _Checked({}, {}, {"route": route_id, "ciphertext": blob}, [])

    def apply(self, session, case, today, checked, case_key):
        # Which body the melder went to is theirs to tell: it is sealed for the counsellor,
        # never stored or audited readably.
        if checked.values["ciphertext"] is not None:
            _store_record(session, case, today, "reporter", checked.values["ciphertext"])
        elif case_key is not None:
            route_id = checked.values["route"]
            name = "een andere instantie" if route_id == OTHER_ROUTE else catalogue_route(route_id).name
            _seal_message(session, case, today, case_key, "reporter", {
                "text": f"Ik heb mijn melding extern gemeld bij: {name}.",
                "purpose": "external_report", "route": route_id})


class _Disagree(_Effect):
    def apply(self, session, case, today, checked, case_key):
        if case.melder_disagrees_on is None:
            case.melder_disagrees_on = today


class _MarkOverdue(_Effect):
    def check(self, session, case, today, facts, principal, case_key):
        deadline = OverdueDeadline(parse_facts(Event.MARK_OVERDUE, facts)["deadline"])
        if deadline is OverdueDeadline.ACKNOWLEDGEMENT:
            due, done, column = case.ack_due, case.acknowledged_on, Case.ack_overdue_on
        else:
            due, done, column = case.feedback_due, case.feedback_given_on, Case.feedback_overdue_on
        if done is not None or due >= today:
            raise InvalidInput(f"deadline: the {deadline.value} deadline {due} has not passed unmet",
                               field="deadline")
        if getattr(case, column.key) is not None:
            raise Conflict(f"deadline: the {deadline.value} deadline was already recorded as overdue")
        return _Checked({"deadline": deadline.value}, {"deadline": deadline.value, "due": due.isoformat()},
                        {"column": column.key}, [column.is_(None)])

    def apply(self, session, case, today, checked, case_key):
        setattr(case, checked.values["column"], today)


_EFFECTS: dict[Event, _Effect] = {
    Event.ACKNOWLEDGE: _Acknowledge(), Event.TRIAGE: _Triage(), Event.ESCALATE: _Escalate(),
    Event.DECIDE: _Decide(), Event.GIVE_FEEDBACK: _GiveFeedback(), Event.EXTEND_FEEDBACK: _Extend(),
    Event.CLOSE: _Effect(), Event.WITHDRAW: _Effect(), Event.REPORT_EXTERNAL: _ReportExternal(),
    Event.DISAGREE: _Disagree(), Event.MARK_OVERDUE: _MarkOverdue(),
}


def _deadline_message(exc: DeadlineError) -> str:
    return f"{exc.field}: {exc.message}. Er is niets gewijzigd."


def _seal_message(session: Session, case: Case, today: date, case_key: bytes | None, author: str,
                  body: dict) -> None:
    if case_key is None:  # pragma: no cover - every path that writes a message holds the key
        raise Forbidden("Zonder de sleutel van de zaak kan geen bericht worden opgeslagen.")
    _store_record(session, case, today, author, crypto.seal_record(case_key, "message", case.locator.hex(), body))


def _store_record(session: Session, case: Case, today: date, author: str, blob: bytes) -> None:
    session.add(Record(case_id=case.id, kind="message", author=author, created_on=today, ciphertext=blob))
