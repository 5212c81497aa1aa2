"""A meeting on request, the counsellor's side (whistle.domain.meeting): the proposal of a time
and place, sealed under the case key as a `message` record the melder opens on either path
(purpose 'meeting_proposal'); and the pending requests of the counsellor's cases for the inbox,
as a query of its own (metadata: reference, kind, days)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

import crypto
from whistle.domain.meeting import MeetingKind, may_propose, stage
from whistle.domain.records import Author, RecordKind
from whistle.domain.report import MAX_MESSAGE_CHARS
from whistle.models import Case, CaseKey, CaseMeeting, Record
from whistle.services import audit
from whistle.services.cases import case_by_ref, staff_case_key
from whistle.services.context import UseCase
from whistle.services.counsellor.betrokkenen import require_counsellor
from whistle.services.errors import InvalidInput
from whistle.services.input import bounded_text
from whistle.services.melder.meeting import PROPOSAL, newest
from whistle.services.staff.accounts import StaffPrincipal


def propose(uc: UseCase, principal: StaffPrincipal, ref: str, form: Mapping[str, Any]) -> int:
    """Seal the proposal (`proposal`: time and place, in words) to the melder; returns its number."""
    session, today = uc.session, uc.today()
    require_counsellor(principal)
    case = case_by_ref(session, ref)
    key = staff_case_key(session, case, principal.staff, principal.secret_key)
    row = newest(session, case)
    why = may_propose(stage(row.proposed_on, row.confirmed_on) if row else None)
    if why:
        raise InvalidInput("proposal: %(why)s. Er is niets gewijzigd.", field="proposal", params={"why": why})
    text = bounded_text(form.get("proposal"), "proposal", limit=MAX_MESSAGE_CHARS, what="Het voorstel",
                        missing="Schrijf wanneer en waar (of op welk nummer) het gesprek kan plaatsvinden.")
    row.proposals += 1
    row.proposed_on = today
    session.add(Record(case_id=case.id, kind=RecordKind.MESSAGE, author=Author.COUNSELLOR, created_on=today,
                       ciphertext=crypto.seal_record(key, "message", case.binding_hex,
                                                     {"text": text, "purpose": PROPOSAL, "proposal": row.proposals})))
    audit.record(session, chain=case.organisation.slug, actor=principal.staff.email, event="meeting_proposed",
                 today=today, case_ref=case.ref, proposal=row.proposals, on_time=today <= row.due)
    session.flush()
    return row.proposals


@dataclass(frozen=True)
class PendingRequest:
    ref: str
    kind_label: str
    requested_on: date
    due: date
    days: int  # left until the proposal's last day; negative when overdue


def pending(session: Session, staff_id: int, today: date) -> list[PendingRequest]:
    """The requests on this counsellor's cases still waiting for a proposal, the first due first."""
    rows = session.execute(
        select(Case.ref, CaseMeeting.kind, CaseMeeting.requested_on, CaseMeeting.due)
        .join(CaseMeeting, CaseMeeting.case_id == Case.id)
        .join(CaseKey, CaseKey.case_id == Case.id)
        .where(CaseKey.staff_id == staff_id, CaseMeeting.proposed_on.is_(None), CaseMeeting.confirmed_on.is_(None))
        .order_by(CaseMeeting.due, Case.ref))
    return [PendingRequest(ref, MeetingKind(kind).label, requested_on, due, (due - today).days)
            for ref, kind, requested_on, due in rows]
