"""The lead counsellor of a case (issue 13.4): the vertrouwenspersoon who takes it on. A key
holder takes the case or hands it to a colleague who holds the key too; every other key holder
keeps their access, since the lead is who picks it up, not who may read it. Both are audit
events. When the lead's access is withdrawn, the case has no lead again (whistle.services.
counsellor.sharing). Whether a case was last opened by a counsellor is kept here as well
(`mark_seen`), for the inbox's "new since" marker."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from whistle.domain.roles import StaffRole
from whistle.models import Case, CaseKey, CaseSeen, Staff
from whistle.services import audit
from whistle.services.cases import case_by_ref, staff_case_key_or_none
from whistle.services.context import UseCase
from whistle.services.counsellor.betrokkenen import require_counsellor
from whistle.services.errors import InvalidInput
from whistle.services.staff.accounts import StaffPrincipal

FIELD = "lead"


def name_of(member: Staff | None) -> str:
    return (member.display_name or member.email) if member is not None else ""


@dataclass
class LeadView:
    lead: Staff | None
    is_me: bool
    candidates: list[Staff]  # active colleagues who hold the key, not the lead

    @property
    def name(self) -> str:
        return name_of(self.lead)


def holders(session: Session, case: Case) -> list[Staff]:
    """The organisation's active counsellors who hold this case's key."""
    return list(session.scalars(
        select(Staff).join(CaseKey, CaseKey.staff_id == Staff.id)
        .where(CaseKey.case_id == case.id, Staff.organisation_id == case.organisation_id,
               Staff.role == StaffRole.COUNSELLOR, Staff.active.is_(True))
        .order_by(Staff.display_name, Staff.email)))


def view(session: Session, principal: StaffPrincipal, case: Case) -> LeadView:
    lead = session.get(Staff, case.lead_staff_id) if case.lead_staff_id else None
    me = principal.staff.id
    return LeadView(lead, lead is not None and lead.id == me,
                    [s for s in holders(session, case) if s.id != me and s.id != case.lead_staff_id])


def _holding_case(uc: UseCase, principal: StaffPrincipal, ref: str) -> Case:
    require_counsellor(principal)
    case = case_by_ref(uc.session, ref)
    # NotFound unless the key is wrapped to them (a junk key that does not open still counts).
    staff_case_key_or_none(uc.session, case, principal.staff, principal.secret_key)
    return case


def take(uc: UseCase, principal: StaffPrincipal, ref: str) -> Case:
    """The acting counsellor becomes the lead ("Zelf oppakken")."""
    case = _holding_case(uc, principal, ref)
    me = principal.staff
    if case.lead_staff_id == me.id:
        raise InvalidInput("U heeft deze zaak al opgepakt. Er is niets gewijzigd.", field=FIELD)
    before = uc.session.get(Staff, case.lead_staff_id) if case.lead_staff_id else None
    case.lead_staff_id = me.id
    audit.record(uc.session, chain=case.organisation.slug, actor=me.email, event="case_lead_taken",
                 today=uc.clock.today(), case_ref=case.ref, **({"from_staff": before.email} if before else {}))
    uc.session.flush()
    return case


def hand_over(uc: UseCase, principal: StaffPrincipal, ref: str, staff_id) -> Staff:
    """A colleague who holds the key becomes the lead ("Overdragen aan"); the server checks it
    whatever the form offered."""
    case = _holding_case(uc, principal, ref)
    try:
        wanted = int(staff_id)
    except (TypeError, ValueError):
        raise InvalidInput("Kies een collega aan wie u de zaak overdraagt.", field=FIELD) from None
    colleague = next((s for s in holders(uc.session, case) if s.id == wanted), None)
    if colleague is None:
        raise InvalidInput("Die collega kan deze zaak niet openen: deel de zaak eerst met hem of haar "
                           "(onder Toegang). Er is niets gewijzigd.", field=FIELD)
    if case.lead_staff_id == colleague.id:
        raise InvalidInput("Deze collega heeft de zaak al opgepakt. Er is niets gewijzigd.", field=FIELD)
    case.lead_staff_id = colleague.id
    audit.record(uc.session, chain=case.organisation.slug, actor=principal.staff.email,
                 event="case_lead_handed_over", today=uc.clock.today(), case_ref=case.ref, staff=colleague.email)
    uc.session.flush()
    return colleague


def drop_lead_of(case: Case, staff_id: int) -> None:
    """The lead's access was withdrawn: nobody leads the case until someone takes it."""
    if case.lead_staff_id == staff_id:
        case.lead_staff_id = None


def mark_seen(session: Session, staff: Staff, case: Case, seq: int) -> None:
    """The counsellor opened the case when the organisation's audit chain stood at `seq`."""
    row = session.get(CaseSeen, (staff.id, case.id))
    if row is None:
        session.add(CaseSeen(staff_id=staff.id, case_id=case.id, seen_seq=seq))
    elif row.seen_seq < seq:
        row.seen_seq = seq

