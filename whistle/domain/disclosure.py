"""Disclosure of the melder's identity without their consent (Wbk art. 1a lid 3, EU directive
2019/1937 art. 16): only where it is compelled by a legal obligation, decided by a second
vertrouwenspersoon (four eyes: never the person who asked), and only after the melder was told
beforehand, in writing and with the reasons, and had a term to react. Telling the melder may be
left out only where it would jeopardise the investigation or the judicial proceedings, and then
with a written reason of its own.

The steps:

    requested --approve--> approved --notify--> notified --disclose (after the term)--> disclosed
              \\--refuse--> refused       \\--disclose (notice withheld)--> disclosed
    requested | approved | notified --withdraw--> withdrawn

Four eyes: approval takes two distinct vertrouwenspersonen, neither of them the requester. A
counsellor's request counts as the first pair of eyes, so a second counsellor approves; a request
of the bevoegd gezag is first seconded by one counsellor and then approved by another. One
counsellor (not the requester) may refuse: refusing protects the melder.

Pure rules: no database, no crypto. What the reasons say is sealed by the services (record kind
`disclosure`); only the state, who acted and the dates are kept in the clear.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from whistle.domain.errors import DomainError
from whistle.domain.worded import Worded

DEFAULT_REACTION_TERM_DAYS = 10
MIN_REACTION_TERM_DAYS = 1
MAX_REACTION_TERM_DAYS = 90
MAX_REASON_CHARS = 5000


class DisclosureState(StrEnum):
    """The states of a disclosure request (the table's CHECK constraint derives from it)."""

    REQUESTED = "requested"
    APPROVED = "approved"
    REFUSED = "refused"
    NOTIFIED = "notified"
    DISCLOSED = "disclosed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    DisclosureState.REQUESTED: "Aangevraagd; wacht op het besluit van (een tweede) vertrouwenspersoon",
    DisclosureState.APPROVED: "Toegestaan; de melder is (nog) niet ingelicht",
    DisclosureState.REFUSED: "Geweigerd",
    DisclosureState.NOTIFIED: "Toegestaan; de melder is ingelicht en heeft een reactietermijn",
    DisclosureState.DISCLOSED: "Bekendgemaakt",
    DisclosureState.WITHDRAWN: "Ingetrokken",
}

OPEN_STATES: tuple[DisclosureState, ...] = (
    DisclosureState.REQUESTED, DisclosureState.APPROVED, DisclosureState.NOTIFIED)


class LegalGround(StrEnum):
    """The only grounds on which the identity may go without consent: each a legal obligation
    (the table's CHECK constraint derives from it)."""

    COURT_ORDER = "rechterlijk_bevel"
    CRIMINAL_INVESTIGATION = "strafrechtelijk_onderzoek"
    AUTHORITY_INVESTIGATION = "onderzoek_autoriteit"
    DEFENCE_RIGHTS = "rechten_verdediging"
    STATUTORY_DUTY = "wettelijke_plicht"

    @property
    def label(self) -> str:
        return GROUND_LABELS[self]


GROUND_LABELS = {
    LegalGround.COURT_ORDER: "Een bevel of beslissing van de rechter",
    LegalGround.CRIMINAL_INVESTIGATION: "Een vordering in een strafrechtelijk onderzoek (politie, openbaar ministerie)",
    LegalGround.AUTHORITY_INVESTIGATION: "Een onderzoek door een bevoegde autoriteit (art. 2c Wbk, Huis voor Klokkenluiders)",
    LegalGround.DEFENCE_RIGHTS: "De rechten van verdediging van een betrokkene in een gerechtelijke procedure",
    LegalGround.STATUTORY_DUTY: "Een andere wettelijke verplichting (wet en artikel noemen in de motivering)",
}


class Requester(StrEnum):
    """Who asked: a vertrouwenspersoon, or a member of the bevoegd gezag from their dossier."""

    COUNSELLOR = "counsellor"
    AUTHORITY = "authority"


class DisclosureRefused(DomainError):
    """A disclosure step is not allowed; `message` is Dutch, for the person who tried it."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class Disclosure:
    """The facts of one request that the rules look at."""

    state: DisclosureState
    requested_by: int | None      # staff id of the requester
    requested_on: date
    decided_by: int | None = None
    notified_on: date | None = None
    react_until: date | None = None
    notice_withheld: bool = False
    requester_role: Requester = Requester.COUNSELLOR
    seconded_by: int | None = None   # the first counsellor to approve a request of the bevoegd gezag


# --- the request ------------------------------------------------------------------------------

def check_ground(raw: object) -> LegalGround:
    try:
        return LegalGround(raw)
    except ValueError:
        raise DisclosureRefused("ground", "Kies de wettelijke grond waarop de identiteit moet worden "
                                "bekendgemaakt; zonder wettelijke verplichting kan het niet.") from None


def check_reason(raw: object, field: str = "reason", what: str = "De motivering") -> str:
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        raise DisclosureRefused(field, Worded("%(what)s ontbreekt: schrijf op waarom, met de vordering of "
                                              "beslissing waar het om gaat.", what=what))
    if len(text) > MAX_REASON_CHARS:
        raise DisclosureRefused(field, Worded("%(what)s is te lang (ten hoogste %(limit)s tekens).",
                                              what=what, limit=MAX_REASON_CHARS))
    return text


def check_new_request(open_requests: int, has_identity: bool) -> None:
    """One open request per case; and there must be an identity to disclose."""
    if not has_identity:
        raise DisclosureRefused("identity", "De melder heeft geen naam of contactgegevens gegeven: er is "
                                "geen identiteit om bekend te maken. Er is niets aangevraagd.")
    if open_requests:
        raise DisclosureRefused("state", "Er loopt al een verzoek om de identiteit van deze melder bekend "
                                "te maken; handel dat eerst af of trek het in.")


# --- the decision -----------------------------------------------------------------------------

def check_decider(d: Disclosure, decider: int) -> None:
    """Four eyes: a second vertrouwenspersoon decides, never the one who asked."""
    if d.state is not DisclosureState.REQUESTED:
        raise DisclosureRefused("state", Worded("Over dit verzoek is al besloten (%(state)s).",
                                                state=d.state.label.lower()))
    if d.requested_by is not None and decider == d.requested_by:
        raise DisclosureRefused("decision", "U vroeg dit zelf aan: een tweede vertrouwenspersoon moet "
                                "besluiten (vier ogen). Er is niets besloten.")
    if d.seconded_by is not None and decider == d.seconded_by:
        raise DisclosureRefused("decision", "U stemde al in: een tweede vertrouwenspersoon moet besluiten "
                                "(vier ogen). Er is niets besloten.")


def needs_second(d: Disclosure) -> bool:
    """Whether an approval now is only the first of two (a request of the bevoegd gezag)."""
    return d.requester_role is Requester.AUTHORITY and d.seconded_by is None


def decide(d: Disclosure, decider: int, approve: bool) -> DisclosureState:
    """REFUSED, APPROVED, or REQUESTED when this approval is the first of two (seconded)."""
    check_decider(d, decider)
    if not approve:
        return DisclosureState.REFUSED
    return DisclosureState.REQUESTED if needs_second(d) else DisclosureState.APPROVED


def react_until(notified_on: date, term_days: int) -> date:
    """The last day the melder may react: `term_days` after the notice."""
    check_term(term_days)
    return notified_on + timedelta(days=term_days)


def check_term(term_days: object) -> int:
    if isinstance(term_days, bool) or not isinstance(term_days, int) or not (
            MIN_REACTION_TERM_DAYS <= term_days <= MAX_REACTION_TERM_DAYS):
        raise DisclosureRefused("reaction_term", f"the reaction term must be a whole number of days from "
                                f"{MIN_REACTION_TERM_DAYS} to {MAX_REACTION_TERM_DAYS}, got {term_days!r}")
    return term_days


def notify(d: Disclosure) -> DisclosureState:
    if d.state is not DisclosureState.APPROVED:
        raise DisclosureRefused("state", "Alleen een toegestaan verzoek kan aan de melder worden gemeld.")
    return DisclosureState.NOTIFIED


# --- disclosing and withdrawing ---------------------------------------------------------------

def first_disclosure_day(d: Disclosure) -> date | None:
    """The first day the identity may go: the day after the reaction term; None when the
    notice was withheld (the investigation would be jeopardised)."""
    return None if d.react_until is None else d.react_until + timedelta(days=1)


def check_disclose(d: Disclosure, today: date) -> DisclosureState:
    if d.state is DisclosureState.APPROVED and d.notice_withheld:
        return DisclosureState.DISCLOSED  # telling the melder would jeopardise the investigation
    if d.state is not DisclosureState.NOTIFIED:
        raise DisclosureRefused("state", Worded("Bekendmaken kan alleen na een toegestaan verzoek waarover de "
                                                "melder is ingelicht (nu: %(state)s).", state=d.state.label.lower()))
    first = first_disclosure_day(d)
    if first is not None and today < first:
        raise DisclosureRefused("term", Worded("De melder heeft tot en met %(until)s om te reageren; bekendmaken "
                                               "kan vanaf %(first)s. Er is niets bekendgemaakt.",
                                               until=f"{d.react_until:%d-%m-%Y}", first=f"{first:%d-%m-%Y}"))
    return DisclosureState.DISCLOSED


def check_withdraw(d: Disclosure) -> DisclosureState:
    if d.state not in OPEN_STATES:
        raise DisclosureRefused("state", Worded("Dit verzoek kan niet meer worden ingetrokken (%(state)s).",
                                                state=d.state.label.lower()))
    return DisclosureState.WITHDRAWN


def notice_text(ground: LegalGround, reason: str, react_until_day: date) -> str:
    """The Dutch notice the melder receives in their case, with the reasons and the term."""
    return (
        "Belangrijk bericht over uw identiteit.\n\n"
        "U heeft bij uw melding uw naam of contactgegevens gegeven. Wij zijn wettelijk verplicht uw "
        "identiteit bekend te maken, ook zonder uw toestemming. Dat mag alleen als de wet het eist; "
        "twee vertrouwenspersonen hebben dit verzoek beoordeeld.\n\n"
        f"Wettelijke grond: {ground.label}.\n\n"
        f"Reden:\n{reason}\n\n"
        f"U kunt tot en met {react_until_day:%d-%m-%Y} reageren met een bericht hier op deze pagina. "
        "Wij maken uw identiteit niet eerder bekend, en alleen aan wie erom vroeg. "
        "U kunt ook advies vragen bij het Huis voor Klokkenluiders."
    )
