"""The register of meldingen: what is recorded about each melding besides its dates, in the
clear because the annual figures need it, and never anything of its content.

Channel and named/anonymous are fixed at intake; the route when the case leaves the
vertrouwenspersoon's hands; the outcome when the case reaches a final state. Which body a
melder reported to externally stays sealed (whistle.services.lifecycle.effects): the register
knows only that the melding went outside."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from whistle.domain.states import State

ACK_DAYS = 7  # the Wbk's acknowledgement term


class Channel(str, Enum):
    WEB_JS = "web_js"
    WEB_NO_JS = "web_zonder_js"
    ON_BEHALF = "namens"
    ORAL = "mondeling"
    UNKNOWN = "onbekend"  # cases received before the register existed (migration 0101)

    @property
    def label(self) -> str:
        return {"web_js": "Web (met JavaScript)", "web_zonder_js": "Web (zonder JavaScript)",
                "namens": "Namens de melder", "mondeling": "Mondeling", "onbekend": "Onbekend"}[self.value]


class Route(str, Enum):
    INTERNAL = "intern"           # handled by the vertrouwenspersoon
    AUTHORITY = "bevoegd_gezag"   # a dossier went to the bevoegd gezag
    EXTERNAL = "extern"           # the melder went to an external body

    @property
    def label(self) -> str:
        return {"intern": "Intern (vertrouwenspersoon)", "bevoegd_gezag": "Bevoegd gezag",
                "extern": "Extern gemeld"}[self.value]


class Outcome(str, Enum):
    INVESTIGATED = "onderzoek"
    NOT_INVESTIGATED = "geen_onderzoek"
    WITHDRAWN = "ingetrokken"
    EXTERNAL = "extern_gemeld"

    @property
    def label(self) -> str:
        return {"onderzoek": "Onderzocht", "geen_onderzoek": "Geen onderzoek",
                "ingetrokken": "Ingetrokken", "extern_gemeld": "Extern gemeld"}[self.value]


def route_after(state: State, current: str | None) -> str | None:
    """The route a step into `state` records; the route once set to the bevoegd gezag stays."""
    if state is State.DOORGEZET:
        return Route.AUTHORITY.value
    if state is State.EXTERN_GEMELD:
        return Route.EXTERNAL.value
    return current


def outcome_of(final: State, meldingswaardig: bool | None, route: str | None) -> str:
    """The outcome a case that reached `final` is counted under."""
    if final is State.INGETROKKEN:
        return Outcome.WITHDRAWN.value
    if final is State.EXTERN_GEMELD:
        return Outcome.EXTERNAL.value
    investigated = route == Route.AUTHORITY.value or bool(meldingswaardig)
    return (Outcome.INVESTIGATED if investigated else Outcome.NOT_INVESTIGATED).value


@dataclass(frozen=True)
class Fact:
    """One melding as the annual figures see it, or `count` deleted ones that looked alike
    (the anonymous counts retention leaves behind)."""

    year: int
    kind: str | None
    channel: str
    named: bool
    outcome: str | None
    route: str
    ack_days: int | None        # days from receipt to acknowledgement
    feedback_days: int | None   # days from receipt to terugkoppeling
    feedback_in_time: bool | None
    extended: bool
    count: int = 1
    category: str | None = None  # the regeling's category, recorded at triage (issue 14)
    benadeling: bool = False     # the melder reported benadeling (issue 15)
    unit: str | None = None      # the regeling's unit (a shared service's municipality)

    @property
    def ack_in_time(self) -> bool | None:
        return None if self.ack_days is None else self.ack_days <= ACK_DAYS
