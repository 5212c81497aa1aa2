"""The melder's complaint, on the counsellor's side: what the case page shows (the decision's
last day among it), and putting the complaint to the office the regeling names
([complaint] decided_by), as a complaint dossier like an escalation's.

The dossier carries the complaint as the counsellor passes it on (they may take out what
would identify the melder), the terugkoppeling the melder complains about, and an optional
note. Its key is wrapped to the endorsed members holding that office who are not betrokkene,
and its copy under the case key lets the counsellor and the melder read it and the decision."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from whistle.domain.complaint import ComplaintOutcome, RouteLimit, route_limit
from whistle.domain.lifecycle import Event
from whistle.domain.offices import OFFICE_LABELS
from whistle.domain.records import Author
from whistle.domain.regeling import Authority
from whistle.domain.report import MAX_FIELD_CHARS
from whistle.models import Case, CaseComplaint, Dossier, Staff
from whistle.services import audit, dossiers
from whistle.services.cases import case_by_ref, staff_case_key
from whistle.services.context import UseCase
from whistle.services.counsellor import case as counsellor
from whistle.services.counsellor.betrokkenen import require_counsellor
from whistle.services.counsellor.escalation import recipients_for
from whistle.services.errors import InvalidInput
from whistle.services.input import bounded_text
from whistle.services.lifecycle import transition
from whistle.services.lifecycle.complaint import PURPOSE, complaint_of
from whistle.services.organisations import regeling_of
from whistle.services.staff.accounts import StaffPrincipal

NOBODY = ("Er is niemand die over deze klacht mag beslissen: er is geen account met de functie die de "
          "regeling noemt, of die persoon is betrokkene. Er is niets verstuurd. Vraag de beheerder om "
          "een account voor wie in diens plaats treedt.")


@dataclass(frozen=True)
class ComplaintFacts:
    """What the counsellor's and the deciding member's pages show of a complaint: days only."""

    lodged_on: date
    due: date
    overdue: bool
    forwarded_on: date | None
    decided_on: date | None
    outcome: ComplaintOutcome | None
    decided_by: str          # the office's label
    lkc: RouteLimit | None

    @property
    def pending(self) -> bool:
        return self.decided_on is None


def facts(case: Case, today: date) -> ComplaintFacts | None:
    row: CaseComplaint | None = complaint_of(None, case)
    if row is None:
        return None
    rule = regeling_of(case.organisation).complaint
    office = rule.decided_by if rule else ""
    return ComplaintFacts(row.lodged_on, row.due, row.decided_on is None and row.due < today, row.forwarded_on,
                          row.decided_on, ComplaintOutcome(row.outcome) if row.outcome else None,
                          OFFICE_LABELS.get(office, office), route_limit(row.lkc_limit_on, today))


def complaint_message(opened: counsellor.OpenedCase) -> counsellor.OpenedRecord | None:
    """The melder's complaint as they sealed it: their latest message with purpose 'complaint'."""
    found = [m for m in opened.messages if m.author == Author.MELDER and m.body.get("purpose") == PURPOSE]
    return found[-1] if found else None


def last_feedback(opened: counsellor.OpenedCase) -> counsellor.OpenedRecord | None:
    found = [m for m in opened.messages if m.author == Author.COUNSELLOR and m.body.get("purpose") == "feedback"]
    return found[-1] if found else None


def forward(uc: UseCase, principal: StaffPrincipal, ref: str, form: Mapping[str, Any]) -> tuple[Dossier, list[Staff]]:
    """Seal the complaint dossier and fire `forward_complaint`; returns it and its recipients.
    Raises before anything is kept when the input is bad or nobody may decide."""
    session, today = uc.session, uc.today()
    require_counsellor(principal)
    case = case_by_ref(session, ref)
    key = staff_case_key(session, case, principal.staff, principal.secret_key)
    rule = regeling_of(case.organisation).complaint
    if rule is None or complaint_of(session, case) is None:
        raise InvalidInput("event: deze zaak heeft geen klacht om voor te leggen.", field="event")
    text = bounded_text(form.get("complaint_text"), "complaint_text", limit=MAX_FIELD_CHARS,
                        what="De klacht", missing="De klacht is leeg: geef door wat de melder schreef "
                        "(u mag weglaten wat de melder herkenbaar maakt). Er is niets verstuurd.")
    note = bounded_text(form.get("note"), "note", limit=MAX_FIELD_CHARS, what="De toelichting", required=False)
    opened = counsellor.open_case(uc, principal, case.ref)
    complained = complaint_message(opened)
    entries: list[dict] = [{"type": "message", "author": Author.MELDER.value, "text": text,
                            "created_on": (complained.created_on if complained else today).isoformat()}]
    feedback = last_feedback(opened)
    if feedback is not None and feedback.body.get("text"):
        entries.append({"type": "message", "author": Author.COUNSELLOR.value, "created_on": feedback.created_on.isoformat(),
                        "text": feedback.body["text"]})
    if note:
        entries.append({"type": "note", "text": note})
    who = recipients_for(session, case, key, Authority((rule.decided_by,)))
    if not who.recipients:
        raise InvalidInput(NOBODY, field="recipients")
    dossier = dossiers.store(session, case, key, today, entries, who.recipients)
    transition(uc, case, Event.FORWARD_COMPLAINT, principal, dossier_id=dossier.id)
    audit.record(session, chain=case.organisation.slug, actor=principal.staff.email, event="complaint_dossier_sent",
                 today=today, case_ref=case.ref, dossier=dossiers.ref_of(dossier), recipients=len(who.recipients))
    return dossier, who.recipients
