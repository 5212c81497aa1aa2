"""The beheerder's view of their organisation's audit trail: metadata only (the date, the
role of whoever acted, what happened), never content, never a case reference or an address.
Newest first, a page at a time by sequence number; the chain's verification on request (it
reads the whole chain) and its head, for the beheerder to copy as an anchor."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from whistle.domain.audit_labels import ACTOR_LABELS, event_description
from whistle.domain.roles import STAFF_ROLE_LABELS, StaffRole
from whistle.models import AuditEvent, Organisation, Staff
from whistle.services import audit

PAGE = 100


@dataclass(frozen=True)
class LogLine:
    seq: int
    day: date
    who: str  # a role, in words
    what: str  # the event, in words


@dataclass(frozen=True)
class LogPage:
    lines: list[LogLine]
    older: int | None  # the `voor` value of the next (older) page, None at the start of the chain


def _role_of(session: Session, org: Organisation, actors: set[str]) -> dict[str, str]:
    emails = [a for a in actors if "@" in a]
    roles = dict(session.execute(select(Staff.email, Staff.role).where(
        Staff.email.in_(emails), Staff.organisation_id == org.id)).all()) if emails else {}
    out = {}
    for actor in actors:
        if actor in roles:
            out[actor] = STAFF_ROLE_LABELS[StaffRole(roles[actor])]
        elif "@" in actor:
            out[actor] = "medewerker (account bestaat niet meer)"
        else:
            out[actor] = ACTOR_LABELS.get(actor, "systeem")
    return out


def page(session: Session, org: Organisation, before: int | None = None, size: int = PAGE) -> LogPage:
    query = select(AuditEvent.seq, AuditEvent.occurred_on, AuditEvent.actor, AuditEvent.event).where(
        AuditEvent.chain == org.slug)
    if before is not None:
        query = query.where(AuditEvent.seq < before)
    rows = session.execute(query.order_by(AuditEvent.seq.desc()).limit(size + 1)).all()
    more = len(rows) > size
    rows = rows[:size]
    roles = _role_of(session, org, {r.actor for r in rows})
    lines = [LogLine(r.seq, r.occurred_on, roles[r.actor], event_description(r.event)) for r in rows]
    return LogPage(lines, rows[-1].seq if more and rows else None)


def check(session: Session, org: Organisation) -> tuple[list[audit.ChainProblem], audit.Anchor | None]:
    """Verify the organisation's chain; its problems (empty: intact) and its head."""
    problems = audit.verify(session, org.slug)
    heads = audit.heads(session, org.slug)
    return problems, (heads[0] if heads else None)
