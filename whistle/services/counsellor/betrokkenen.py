"""Betrokkenen: the persons among the organisation's accounts whom a melding concerns.

The counsellor marks them on the case. The list is sealed under the case key (a `concerned`
record), so only those who may read the case can read whom it is about. A betrokkene is never
given a key: a counsellor who is marked loses the case key (intake wrapped it to every
counsellor before anyone could know), an authority member loses any dossier key, and neither
can be granted one again while marked. Without a key a case or dossier appears in no list,
count or reminder (docs/authority.md)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

import crypto
from whistle.domain.roles import StaffRole
from whistle.models import Case, CaseConcerned, CaseKey, Staff
from whistle.services.context import UseCase
from whistle.services import audit, dossiers
from whistle.services.cases import case_by_ref, staff_case_key
from whistle.services.errors import Forbidden, InvalidInput
from whistle.services.input import whole_number
from whistle.services.staff.accounts import StaffPrincipal

FIELD = "concerned"


def require_counsellor(principal: StaffPrincipal) -> None:
    if principal.staff.role != StaffRole.COUNSELLOR:
        raise Forbidden("Alleen een vertrouwenspersoon kan dit doen.")


def concerned_ids(session: Session, case: Case, case_key: bytes) -> set[int]:
    row = session.get(CaseConcerned, case.id)
    if row is None:
        return set()
    body = crypto.open_record(case_key, "concerned", case.binding_hex, row.ciphertext)
    return {int(i) for i in body.get("staff", [])}


def candidates(session: Session, case: Case) -> list[Staff]:
    """The accounts a melding can concern: the organisation's counsellors and authority members."""
    return list(session.scalars(
        select(Staff).where(Staff.organisation_id == case.organisation_id,
                            Staff.role.in_((StaffRole.COUNSELLOR, StaffRole.AUTHORITY)))
        .order_by(Staff.role.desc(), Staff.display_name, Staff.id)))


@dataclass
class Marked:
    concerned: set[int]
    lost_case_key: list[int]
    lost_dossier_key: list[int]


def parse_ids(values: Iterable) -> set[int]:
    return {whole_number(value, FIELD, "Kies betrokkenen uit de lijst van accounts.") for value in values}


def mark(uc: UseCase, principal: StaffPrincipal, ref: str, staff_ids: Iterable) -> Marked:
    """Replace the case's betrokkenen with `staff_ids`; those among them who hold a key lose it."""
    session, clock = uc.session, uc.clock
    require_counsellor(principal)
    case = case_by_ref(session, ref)
    key = staff_case_key(session, case, principal.staff, principal.secret_key)
    ids = parse_ids(staff_ids)
    allowed = {s.id for s in candidates(session, case)}
    if not ids <= allowed:
        raise InvalidInput("Kies betrokkenen uit de lijst van accounts van deze organisatie.", field=FIELD)
    if principal.staff.id in ids:
        raise InvalidInput("U kunt uzelf niet als betrokkene aanmerken: laat een collega-vertrouwenspersoon "
                           "dat doen. Er is niets gewijzigd.", field=FIELD)
    today = clock.today()
    blob = crypto.seal_record(key, "concerned", case.binding_hex, {"staff": sorted(ids)})
    row = session.get(CaseConcerned, case.id)
    if row is None:
        session.add(CaseConcerned(case_id=case.id, ciphertext=blob))
    else:
        row.ciphertext = blob
    lost_case = sorted(session.scalars(select(CaseKey.staff_id).where(
        CaseKey.case_id == case.id, CaseKey.staff_id.in_(ids))))
    if lost_case:
        session.execute(delete(CaseKey).where(CaseKey.case_id == case.id, CaseKey.staff_id.in_(lost_case)))
    lost_dossier = dossiers.remove_keys(session, case, ids)
    actor, chain = principal.staff.email, case.organisation.slug
    # Recorded like any withdrawal, without saying why: the audit trail does not name betrokkenen.
    for member in _emails(session, lost_case):
        audit.record(session, chain=chain, actor=actor, event="case_access_withdrawn", today=today,
                     case_ref=case.ref, staff=member)
    for member in _emails(session, lost_dossier):
        audit.record(session, chain=chain, actor=actor, event="dossier_access_withdrawn", today=today,
                     case_ref=case.ref, staff=member)
    audit.record(session, chain=chain, actor=actor, event="betrokkenen_updated", today=today, case_ref=case.ref)
    session.flush()
    return Marked(ids, lost_case, lost_dossier)


def _emails(session: Session, ids: list[int]) -> list[str]:
    if not ids:
        return []
    return list(session.scalars(select(Staff.email).where(Staff.id.in_(ids)).order_by(Staff.id)))
