"""Benadeling (detriment, Wbk art. 17da; ISO 37002 8.3 and 8.5): the risk assessment the
vertrouwenspersoon records at triage, the melder's own reports, and the follow-up questions
after closing. Every answer is sealed under the case key; only the facts the annual figures
count (that benadeling was reported, and how many follow-up moments were answered or
reminded) are kept in the clear."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from whistle.domain.deadlines import add_months
from whistle.domain.errors import RegelingError


class BenadelingKind(StrEnum):
    """What a sealed case_benadeling row holds (the table's CHECK constraint derives from it)."""

    RISK = "risico"        # the vertrouwenspersoon's risk assessment at triage
    REPORT = "melding"     # the melder reports benadeling, at any time
    FOLLOW_UP = "nazorg"   # the melder's answer at a follow-up moment after closing


class Answer(StrEnum):
    YES = "ja"
    NO = "nee"
    UNKNOWN = "onbekend"

    @property
    def label(self) -> str:
        return {"ja": "Ja", "nee": "Nee", "onbekend": "Weet ik niet"}[self.value]


class RiskLevel(StrEnum):
    LOW = "laag"
    MEDIUM = "midden"
    HIGH = "hoog"

    @property
    def label(self) -> str:
        return {"laag": "Laag", "midden": "Midden", "hoog": "Hoog"}[self.value]


@dataclass(frozen=True)
class Question:
    name: str
    text: str


# The structured questions of the risk assessment (ISO 37002 8.3: the risk of detriment).
RISK_QUESTIONS: tuple[Question, ...] = (
    Question("identity_known", "Weet of vermoedt iemand in de organisatie wie de melder is?"),
    Question("traceable", "Is de melding uit haar inhoud naar de melder te herleiden?"),
    Question("dependent", "Is de melder afhankelijk van de betrokkene(n), bijvoorbeeld als leidinggevende?"),
    Question("signals", "Zijn er al signalen van benadeling (dreiging, uitsluiting, ander werk, slechtere beoordeling)?"),
)
RISK_LEVEL_FIELD = "level"
MEASURES_FIELD = "measures"


def follow_up_moments(closed_on: date, months: tuple[int, ...]) -> tuple[date, ...]:
    """The days after closing on which the melder is asked about benadeling."""
    return tuple(add_months(closed_on, m) for m in months)


def open_follow_up(closed_on: date | None, months: tuple[int, ...], answered: int, today: date) -> int | None:
    """The index of the follow-up moment the melder may answer now, or None. Answering the
    latest moment that has come also settles an earlier one the melder let pass."""
    if closed_on is None:
        return None
    due = [i for i, day in enumerate(follow_up_moments(closed_on, months)) if day <= today]
    if not due or due[-1] < answered:
        return None
    return due[-1]


def follow_up_to_remind(closed_on: date | None, months: tuple[int, ...], reminded: int, today: date) -> int | None:
    """The index of the follow-up moment the counsellor should now be reminded of, or None."""
    index = open_follow_up(closed_on, months, reminded, today)
    return index


DEFAULT_FOLLOW_UP_MONTHS: tuple[int, ...] = (3, 12)  # after closing, when a regeling names none


def parse_follow_up_months(top, closed_case_days: int) -> tuple[int, ...]:
    """A regeling's [benadeling] follow_up_months (`top` reads it, whistle.domain.regeling):
    ascending whole months after closing, each asked while
    the case (and so the melder's code) still exists: before retention deletes it."""
    table = top.table("benadeling", {"follow_up_months"}, required=False)
    if table is None:
        return DEFAULT_FOLLOW_UP_MONTHS
    months = table.array("follow_up_months", required=False)
    for i, m in enumerate(months):
        if isinstance(m, bool) or not isinstance(m, int) or m < 1:
            raise RegelingError(table.file, table.at("follow_up_months") + f"[{i}]",
                                f"must be a whole number of months of at least 1, got {m!r}")
        if i and m <= months[i - 1]:
            raise RegelingError(table.file, table.at("follow_up_months") + f"[{i}]",
                                "the moments must be in ascending order")
        if m * 31 >= closed_case_days:
            raise RegelingError(table.file, table.at("follow_up_months") + f"[{i}]",
                                f"{m} months reaches past retention ({closed_case_days} days after closing), "
                                "when the case and the melder's code are gone")
    return tuple(months)
