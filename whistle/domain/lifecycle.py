"""The case lifecycle: one transition table, the single source of truth.

Every change of a case's state goes through `fire(state, event, actor, **facts)`, which looks
the (state, event) pair up in `TRANSITIONS`, checks the actor and the guards, and returns the
next state. It changes nothing: the service stores the new state and writes the audit event.

Facts are plain keyword arguments. Two kinds of guard read them:
- *case* guards ask about the case as stored (`meldingswaardig`, `already_extended`); they are
  checked by `permitted`, `fire` and `available_events`, so a button only shows when it can work;
- *input* guards ask about what the actor submits with the button (`kind`, `decision`,
  `motivated`, `reason_given`, `deadline`); only `fire` checks them, because the form behind
  the button supplies them.
A missing fact fails its guard: the service must say what it knows. A refusal by a guard
carries that guard (`TransitionNotAllowed.guard`).

Decisions recorded here (see docs/lifecycle.md):
- every case ends through `terugkoppeling_gegeven` before `afgesloten`: the Wbk obliges the
  organisation to tell the melder about the assessment and follow-up, also when the
  counsellor finds the matter not meldingswaardig. So `close` only leaves
  `terugkoppeling_gegeven`, and a not-meldingswaardig case gets `give_feedback` from
  `in_behandeling` first.
- `escalate` needs a case triaged as meldingswaardig.
- which deadlines a state awaits is whistle.domain.states.awaiting: the feedback term can be
  extended once the acknowledgement was sent, and the scheduler marks as overdue exactly the
  deadlines the state awaits.
- `ingetrokken` and `extern_gemeld` are final for the internal procedure; the melder may
  withdraw or report externally from every open state, including after the feedback.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType
from typing import Callable, Iterable, Mapping

from whistle.domain.errors import TransitionNotAllowed
from whistle.domain.states import (  # noqa: F401 - the lifecycle's vocabulary, importable from here
    FINAL_STATES, OPEN_STATES, STATE_LABELS, OverdueDeadline, State, awaits_acknowledgement, awaits_feedback,
    is_open,
)


class Actor(str, Enum):
    MELDER = "melder"
    COUNSELLOR = "counsellor"  # vertrouwenspersoon
    AUTHORITY = "authority"  # bevoegd gezag
    SCHEDULER = "scheduler"

    def __str__(self) -> str:
        return self.value


class Event(str, Enum):
    ACKNOWLEDGE = "acknowledge"
    TRIAGE = "triage"
    ESCALATE = "escalate"
    DECIDE = "decide"
    GIVE_FEEDBACK = "give_feedback"
    EXTEND_FEEDBACK = "extend_feedback"
    CLOSE = "close"
    WITHDRAW = "withdraw"
    REPORT_EXTERNAL = "report_external"
    DISAGREE = "disagree"
    MARK_OVERDUE = "mark_overdue"
    DISMISS = "dismiss"  # close junk (a flood, records that do not open) before any assessment
    FULFIL_CATEGORY = "fulfil_category"  # what the regeling's category asks within its own term is done
    COMPLAIN = "complain"  # the melder complains about the outcome (whistle.domain.complaint)
    FORWARD_COMPLAINT = "forward_complaint"  # the counsellor puts it to the office that decides
    UPHOLD_COMPLAINT = "uphold_complaint"  # that office: an investigation after all
    REJECT_COMPLAINT = "reject_complaint"  # that office: no investigation, with reasons

    def __str__(self) -> str:
        return self.value


class MeldingKind(str, Enum):
    """What the counsellor finds the melding to be at triage."""

    INTEGRITEITSVRAAG = "integriteitsvraag"  # integriteitsvraag of dilemma
    ONGEWENST_GEDRAG = "ongewenst_gedrag"
    VERMOEDEN_MISSTAND = "vermoeden_misstand"  # vermoeden van een misstand (Wbk)
    INTEGRITEITSSCHENDING = "integriteitsschending"

    @property
    def label(self) -> str:
        return {
            "integriteitsvraag": "Integriteitsvraag of dilemma",
            "ongewenst_gedrag": "Ongewenst gedrag",
            "vermoeden_misstand": "Vermoeden van een misstand",
            "integriteitsschending": "Integriteitsschending",
        }[self.value]


class DismissReason(str, Enum):
    """Why the counsellor closes a case as junk; a choice, so the audit trail may name it."""

    ONLEESBAAR = "onleesbaar"  # its records do not open
    GEEN_MELDING = "geen_melding"  # readable, but no melding (a flood, a test, spam)


class Decision(str, Enum):
    """What the bevoegd gezag decides on an escalated dossier."""

    ONDERZOEK = "onderzoek"
    GEEN_ONDERZOEK = "geen_onderzoek"
    DOORVERWIJZEN = "doorverwijzen"


@dataclass(frozen=True)
class Guard:
    """A named condition on the facts; `check` returns None when satisfied, else why not."""

    name: str
    description: str
    check: Callable[[Mapping[str, object]], str | None]
    on_input: bool = False  # True: about what the actor submits, not about the stored case

    def refusal(self, facts: Mapping[str, object]) -> str | None:
        return self.check(facts)


def _member(fact: str, enum: type[Enum]) -> Callable[[Mapping[str, object]], str | None]:
    allowed = [m.value for m in enum]

    def check(facts: Mapping[str, object]) -> str | None:
        value = facts.get(fact)
        value = getattr(value, "value", value)
        if value not in allowed:
            return f"fact {fact!r} must be one of {allowed}, got {value!r}"
        return None

    return check


def _is(fact: str, expected: bool) -> Callable[[Mapping[str, object]], str | None]:
    def check(facts: Mapping[str, object]) -> str | None:
        value = facts.get(fact)
        if not isinstance(value, bool):
            return f"fact {fact!r} must be given as a bool, got {value!r}"
        if value is not expected:
            return f"fact {fact!r} must be {expected}"
        return None

    return check


def _bool_given(fact: str) -> Callable[[Mapping[str, object]], str | None]:
    def check(facts: Mapping[str, object]) -> str | None:
        if not isinstance(facts.get(fact), bool):
            return f"fact {fact!r} must be given as a bool, got {facts.get(fact)!r}"
        return None

    return check


def _one_of(fact: str, allowed: Iterable[Enum]) -> Callable[[Mapping[str, object]], str | None]:
    values = [a.value for a in allowed]

    def check(facts: Mapping[str, object]) -> str | None:
        value = facts.get(fact)
        value = getattr(value, "value", value)
        if value not in values:
            return f"fact {fact!r} must be one of {values} here, got {value!r}"
        return None

    return check


KIND_GIVEN = Guard("kind_given", "a melding kind (MeldingKind) is chosen", _member("kind", MeldingKind), True)
MELDINGSWAARDIG_GIVEN = Guard(
    "meldingswaardig_given", "the counsellor states whether the matter is meldingswaardig",
    _bool_given("meldingswaardig"), True)
IS_MELDINGSWAARDIG = Guard(
    "is_meldingswaardig", "the case was triaged as meldingswaardig", _is("meldingswaardig", True))
DECISION_GIVEN = Guard("decision_given", "a decision (Decision) is chosen", _member("decision", Decision), True)
MOTIVATED = Guard("motivated", "the decision carries a motivation", _is("motivated", True), True)
NOT_YET_EXTENDED = Guard(
    "not_yet_extended", "the feedback term has not been extended before (one extension only)",
    _is("already_extended", False))
REASON_GIVEN = Guard(
    "reason_given", "a reason for the extension, told to the melder, is given", _is("reason_given", True), True)
ANY_DEADLINE = Guard(
    "ack_or_feedback_deadline", "the overdue deadline is the acknowledgement or the feedback",
    _member("deadline", OverdueDeadline), True)
DISMISS_REASON_GIVEN = Guard(
    "dismiss_reason_given", "a reason for closing as junk (DismissReason) is chosen",
    _is("reason_given", True), True)
CATEGORY_ACTION_OPEN = Guard(
    "category_action_open", "the case's regeling category carries a term whose action is not yet done",
    _is("category_action_open", True))
COMPLAINT_OFFERED = Guard(
    "complaint_offered", "the regeling names an office that decides on complaints ([complaint])",
    _is("complaint_offered", True))
NOT_YET_COMPLAINED = Guard(
    "not_yet_complained", "the melder has not complained about this case before (one complaint)",
    _is("complained", False))
FEEDBACK_DEADLINE = Guard(
    "feedback_deadline", "the overdue deadline is the feedback (acknowledgement already sent)",
    _one_of("deadline", [OverdueDeadline.FEEDBACK]), True)


@dataclass(frozen=True)
class Transition:
    """One row of the table: (from_state, event) -> to_state."""

    from_state: State
    event: Event
    to_state: State
    actors: frozenset[Actor]
    guards: tuple[Guard, ...]
    label: str  # Dutch button label

    @property
    def guard_description(self) -> str:
        return "; ".join(g.description for g in self.guards)


_C = frozenset({Actor.COUNSELLOR})
_M = frozenset({Actor.MELDER})
_A = frozenset({Actor.AUTHORITY})
_S = frozenset({Actor.SCHEDULER})


def _rows() -> Iterable[Transition]:
    T = Transition
    yield T(State.ONTVANGEN, Event.ACKNOWLEDGE, State.ONTVANGST_BEVESTIGD, _C, (), "Ontvangst bevestigen")
    yield T(State.ONTVANGST_BEVESTIGD, Event.TRIAGE, State.IN_BEHANDELING, _C,
            (KIND_GIVEN, MELDINGSWAARDIG_GIVEN), "Beoordelen en in behandeling nemen")
    yield T(State.IN_BEHANDELING, Event.ESCALATE, State.DOORGEZET, _C,
            (IS_MELDINGSWAARDIG,), "Doorzetten naar bevoegd gezag")
    yield T(State.DOORGEZET, Event.DECIDE, State.BESLUIT_GENOMEN, _A,
            (DECISION_GIVEN, MOTIVATED), "Besluit vastleggen")
    for state in (State.IN_BEHANDELING, State.BESLUIT_GENOMEN, State.ONDERZOEK_NA_KLACHT):
        yield T(state, Event.GIVE_FEEDBACK, State.TERUGKOPPELING_GEGEVEN, _C, (), "Terugkoppeling geven")
    for state in State:  # after the acknowledgement, while the feedback is awaited
        if awaits_feedback(state) and not awaits_acknowledgement(state):
            yield T(state, Event.EXTEND_FEEDBACK, state, _C, (NOT_YET_EXTENDED, REASON_GIVEN),
                    "Termijn voor terugkoppeling verlengen")
    # A category's own term (Senzer: inform the directie) is met while the case is handled.
    for state in (State.IN_BEHANDELING, State.DOORGEZET, State.BESLUIT_GENOMEN, State.TERUGKOPPELING_GEGEVEN):
        yield T(state, Event.FULFIL_CATEGORY, state, _C, (CATEGORY_ACTION_OPEN,),
                "Verplichting van de categorie vervuld")
    yield T(State.TERUGKOPPELING_GEGEVEN, Event.CLOSE, State.AFGESLOTEN, _C, (), "Melding afsluiten")
    # Junk, once acknowledged and before any assessment (the bulk close acknowledges first).
    yield T(State.ONTVANGST_BEVESTIGD, Event.DISMISS, State.AFGESLOTEN, _C, (DISMISS_REASON_GIVEN,),
            "Afsluiten als onbruikbaar")
    yield T(State.TERUGKOPPELING_GEGEVEN, Event.DISAGREE, State.TERUGKOPPELING_GEGEVEN, _M, (),
            "Ik ben het niet eens met de uitkomst")
    # A complaint after the terugkoppeling: `close` has no row from these states, so a case
    # cannot be closed while its complaint is pending.
    yield T(State.TERUGKOPPELING_GEGEVEN, Event.COMPLAIN, State.KLACHT_INGEDIEND, _M,
            (COMPLAINT_OFFERED, NOT_YET_COMPLAINED), "Klacht indienen over de afhandeling")
    yield T(State.KLACHT_INGEDIEND, Event.FORWARD_COMPLAINT, State.KLACHT_VOORGELEGD, _C, (),
            "Klacht voorleggen")
    yield T(State.KLACHT_VOORGELEGD, Event.UPHOLD_COMPLAINT, State.ONDERZOEK_NA_KLACHT, _A, (MOTIVATED,),
            "Alsnog onderzoek")
    yield T(State.KLACHT_VOORGELEGD, Event.REJECT_COMPLAINT, State.TERUGKOPPELING_GEGEVEN, _A, (MOTIVATED,),
            "Geen onderzoek")
    for state in sorted(OPEN_STATES, key=list(State).index):
        yield T(state, Event.WITHDRAW, State.INGETROKKEN, _M, (), "Melding intrekken")
        yield T(state, Event.REPORT_EXTERNAL, State.EXTERN_GEMELD, _M, (), "Ik heb extern gemeld")
    for state in State:  # the scheduler marks exactly the deadlines the state awaits
        if awaits_feedback(state):
            guard = ANY_DEADLINE if awaits_acknowledgement(state) else FEEDBACK_DEADLINE
            yield T(state, Event.MARK_OVERDUE, state, _S, (guard,), "Termijn verstreken")


def _build() -> Mapping[tuple[State, Event], Transition]:
    table: dict[tuple[State, Event], Transition] = {}
    for row in _rows():
        key = (row.from_state, row.event)
        if key in table:  # pragma: no cover - a mistake in _rows, caught at import
            raise RuntimeError(f"duplicate transition {key}")
        table[key] = row
    return MappingProxyType(table)


TRANSITIONS: Mapping[tuple[State, Event], Transition] = _build()


def _coerce(enum: type[Enum], value: object, what: str, state: object, event: object, actor: object):
    try:
        return enum(getattr(value, "value", value))
    except ValueError:
        raise TransitionNotAllowed(state, event, actor, f"unknown {what} {value!r}") from None


def permitted(state: State | str, event: Event | str, actor: Actor | str, **facts: object) -> Transition:
    """The row `actor` may start from `state` given the stored case facts, or raise
    TransitionNotAllowed. Input guards are left to `fire`: the form behind the button
    supplies those facts, and it is read only once the step itself is allowed."""
    return _checked(state, event, actor, facts, inputs=False)


def fire(state: State | str, event: Event | str, actor: Actor | str, **facts: object) -> State:
    """Return the state after `event` by `actor`, or raise TransitionNotAllowed. Pure."""
    return _checked(state, event, actor, facts, inputs=True).to_state


def _checked(state, event, actor, facts: Mapping[str, object], *, inputs: bool) -> Transition:
    s = _coerce(State, state, "state", state, event, actor)
    e = _coerce(Event, event, "event", state, event, actor)
    a = _coerce(Actor, actor, "actor", state, event, actor)
    row = TRANSITIONS.get((s, e))
    if row is None:
        raise TransitionNotAllowed(s, e, a, "no such transition from this state")
    if a not in row.actors:
        allowed = ", ".join(sorted(x.value for x in row.actors))
        raise TransitionNotAllowed(s, e, a, f"only {allowed} may do this")
    for guard in row.guards:
        why = None if guard.on_input and not inputs else guard.refusal(facts)
        if why is not None:
            raise TransitionNotAllowed(s, e, a, f"guard {guard.name} failed: {why}", guard=guard)
    return row


def event_label(event: Event | str) -> str:
    """The Dutch label of an event's button (the same on every row of that event)."""
    e = Event(getattr(event, "value", event))
    return next((row.label for (_s, ev), row in TRANSITIONS.items() if ev is e), e.value)


def available_events(state: State | str, actor: Actor | str, **facts: object) -> list[Transition]:
    """The transitions `actor` may start from `state`, given the stored case facts.

    Input guards are left to `fire`: the form behind the button supplies those facts.
    """
    s = _coerce(State, state, "state", state, "-", actor)
    a = _coerce(Actor, actor, "actor", state, "-", actor)
    return [
        row for (from_state, _), row in TRANSITIONS.items()
        if from_state is s and a in row.actors
        and all(g.on_input or g.refusal(facts) is None for g in row.guards)
    ]


def render_mermaid() -> str:
    """A Mermaid stateDiagram-v2 generated from TRANSITIONS (docs/lifecycle.md embeds it)."""
    lines = ["stateDiagram-v2"]
    for state in State:
        lines.append(f'    state "{state.label}" as {state.value}')
    lines.append(f"    [*] --> {State.ONTVANGEN.value}")
    edges: dict[tuple[State, State], list[str]] = {}
    for row in TRANSITIONS.values():
        actors = "/".join(sorted(a.value for a in row.actors))
        text = f"{row.event.value} ({actors})"
        bucket = edges.setdefault((row.from_state, row.to_state), [])
        if text not in bucket:
            bucket.append(text)
    for (src, dst), texts in edges.items():
        lines.append(f"    {src.value} --> {dst.value}: {', '.join(texts)}")
    for state in State:
        if state in FINAL_STATES:
            lines.append(f"    {state.value} --> [*]")
    return "\n".join(lines) + "\n"


def render_table() -> str:
    """The transition table as Markdown, generated like the diagram."""
    lines = [
        "| from | event | to | actors | guards | button |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in TRANSITIONS.values():
        guards = "; ".join(f"`{g.name}`: {g.description}" for g in row.guards) or "-"
        actors = ", ".join(sorted(a.value for a in row.actors))
        lines.append(
            f"| {row.from_state.value} | {row.event.value} | {row.to_state.value} "
            f"| {actors} | {guards} | {row.label} |"
        )
    return "\n".join(lines) + "\n"
