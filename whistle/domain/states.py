"""The states of a case, and which deadlines a case in each state still awaits.

The transition table (whistle.domain.lifecycle) moves a case between these states; the
scheduler's queries, the staff inbox and the melder's page ask `awaiting` (or its shorthands)
which deadlines can still pass unmet, so that all of them agree with the table's
`extend_feedback` and `mark_overdue` rows.
"""
from __future__ import annotations

from datetime import date
from enum import Enum
from types import MappingProxyType
from typing import Mapping


class State(str, Enum):
    ONTVANGEN = "ontvangen"
    ONTVANGST_BEVESTIGD = "ontvangst_bevestigd"
    IN_BEHANDELING = "in_behandeling"
    DOORGEZET = "doorgezet"
    BESLUIT_GENOMEN = "besluit_genomen"
    TERUGKOPPELING_GEGEVEN = "terugkoppeling_gegeven"
    AFGESLOTEN = "afgesloten"
    INGETROKKEN = "ingetrokken"
    EXTERN_GEMELD = "extern_gemeld"
    # A melder's complaint after the terugkoppeling (whistle.domain.complaint): lodged, put to
    # the office that decides on it, and an investigation after all when that office says so.
    KLACHT_INGEDIEND = "klacht_ingediend"
    KLACHT_VOORGELEGD = "klacht_voorgelegd"
    ONDERZOEK_NA_KLACHT = "onderzoek_na_klacht"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]

    def __str__(self) -> str:
        return self.value


STATE_LABELS: Mapping[State, str] = MappingProxyType({
    State.ONTVANGEN: "Ontvangen",
    State.ONTVANGST_BEVESTIGD: "Ontvangst bevestigd",
    State.IN_BEHANDELING: "In behandeling",
    State.DOORGEZET: "Doorgezet naar bevoegd gezag",
    State.BESLUIT_GENOMEN: "Besluit genomen",
    State.TERUGKOPPELING_GEGEVEN: "Terugkoppeling gegeven",
    State.AFGESLOTEN: "Afgesloten",
    State.INGETROKKEN: "Ingetrokken",
    State.EXTERN_GEMELD: "Extern gemeld",
    State.KLACHT_INGEDIEND: "Klacht ingediend",
    State.KLACHT_VOORGELEGD: "Klacht voorgelegd",
    State.ONDERZOEK_NA_KLACHT: "Alsnog onderzoek na klacht",
})


class OverdueDeadline(str, Enum):
    """A deadline the Wbk sets; `mark_overdue` names the one that passed."""

    ACKNOWLEDGEMENT = "acknowledgement"
    FEEDBACK = "feedback"


OPEN_STATES: frozenset[State] = frozenset({
    State.ONTVANGEN, State.ONTVANGST_BEVESTIGD, State.IN_BEHANDELING, State.DOORGEZET,
    State.BESLUIT_GENOMEN, State.TERUGKOPPELING_GEGEVEN,
    State.KLACHT_INGEDIEND, State.KLACHT_VOORGELEGD, State.ONDERZOEK_NA_KLACHT,
})
FINAL_STATES: frozenset[State] = frozenset(State) - OPEN_STATES

# Which deadlines a case in each state still awaits; the transition table, the scheduler's
# queries and every page that marks a deadline overdue ask `awaiting`. The acknowledgement is
# awaited until it is sent. The feedback is awaited from the moment the melding arrives (its
# term starts at the latest when the 7-day acknowledgement window ends, sent or not) until it
# is given; a withdrawn case, or one the melder took elsewhere, awaits nothing.
_BOTH = frozenset({OverdueDeadline.ACKNOWLEDGEMENT, OverdueDeadline.FEEDBACK})
_FEEDBACK = frozenset({OverdueDeadline.FEEDBACK})
_NONE: frozenset[OverdueDeadline] = frozenset()
_AWAITED: Mapping[State, frozenset[OverdueDeadline]] = MappingProxyType({
    State.ONTVANGEN: _BOTH,
    State.ONTVANGST_BEVESTIGD: _FEEDBACK,
    State.IN_BEHANDELING: _FEEDBACK,
    State.DOORGEZET: _FEEDBACK,
    State.BESLUIT_GENOMEN: _FEEDBACK,
    State.TERUGKOPPELING_GEGEVEN: _NONE,
    State.AFGESLOTEN: _NONE,
    State.INGETROKKEN: _NONE,
    State.EXTERN_GEMELD: _NONE,
    # The statutory feedback was given before a complaint; the decision on the complaint has a
    # term of its own (case_complaints.due), shown to the counsellor and the deciding office.
    State.KLACHT_INGEDIEND: _NONE,
    State.KLACHT_VOORGELEGD: _NONE,
    State.ONDERZOEK_NA_KLACHT: _NONE,
})


def awaiting(state: State | str) -> frozenset[OverdueDeadline]:
    """The deadlines a case in `state` still awaits."""
    return _AWAITED[State(getattr(state, "value", state))]


def awaits_acknowledgement(state: State | str) -> bool:
    return OverdueDeadline.ACKNOWLEDGEMENT in awaiting(state)


def awaits_feedback(state: State | str) -> bool:
    return OverdueDeadline.FEEDBACK in awaiting(state)


def states_awaiting(deadline: OverdueDeadline | str) -> tuple[str, ...]:
    """The stored state values that await `deadline`, in table order: for an SQL `IN`."""
    deadline = OverdueDeadline(getattr(deadline, "value", deadline))
    return tuple(state.value for state in State if deadline in _AWAITED[state])


def is_overdue(state: State | str, deadline: OverdueDeadline | str, due: date, today: date) -> bool:
    """A deadline the case still awaits, whose day has passed (the day itself is not overdue)."""
    return OverdueDeadline(getattr(deadline, "value", deadline)) in awaiting(state) and due < today


def next_due(state: State | str, ack_due: date | None, feedback_due: date | None) -> date | None:
    """The next statutory day the case awaits: the earliest of the deadlines `awaiting` names
    (the acknowledgement while it is not sent, then the feedback until it is given), None when
    it awaits nothing. Stored as cases.next_due (whistle.services.cases keeps it), which the
    inbox orders and filters by."""
    awaited = awaiting(state)
    days = [day for deadline, day in ((OverdueDeadline.ACKNOWLEDGEMENT, ack_due),
                                      (OverdueDeadline.FEEDBACK, feedback_due))
            if deadline in awaited and day is not None]
    return min(days) if days else None


def is_open(state: State | str) -> bool:
    return State(getattr(state, "value", state)) in OPEN_STATES
