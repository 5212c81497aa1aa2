"""The bevoegd gezag's side: the dossiers addressed to a member, reading one, and recording
the decision. A member sees only dossiers whose key is wrapped to them; every other dossier,
also one they were recused from, is NotFound (never Forbidden: that would say it exists)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from sqlalchemy.orm import Session

from whistle.domain.lifecycle import Actor, Event
from whistle.domain.roles import StaffRole
from whistle.models import Case
from whistle.services.context import UseCase
from whistle.services import audit, dossiers
from whistle.services.errors import Forbidden
from whistle.services.lifecycle import Outcome, events_for, transition
from whistle.services.staff.accounts import StaffPrincipal


def require_authority(principal: StaffPrincipal) -> None:
    if principal.staff.role != StaffRole.AUTHORITY:
        raise Forbidden("Alleen een lid van het bevoegd gezag kan dossiers lezen.")


@dataclass
class DossierLine:
    ref: str
    case_ref: str
    state: str
    sent_on: date
    decided_on: date | None


def inbox(session: Session, principal: StaffPrincipal) -> list[DossierLine]:
    """Dossiers addressed to the member, newest first. Metadata only; nothing is decrypted."""
    require_authority(principal)
    return [DossierLine(dossiers.ref_of(d), c.ref, c.state, d.sent_on, d.decided_on)
            for d, c in dossiers.held_dossiers(session, principal.staff)]


def read(uc: UseCase, principal: StaffPrincipal, ref: str) -> dossiers.OpenedDossier:
    """Decrypt a dossier for the member; every opening is an audit event."""
    session, clock = uc.session, uc.clock
    require_authority(principal)
    dossier = dossiers.held_dossier(session, ref, principal.staff)
    key = dossiers.authority_key(session, dossier, principal.staff, principal.secret_key)
    opened = dossiers.open_dossier(session, dossier, key)
    audit.record(session, chain=opened.case.organisation.slug, actor=principal.staff.email,
                 event="dossier_opened", today=clock.today(), case_ref=opened.case.ref,
                 dossier=dossiers.ref_of(dossier))
    return opened


def download(uc: UseCase, principal: StaffPrincipal, ref: str, attachment_id: str):
    """An attachment that travelled in a dossier the member holds, decrypted as a stream with
    its header (name, type, size); NotFound for any other (protocol: only what the dossier lists)."""
    session, clock = uc.session, uc.clock
    require_authority(principal)
    dossier = dossiers.held_dossier(session, ref, principal.staff)
    key = dossiers.authority_key(session, dossier, principal.staff, principal.secret_key)
    header, plaintext = dossiers.open_file(session, dossier, key, attachment_id, uc.settings.attachments_dir)
    case = session.get(Case, dossier.case_id)
    audit.record(session, chain=case.organisation.slug, actor=principal.staff.email,
                 event="dossier_attachment_opened", today=clock.today(), case_ref=case.ref,
                 dossier=dossiers.ref_of(dossier))
    return header, plaintext


def may_decide(case: Case) -> bool:
    """Whether the transition table offers the bevoegd gezag its decision on the case now."""
    return any(t.event is Event.DECIDE for t in events_for(case, Actor.AUTHORITY))


def decide(uc: UseCase, principal: StaffPrincipal, ref: str, form: Mapping[str, Any]) -> Outcome:
    """Record the decision (onderzoek / geen_onderzoek / doorverwijzen) with its motivation,
    sealed in the dossier for the counsellor; the case moves to `besluit_genomen`."""
    session = uc.session
    require_authority(principal)
    dossier = dossiers.held_dossier(session, ref, principal.staff)
    case = session.get(Case, dossier.case_id)
    facts = {k: form.get(k) for k in ("decision", "motivation")}
    return transition(uc, case, Event.DECIDE, principal, **facts)


# --- a melder's complaint, put to the office that decides on it ------------------------------

def is_complaint_dossier(session: Session, dossier) -> bool:
    from whistle.services.lifecycle.complaint import complaint_of
    complaint = complaint_of(session, session.get(Case, dossier.case_id))
    return complaint is not None and complaint.dossier_id == dossier.id


def may_decide_complaint(session: Session, opened: dossiers.OpenedDossier) -> bool:
    """Whether the member may decide on the complaint in this dossier now (the table says so)."""
    return is_complaint_dossier(session, opened.dossier) and any(
        t.event in (Event.UPHOLD_COMPLAINT, Event.REJECT_COMPLAINT) for t in events_for(opened.case, Actor.AUTHORITY))


def decide_complaint(uc: UseCase, principal: StaffPrincipal, ref: str, form: Mapping[str, Any]) -> Outcome:
    """An investigation after all (the case reopens: `onderzoek_na_klacht`) or none, with the
    reasons, sealed in the complaint dossier: the counsellor and the melder read them there."""
    from whistle.domain.complaint import ComplaintOutcome
    from whistle.services.errors import InvalidInput
    from whistle.services.input import member
    session = uc.session
    require_authority(principal)
    dossier = dossiers.held_dossier(session, ref, principal.staff)
    if not is_complaint_dossier(session, dossier):
        raise InvalidInput("outcome: dit dossier bevat geen klacht.", field="outcome")
    outcome = member(form.get("outcome"), "outcome", ComplaintOutcome, "besluit op de klacht")
    event = Event.UPHOLD_COMPLAINT if outcome == ComplaintOutcome.ONDERZOEK.value else Event.REJECT_COMPLAINT
    return transition(uc, session.get(Case, dossier.case_id), event, principal, motivation=form.get("motivation"))
