"""The effects of the complaint steps (whistle.domain.complaint), bound in effects.EFFECTS.

- `complain` (melder): what they write, and optionally the date of the event, is a `message`
  record sealed under the case key (purpose 'complaint'); the browser seals it itself and
  sends the LKC's last day it computed, the server path seals it here and computes that day.
  A case_complaints row keeps the days only: lodged, the decision's last day, the LKC's day.
- `forward_complaint` (counsellor): whistle.services.counsellor.complaint composes the
  complaint dossier for the office that decides and fires this step with its id.
- `uphold_complaint` / `reject_complaint` (that office): the decision and its reasons are
  sealed in the complaint dossier; the melder reads them through the dossier key's copy under
  the case key, the counsellor likewise.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Mapping

from sqlalchemy.orm import Session, object_session

import crypto
from whistle.domain.complaint import ComplaintOutcome, check_limit, decision_due, lkc_limit
from whistle.domain.errors import DeadlineError
from whistle.domain.records import Author, RecordKind
from whistle.domain.report import MAX_MESSAGE_CHARS
from whistle.models import Case, CaseComplaint, Dossier, Record
from whistle.services.dossiers import authority_key, seal_decision
from whistle.services.errors import InvalidInput, NotFound
from whistle.services.input import bounded_text, iso_date, sealed_record
from whistle.services.lifecycle.given import Given
from whistle.services.organisations import regeling_of

if TYPE_CHECKING:  # pragma: no cover
    from whistle.services.lifecycle.effects import Step

PURPOSE = "complaint"  # the sealed message's purpose


def complaint_of(session: Session | None, case: Case) -> CaseComplaint | None:
    session = session or object_session(case)
    return session.get(CaseComplaint, case.id) if session is not None else None


def stored_facts(case: Case) -> dict[str, object]:
    """The case facts the complaint rows of the transition table ask about."""
    return {"complaint_offered": regeling_of(case.organisation).complaint is not None,
            "complained": complaint_of(None, case) is not None}




@dataclass(frozen=True)
class Lodged(Given):
    blob: bytes | None          # sealed by the browser
    body: dict | None           # to be sealed here (server path)
    lkc_limit_on: date | None

    def audit(self) -> dict[str, object]:
        return {"event_date_given": self.lkc_limit_on is not None}


@dataclass(frozen=True)
class Forwarded(Given):
    dossier_id: int

    def audit(self) -> dict[str, object]:
        return {"dossier_sent": True}


@dataclass(frozen=True)
class Decided(Given):
    outcome: ComplaintOutcome
    motivation: str  # content: sealed in the complaint dossier

    def guard_facts(self) -> dict[str, object]:
        return {"motivated": True}

    def audit(self) -> dict[str, object]:
        return {"outcome": self.outcome.value}


def read_complaint(step: "Step", raw: Mapping[str, Any]) -> Lodged:
    if raw.get("ciphertext") is not None:
        blob = sealed_record(raw.get("ciphertext"), "ciphertext")
        limit = None
        if raw.get("lkc_limit_on") not in (None, ""):
            day = iso_date(raw.get("lkc_limit_on"), "lkc_limit_on", "lkc_limit_on: geef een datum als JJJJ-MM-DD.")
            limit = _checked(lambda: check_limit(day, step.today))
        return Lodged(blob, None, limit)
    if step.case_key is None:
        raise InvalidInput("ciphertext: ontbreekt.", field="ciphertext")
    text = bounded_text(raw.get("text"), "text", limit=MAX_MESSAGE_CHARS, what="Uw klacht",
                        missing="Schrijf waarom u niet tevreden bent over de afhandeling.")
    event_on, limit = None, None
    if raw.get("event_on") not in (None, ""):
        event_on = iso_date(raw.get("event_on"), "event_on",
                            "event_on: geef de datum van de gebeurtenis als JJJJ-MM-DD.")
        limit = _checked(lambda: lkc_limit(event_on, step.today))
    body = {"text": text, "purpose": PURPOSE, "event_on": event_on.isoformat() if event_on else None}
    return Lodged(None, body, limit)


def _checked(compute):
    try:
        return compute()
    except DeadlineError as exc:
        raise InvalidInput("%(field)s: %(why)s. Er is niets gewijzigd.", field=exc.field,
                           params={"field": exc.field, "why": exc.message}) from None


def complain(step: "Step", given: Lodged) -> None:
    case = step.case
    rule = regeling_of(case.organisation).complaint
    blob = given.blob
    if blob is None:
        blob = crypto.seal_record(step.case_key, "message", case.binding_hex, given.body)
    step.session.add(Record(case_id=case.id, kind=RecordKind.MESSAGE, author=Author.MELDER,
                            created_on=step.today, ciphertext=blob))
    step.session.add(CaseComplaint(case_id=case.id, lodged_on=step.today, due=decision_due(step.today, rule),
                                   lkc_limit_on=given.lkc_limit_on))
    if case.melder_disagrees_on is None:
        case.melder_disagrees_on = step.today


def read_forward(step: "Step", raw: Mapping[str, Any]) -> Forwarded:
    # Forwarding means sending the complaint dossier (whistle.services.counsellor.complaint).
    dossier_id = raw.get("dossier_id")
    dossier = step.session.get(Dossier, dossier_id) if isinstance(dossier_id, int) else None
    if dossier is None or dossier.case_id != step.case.id:
        raise InvalidInput("dossier: een klacht gaat met een dossier naar wie erover beslist; stel het samen "
                           "op de pagina van de zaak. Er is niets gewijzigd.", field="dossier")
    return Forwarded(dossier.id)


def forward(step: "Step", given: Forwarded) -> None:
    complaint = complaint_of(step.session, step.case)
    complaint.forwarded_on = step.today
    complaint.dossier_id = given.dossier_id


def _read_decision(outcome: ComplaintOutcome):
    def read(step: "Step", raw: Mapping[str, Any]) -> Decided:
        return Decided(outcome, bounded_text(raw.get("motivation"), "motivation", limit=MAX_MESSAGE_CHARS,
                                             what="De motivering van het besluit op de klacht"))
    return read


read_uphold = _read_decision(ComplaintOutcome.ONDERZOEK)
read_reject = _read_decision(ComplaintOutcome.GEEN_ONDERZOEK)


def _dossier_and_key(step: "Step") -> tuple[Dossier, bytes]:
    complaint = complaint_of(step.session, step.case)
    dossier = step.session.get(Dossier, complaint.dossier_id) if complaint and complaint.dossier_id else None
    if dossier is None:
        raise NotFound("Deze zaak bestaat niet of u heeft er geen toegang toe.")
    principal = step.staff()
    return dossier, authority_key(step.session, dossier, principal.staff, principal.secret_key)


def validate_decision(step: "Step", given: Decided) -> None:
    _dossier_and_key(step)  # only a member the complaint dossier was sent to decides on it


def decide(step: "Step", given: Decided) -> None:
    dossier, key = _dossier_and_key(step)
    staff = step.staff().staff
    seal_decision(step.session, dossier, key, step.today, decision=given.outcome.value,
                  motivation=given.motivation, by=staff.display_name or "Bevoegd gezag")
    complaint = complaint_of(step.session, step.case)
    complaint.decided_on = step.today
    complaint.outcome = given.outcome.value

