"""Sharing a case among the organisation's counsellors: a counsellor who holds the case key
re-wraps it to a colleague (grant) or deletes a colleague's wrapped key (withdraw, for the
future: what they read before cannot be unread). Both are audit events. A betrokkene is
never granted access, and the last counsellor holding the key cannot be withdrawn."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

import crypto
from whistle.domain.roles import EndorsedRole, StaffRole
from whistle.models import Case, CaseKey, Staff
from whistle.services.context import UseCase
from whistle.services import audit, trust
from whistle.services.cases import case_by_ref, staff_case_key
from whistle.services.counsellor import lead
from whistle.services.counsellor.betrokkenen import concerned_ids, require_counsellor
from whistle.services.errors import InvalidInput
from whistle.services.staff.accounts import StaffPrincipal

FIELD = "staff"


@dataclass
class Colleague:
    staff: Staff
    has_access: bool
    concerned: bool


def colleagues(session: Session, principal: StaffPrincipal, ref: str) -> list[Colleague]:
    """The organisation's active counsellors and whether each holds this case's key."""
    require_counsellor(principal)
    case = case_by_ref(session, ref)
    key = staff_case_key(session, case, principal.staff, principal.secret_key)
    holders = set(session.scalars(select(CaseKey.staff_id).where(CaseKey.case_id == case.id)))
    concerned = concerned_ids(session, case, key)
    return [Colleague(s, s.id in holders, s.id in concerned) for s in _counsellors(session, case)]


def grant(uc: UseCase, principal: StaffPrincipal, ref: str, staff_id) -> Staff:
    session, clock = uc.session, uc.clock
    require_counsellor(principal)
    case = case_by_ref(session, ref)
    key = staff_case_key(session, case, principal.staff, principal.secret_key)
    colleague = _colleague(session, case, staff_id)
    if colleague.id in concerned_ids(session, case, key):
        raise InvalidInput("Deze vertrouwenspersoon is betrokkene bij de melding en krijgt geen toegang. "
                           "Er is niets gewijzigd.", field=FIELD)
    if session.scalar(select(CaseKey.id).where(CaseKey.case_id == case.id, CaseKey.staff_id == colleague.id)):
        raise InvalidInput("Deze vertrouwenspersoon heeft al toegang.", field=FIELD)
    session.add(CaseKey(case_id=case.id, staff_id=colleague.id,
                        sealed_key=crypto.wrap_case_key(key, colleague.public_key)))
    audit.record(session, chain=case.organisation.slug, actor=principal.staff.email,
                 event="case_access_granted", today=clock.today(), case_ref=case.ref, staff=colleague.email)
    session.flush()
    return colleague


def withdraw(uc: UseCase, principal: StaffPrincipal, ref: str, staff_id) -> Staff:
    session, clock = uc.session, uc.clock
    require_counsellor(principal)
    case = case_by_ref(session, ref)
    staff_case_key(session, case, principal.staff, principal.secret_key)  # only a holder may
    colleague = _colleague(session, case, staff_id)
    held = session.scalar(select(CaseKey.id).where(CaseKey.case_id == case.id, CaseKey.staff_id == colleague.id))
    if held is None:
        raise InvalidInput("Deze vertrouwenspersoon heeft geen toegang.", field=FIELD)
    holders = session.scalar(select(func.count(CaseKey.id)).where(
        CaseKey.case_id == case.id, CaseKey.staff_id.is_not(None)))
    if holders <= 1:
        raise InvalidInput("Dit is de laatste vertrouwenspersoon met toegang; de zaak zou voor niemand "
                           "meer leesbaar zijn. Er is niets gewijzigd.", field=FIELD)
    session.execute(delete(CaseKey).where(CaseKey.id == held))
    lead.drop_lead_of(case, colleague.id)
    audit.record(session, chain=case.organisation.slug, actor=principal.staff.email,
                 event="case_access_withdrawn", today=clock.today(), case_ref=case.ref, staff=colleague.email)
    session.flush()
    return colleague


def _counsellors(session: Session, case: Case) -> list[Staff]:
    """Active counsellors whose key is endorsed now: nobody else is given a case key."""
    endorsed = [i for i, e in trust.endorsed(session, case.organisation).items() if e.role == EndorsedRole.COUNSELLOR]
    return list(session.scalars(select(Staff).where(
        Staff.organisation_id == case.organisation_id, Staff.role == StaffRole.COUNSELLOR, Staff.active.is_(True),
        Staff.id.in_(endorsed or [-1])).order_by(Staff.display_name, Staff.id)))


def _colleague(session: Session, case: Case, staff_id) -> Staff:
    try:
        wanted = int(staff_id)
    except (TypeError, ValueError):
        wanted = None
    found = next((s for s in _counsellors(session, case) if s.id == wanted), None)
    if found is None:
        raise InvalidInput("Kies een vertrouwenspersoon van deze organisatie.", field=FIELD)
    return found
