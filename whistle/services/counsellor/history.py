"""A case's history for its vertrouwenspersoon (issue 13): every audit event about the case, in
the order of the chain, by date and who, in Dutch words. Metadata only (the audit trail holds no
content); repeated openings of the same day by the same person read as one line."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from whistle.domain.audit_labels import event_description
from whistle.domain.roles import StaffRole
from whistle.models import AuditEvent, Case, Staff
from whistle.services.cases import case_by_ref, staff_case_key_or_none
from whistle.services.errors import Forbidden
from whistle.services.staff.accounts import StaffPrincipal

_ACTORS = {"melder": "Melder", "scheduler": "Systeem (termijnen)"}


@dataclass
class Line:
    on: date
    who: str
    what: str
    times: int = 1


def history(session: Session, principal: StaffPrincipal, ref: str) -> tuple[Case, list[Line]]:
    """The case's events, for a counsellor who holds its key (others find no such case)."""
    if principal.staff.role != StaffRole.COUNSELLOR:
        raise Forbidden("Alleen een vertrouwenspersoon kan de geschiedenis van een zaak zien.")
    case = case_by_ref(session, ref)
    staff_case_key_or_none(session, case, principal.staff, principal.secret_key)  # NotFound without a key
    names = {m.email: (m.display_name or m.email) for m in session.scalars(
        select(Staff).where(Staff.organisation_id == case.organisation_id))}
    lines: list[Line] = []
    for ev in session.scalars(select(AuditEvent).where(AuditEvent.chain == case.organisation.slug,
                                                       AuditEvent.case_ref == case.ref)
                              .order_by(AuditEvent.seq)):
        line = Line(ev.occurred_on, names.get(ev.actor) or _ACTORS.get(ev.actor, "Systeem"),
                    event_description(ev.event))
        last = lines[-1] if lines else None
        if last and (last.on, last.who, last.what) == (line.on, line.who, line.what):
            last.times += 1
        else:
            lines.append(line)
    return case, lines
