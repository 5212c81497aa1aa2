"""A meeting on request (Wbk art. 18; issue 15, point 2): the melder asks for a conversation,
in person or by phone; the vertrouwenspersoon proposes a time and place within the regeling's
term (default 7 days); the melder confirms it, or asks for another moment, after which the
term starts again. The request carries only the kind of meeting; a note with it, and the
proposal, are sealed records.

Pure rules: the kinds, the proposal's last day, which step is allowed when, and the regeling's
[meetings] section (parsed here: regeling.py stays under its length limit)."""
from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import Any

DEFAULT_PROPOSAL_DAYS = 7
LONGEST_PROPOSAL_DAYS = 42  # the law's "reasonable time": six weeks is the outer edge; more is a typo


class MeetingKind(StrEnum):
    GESPREK = "gesprek"    # in person
    TELEFOON = "telefoon"  # by phone

    @property
    def label(self) -> str:
        return {"gesprek": "Een persoonlijk gesprek", "telefoon": "Een telefoongesprek"}[self.value]


class MeetingStage(StrEnum):
    REQUESTED = "gevraagd"      # waiting for the counsellor's proposal
    PROPOSED = "voorgesteld"    # waiting for the melder's confirmation
    CONFIRMED = "bevestigd"


def proposal_due(from_day: date, days: int) -> date:
    """The last day for the counsellor's proposal: `days` calendar days after the request (or
    after the melder asked for another moment)."""
    return from_day + timedelta(days=days)


def stage(proposed_on: date | None, confirmed_on: date | None) -> MeetingStage:
    if confirmed_on is not None:
        return MeetingStage.CONFIRMED
    return MeetingStage.PROPOSED if proposed_on is not None else MeetingStage.REQUESTED


def may_request(open_stage: MeetingStage | None) -> str | None:
    """None when the melder may ask for a meeting now; `open_stage` is that of the newest
    meeting, or None when there is none."""
    if open_stage in (MeetingStage.REQUESTED, MeetingStage.PROPOSED):
        return "u heeft al om een gesprek gevraagd; dat verzoek loopt nog"
    return None


def may_propose(current: MeetingStage | None) -> str | None:
    if current is None or current is MeetingStage.CONFIRMED:
        return "er is geen verzoek om een gesprek dat op een voorstel wacht"
    if current is MeetingStage.PROPOSED:
        return "u heeft al een voorstel gedaan; de melder heeft nog niet geantwoord"
    return None


def may_answer(current: MeetingStage | None) -> str | None:
    """None when the melder may confirm the proposal or ask for another moment."""
    if current is not MeetingStage.PROPOSED:
        return "er is geen voorstel voor een gesprek om op te antwoorden"
    return None


def parse_meetings(top: Any) -> int:
    """A regeling's [meetings] proposal_days (`top` is regeling._Reader): whole days from the
    melder's request to the counsellor's proposal; default 7."""
    table = top.table("meetings", {"proposal_days"}, required=False)
    if table is None or "proposal_days" not in table.data:
        return DEFAULT_PROPOSAL_DAYS
    days = table.data["proposal_days"]
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= LONGEST_PROPOSAL_DAYS:
        raise table.fail("proposal_days", f"must be a whole number of days from 1 to {LONGEST_PROPOSAL_DAYS}, "
                                          f"got {days!r}")
    return days
