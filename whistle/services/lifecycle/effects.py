"""What each lifecycle event does besides moving the state: one typed effect per event.

An effect has three parts, called by `transition` in this order:
- `read` checks what the actor sent with the step and returns it typed (a `Given`), before
  the transition table checks its input guards on `Given.guard_facts`;
- `validate` applies the rules that only make sense once the table allowed the step;
- `apply` changes the case, after the compare-and-set claim on its row.
A `Step` carries what every effect may use, the principal among it, so nothing is passed
through untyped bags. Content the melder and the counsellor tell each other with a step is
sealed as a `message` record under the case key; the audit details hold metadata only.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any, Callable, Generic, Mapping, TypeVar

from sqlalchemy.orm import Session

import crypto
from whistle.domain.deadlines import DeadlineError, add_term, extend
from whistle.domain.lifecycle import (
    TRANSITIONS, Actor, Decision, DismissReason, Event, MeldingKind, OverdueDeadline, Transition,
)
from whistle.domain.records import Author, RecordKind
from whistle.domain.routes import ART_2C_AUTHORITIES, route as catalogue_route
from whistle.models import Case, Record
from whistle.services import benadeling
from whistle.services.cases import deadlines_of, due_of, store_deadlines
from whistle.services.dossiers import authority_key, held_dossier_of_case, seal_decision
from whistle.services.errors import Conflict, Forbidden, InvalidInput
from whistle.services.lifecycle import complaint
from whistle.services.lifecycle.given import Given
from whistle.services.lifecycle.facts import parse_facts
from whistle.services.melder.case import ReporterContext
from whistle.services.input import sealed_record
from whistle.services.organisations import regeling_of
from whistle.services.staff.accounts import StaffPrincipal

OTHER_ROUTE = "anders"  # the melder went to a body the regeling does not list


class _Scheduler:
    """The scheduler as an actor: it reads metadata only and may only mark deadlines."""

    def __repr__(self) -> str:
        return "SCHEDULER"


SCHEDULER = _Scheduler()
Principal = StaffPrincipal | ReporterContext | _Scheduler


@dataclass(frozen=True)
class Step:
    """One event being fired on one case: what every effect may use."""
    session: Session
    case: Case
    today: date
    actor: Actor
    principal: Principal
    case_key: bytes | None  # held by a counsellor, and by the melder on the server path

    def staff(self) -> StaffPrincipal:
        if not isinstance(self.principal, StaffPrincipal):  # pragma: no cover - the table's actors
            raise Forbidden("Alleen een medewerker kan deze stap zetten.")
        return self.principal




NOTHING = Given()
G = TypeVar("G", bound=Given)


@dataclass(frozen=True)
class Triage(Given):
    kind: MeldingKind
    meldingswaardig: bool
    category: str | None = None  # the regeling's category (issue 14), metadata for the register
    unit: str | None = None      # the regeling's unit the melding concerns (SamenTwente)
    risk: dict | None = None     # the risk assessment of benadeling, sealed under the case key

    def guard_facts(self) -> dict[str, object]:
        return {"kind": self.kind.value, "meldingswaardig": self.meldingswaardig}

    def audit(self) -> dict[str, object]:
        return {**self.guard_facts(), "category": self.category, "unit": self.unit,
                "risk_assessed": self.risk is not None}


@dataclass(frozen=True)
class CategoryDone(Given):
    def claim(self) -> tuple[Any, ...]:
        return (Case.category_done_on.is_(None),)


@dataclass(frozen=True)
class Extension(Given):
    until: date
    reason: str  # told to the melder, sealed; never audited

    def guard_facts(self) -> dict[str, object]:
        return {"reason_given": True}

    def audit(self) -> dict[str, object]:
        return {"until": self.until.isoformat()}

    def claim(self) -> tuple[Any, ...]:
        # The state does not change, so the claim also asks that no extension won the race.
        return (Case.feedback_extended_to.is_(None),)


@dataclass(frozen=True)
class Feedback(Given):
    text: str


@dataclass(frozen=True)
class DecisionGiven(Given):
    decision: Decision
    motivation: str  # content: sealed in the dossier, only the choice is audited

    def guard_facts(self) -> dict[str, object]:
        return {"decision": self.decision.value, "motivated": True}

    def audit(self) -> dict[str, object]:
        return {"decision": self.decision.value}


@dataclass(frozen=True)
class ExternalReport(Given):
    route: str
    ciphertext: bytes | None  # a message record the melder's client sealed, if it sent one


@dataclass(frozen=True)
class Overdue(Given):
    deadline: OverdueDeadline
    due: date
    column: str  # Case.ack_overdue_on or Case.feedback_overdue_on

    def guard_facts(self) -> dict[str, object]:
        return {"deadline": self.deadline.value}

    def audit(self) -> dict[str, object]:
        return {"deadline": self.deadline.value, "due": self.due.isoformat()}

    def claim(self) -> tuple[Any, ...]:
        return (getattr(Case, self.column).is_(None),)


def _read_nothing(step: Step, raw: Mapping[str, Any]) -> Given:
    return NOTHING


def _nothing(step: Step, given: Given) -> None:
    pass


@dataclass(frozen=True)
class Effect(Generic[G]):
    read: Callable[[Step, Mapping[str, Any]], G] = _read_nothing  # type: ignore[assignment]
    apply: Callable[[Step, G], None] = _nothing
    validate: Callable[[Step, G], None] = _nothing


# --- each event ------------------------------------------------------------------------------

def _acknowledge(step: Step, given: Given) -> None:
    step.case.acknowledged_on = step.today
    store_deadlines(step.case)  # the feedback term now runs from the acknowledgement


def _read_triage(step: Step, raw: Mapping[str, Any]) -> Triage:
    parsed = parse_facts(Event.TRIAGE, raw)
    category = parsed["category"]
    regeling = regeling_of(step.case.organisation)
    if category is not None and category not in {c.id for c in regeling.categories}:
        raise InvalidInput(f"category: kies een onderwerp uit de regeling: "
                           f"{', '.join(c.id for c in regeling.categories)}.", field="category")
    unit = parsed["unit"]
    if unit is not None and unit not in {u.id for u in regeling.units}:
        raise InvalidInput(f"unit: kies een eenheid uit de regeling: {', '.join(u.id for u in regeling.units)}.",
                           field="unit")
    return Triage(MeldingKind(parsed["kind"]), parsed["meldingswaardig"], category, unit,
                  benadeling.parse_risk(raw, required=False))


def _triage(step: Step, given: Triage) -> None:
    case = step.case
    case.category = given.kind.value
    case.meldingswaardig = given.meldingswaardig
    case.regeling_category = given.category
    case.unit = given.unit
    # A category with a term of its own (Senzer: inform the directie within two working days)
    # gets its deadline, counted from the melding like the statutory ones.
    term = regeling_of(case.organisation).category(given.category).term if given.category else None
    case.category_due = add_term(case.received_on, term) if term else None
    if given.risk is not None:
        if step.case_key is None:
            raise Forbidden("Zonder de sleutel van de zaak kan de risico-inschatting niet worden opgeslagen.")
        benadeling.record_risk(step.session, case, step.case_key, given.risk, step.today,
                               step.staff().staff.email)


def _read_category_done(step: Step, raw: Mapping[str, Any]) -> Given:
    if step.case.category_due is None or step.case.category_done_on is not None:
        raise InvalidInput("event: deze zaak heeft geen openstaande verplichting van haar categorie.",
                           field="event")
    return CategoryDone()


def _category_done(step: Step, given: Given) -> None:
    step.case.category_done_on = step.today


def _read_escalate(step: Step, raw: Mapping[str, Any]) -> Given:
    # Escalating means sending a dossier: whistle.services.counsellor.escalation composes and
    # seals it, then fires this step. Nothing else (a bare CLI call) may move the state alone.
    if raw.get("dossier_sent") is not True:
        raise InvalidInput("dossier: doorzetten gaat met een dossier voor het bevoegd gezag; stel het "
                           "samen op de pagina 'Doorzetten naar bevoegd gezag'. Er is niets gewijzigd.",
                           field="dossier")
    return NOTHING


def _read_decision(step: Step, raw: Mapping[str, Any]) -> DecisionGiven:
    parsed = parse_facts(Event.DECIDE, raw)
    return DecisionGiven(Decision(parsed["decision"]), parsed["motivation"])


def _decide(step: Step, given: DecisionGiven) -> None:
    principal = step.staff()
    dossier = held_dossier_of_case(step.session, step.case, principal.staff)
    key = authority_key(step.session, dossier, principal.staff, principal.secret_key)
    seal_decision(step.session, dossier, key, step.today, decision=given.decision.value,
                  motivation=given.motivation, by=principal.staff.display_name or "Bevoegd gezag")


def _read_feedback(step: Step, raw: Mapping[str, Any]) -> Feedback:
    return Feedback(parse_facts(Event.GIVE_FEEDBACK, raw)["text"])


def _give_feedback(step: Step, given: Feedback) -> None:
    if step.case.feedback_given_on is None:  # after an investigation upon a complaint, the first stays
        step.case.feedback_given_on = step.today
    _seal_message(step, Author.COUNSELLOR, {"text": given.text, "purpose": "feedback"})


def _read_extension(step: Step, raw: Mapping[str, Any]) -> Extension:
    parsed = parse_facts(Event.EXTEND_FEEDBACK, raw)
    return Extension(parsed["until"], parsed["reason"])


def _validate_extension(step: Step, given: Extension) -> None:
    try:
        extend(deadlines_of(step.case), given.until, given.reason, step.today)
    except DeadlineError as exc:
        raise InvalidInput("%(field)s: %(why)s. Er is niets gewijzigd.", field=exc.field,
                           params={"field": exc.field, "why": exc.message}) from None


def _extend(step: Step, given: Extension) -> None:
    step.case.feedback_extended_to = given.until
    store_deadlines(step.case)
    _seal_message(step, Author.COUNSELLOR,
                  {"text": given.reason, "purpose": "extension", "until": given.until.isoformat()})


def _read_external_report(step: Step, raw: Mapping[str, Any]) -> ExternalReport:
    parsed = parse_facts(Event.REPORT_EXTERNAL, raw)
    route_id = parsed["route"]
    listed = {r.id for r in regeling_of(step.case.organisation).external_routes}
    listed |= set(ART_2C_AUTHORITIES) | {OTHER_ROUTE}  # every art. 2c authority, the Huis among them
    if route_id not in listed:
        raise InvalidInput(f"route: kies bij welke instantie u heeft gemeld: "
                           f"{', '.join(sorted(listed))}.", field="route")
    blob = None
    if "ciphertext" in parsed:
        blob = sealed_record(parsed["ciphertext"], "ciphertext")
    return ExternalReport(route_id, blob)


def _report_external(step: Step, given: ExternalReport) -> None:
    # Which body the melder went to is theirs to tell: it is sealed for the counsellor,
    # never stored or audited readably.
    if given.ciphertext is not None:
        _store_message(step, Author.MELDER, given.ciphertext)
    elif step.case_key is not None:
        name = "een andere instantie" if given.route == OTHER_ROUTE else catalogue_route(given.route).name
        _seal_message(step, Author.MELDER, {
            "text": f"Ik heb mijn melding extern gemeld bij: {name}.",
            "purpose": "external_report", "route": given.route})


def _disagree(step: Step, given: Given) -> None:
    if step.case.melder_disagrees_on is None:
        step.case.melder_disagrees_on = step.today


@dataclass(frozen=True)
class Dismissal(Given):
    reason: DismissReason

    def guard_facts(self) -> dict[str, object]:
        return {"reason_given": True}

    def audit(self) -> dict[str, object]:
        return {"reason": self.reason.value}


def _read_dismissal(step: Step, raw: Mapping[str, Any]) -> Dismissal:
    return Dismissal(DismissReason(parse_facts(Event.DISMISS, raw)["reason"]))


def _read_overdue(step: Step, raw: Mapping[str, Any]) -> Overdue:
    deadline = OverdueDeadline(parse_facts(Event.MARK_OVERDUE, raw)["deadline"])
    case, today = step.case, step.today
    if deadline is OverdueDeadline.ACKNOWLEDGEMENT:
        done, column = case.acknowledged_on, "ack_overdue_on"
    else:
        done, column = case.feedback_given_on, "feedback_overdue_on"
    due = due_of(case, deadline)
    if done is not None or due >= today:
        raise InvalidInput(f"deadline: the {deadline.value} deadline {due} has not passed unmet",
                           field="deadline")
    if getattr(case, column) is not None:
        raise Conflict(f"deadline: the {deadline.value} deadline was already recorded as overdue")
    return Overdue(deadline, due, column)


def _mark_overdue(step: Step, given: Overdue) -> None:
    setattr(step.case, given.column, step.today)


EFFECTS: Mapping[Event, Effect[Any]] = MappingProxyType({
    Event.ACKNOWLEDGE: Effect(apply=_acknowledge),
    Event.TRIAGE: Effect(read=_read_triage, apply=_triage),
    Event.ESCALATE: Effect(read=_read_escalate),
    Event.DECIDE: Effect(read=_read_decision, apply=_decide),
    Event.GIVE_FEEDBACK: Effect(read=_read_feedback, apply=_give_feedback),
    Event.EXTEND_FEEDBACK: Effect(read=_read_extension, validate=_validate_extension, apply=_extend),
    Event.CLOSE: Effect(),
    Event.WITHDRAW: Effect(),
    Event.REPORT_EXTERNAL: Effect(read=_read_external_report, apply=_report_external),
    Event.DISAGREE: Effect(apply=_disagree),
    Event.MARK_OVERDUE: Effect(read=_read_overdue, apply=_mark_overdue),
    # Closing junk writes nothing to the case; the reason goes to the audit event.
    Event.DISMISS: Effect(read=_read_dismissal),
    Event.FULFIL_CATEGORY: Effect(read=_read_category_done, apply=_category_done),
    Event.COMPLAIN: Effect(read=complaint.read_complaint, apply=complaint.complain),
    Event.FORWARD_COMPLAINT: Effect(read=complaint.read_forward, apply=complaint.forward),
    Event.UPHOLD_COMPLAINT: Effect(read=complaint.read_uphold, validate=complaint.validate_decision,
                                   apply=complaint.decide),
    Event.REJECT_COMPLAINT: Effect(read=complaint.read_reject, validate=complaint.validate_decision,
                                   apply=complaint.decide),
})
if {row.event for row in TRANSITIONS.values()} - set(EFFECTS):  # pragma: no cover - caught at import
    raise RuntimeError("a row of the transition table has no effect")


def effect_of(row: Transition) -> Effect[Any]:
    """The effect bound to a row of the transition table (every row of an event shares it)."""
    return EFFECTS[row.event]


def _seal_message(step: Step, author: Author, body: dict) -> None:
    if step.case_key is None:  # junk whose case key does not open
        raise Forbidden("Zonder de sleutel van de zaak kan geen bericht worden opgeslagen.")
    _store_message(step, author, crypto.seal_record(step.case_key, "message", step.case.binding_hex, body))


def _store_message(step: Step, author: Author, blob: bytes) -> None:
    step.session.add(Record(case_id=step.case.id, kind=RecordKind.MESSAGE, author=author,
                            created_on=step.today, ciphertext=blob))
