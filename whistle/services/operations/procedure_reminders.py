"""The scheduler's reminders of issue 15's procedure terms: the decision on a melder's complaint
('s-Hertogenbosch: the gemeentesecretaris decides within the regeling's [complaint] term) and
the proposal for a meeting the melder asked for (the regeling's [meetings] proposal_days).

Like the statutory deadlines (whistle.services.operations.deadlines_watch) each term has two due
moments, "due soon" (from `due - window`) and "overdue" (from `due + 1`); the counsellors of the
case are reminded once per moment: the row's reminded_on is claimed with a compare-and-set
before any mail goes out and given back when the mail fails. The audit event says whether the
term had passed. Metadata only: the mail names the reference, a link and the counsellor's
deadline overview."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from whistle.clock import Clock
from whistle.domain.roles import StaffRole
from whistle.infra.db import transaction
from whistle.infra.mail import Mailer, MailError
from whistle.models import Case, CaseComplaint, CaseKey, CaseMeeting, Staff
from whistle.services import audit
from whistle.settings import Settings
from whistle.domain.deadlines import due_moment

COMPLAINT = "complaint_decision"
MEETING = "meeting_proposal"


@dataclass(frozen=True)
class _Term:
    kind: str
    table: type
    key: object           # the row's identifying column
    pending: tuple         # where-clauses: the term still runs
    event: str


_TERMS = (
    _Term(COMPLAINT, CaseComplaint, CaseComplaint.case_id, (CaseComplaint.decided_on.is_(None),),
          "complaint_decision_reminder"),
    _Term(MEETING, CaseMeeting, CaseMeeting.id, (CaseMeeting.proposed_on.is_(None), CaseMeeting.confirmed_on.is_(None)),
          "meeting_proposal_reminder"),
)



def candidates(session: Session, today: date, window: int) -> list[tuple[str, int, int]]:
    """(kind, row key, case id) of each running term with a due moment not yet reminded."""
    found = []
    horizon = today + timedelta(days=window)
    for term in _TERMS:
        t = term.table
        rows = session.execute(select(term.key, t.case_id, t.due, t.reminded_on).where(*term.pending, t.due <= horizon))
        for key, case_id, due, reminded in rows:
            began = due_moment(due, today, window)
            if began is not None and (reminded is None or reminded < began):
                found.append((term.kind, key, case_id))
    return found


def remind(factory: sessionmaker[Session], settings: Settings, clock: Clock, mailer: Mailer,
           kind: str, key: int, window: int) -> list[tuple[str, str]]:
    """Claim, mail and audit one term's reminder; returns [(ref, kind)] when one went out."""
    from whistle.services.counsellor import deadlines as deadline_overview
    from whistle.services.operations.deadlines_watch import reminder_text
    term = next(t for t in _TERMS if t.kind == kind)
    today = clock.today()
    with transaction(factory) as s:
        row = s.get(term.table, key)
        if row is None or s.scalar(select(term.key).where(term.key == key, *term.pending)) is None:
            return []  # decided, proposed or gone meanwhile
        began = due_moment(row.due, today, window)
        if began is None:
            return []
        previous, overdue = row.reminded_on, today > row.due
        column = term.table.reminded_on
        won = s.execute(update(term.table).where(term.key == key, or_(column.is_(None), column < began))
                        .values(reminded_on=today).execution_options(synchronize_session=False)).rowcount
        if won != 1:
            return []
        case = s.get(Case, row.case_id)
        ref, org_slug = case.ref, case.organisation.slug
        recipients = list(s.execute(
            select(Staff.id, Staff.email, Staff.language).join(CaseKey, CaseKey.staff_id == Staff.id)
            .where(CaseKey.case_id == case.id, Staff.role == StaffRole.COUNSELLOR, Staff.active.is_(True))
            .order_by(Staff.id)))
        overviews = {i: deadline_overview.overview(s, i, today) for i, _e, _l in recipients}
    try:
        for staff_id, email, language in recipients:  # each in the counsellor's own language
            mailer.send(email, *reminder_text(ref, settings.base_url, overviews.get(staff_id), language))
    except MailError:
        with transaction(factory) as s:
            s.execute(update(term.table).where(term.key == key, term.table.reminded_on == today)
                      .values(reminded_on=previous).execution_options(synchronize_session=False))
        raise
    with transaction(factory) as s:
        audit.record(s, chain=org_slug, actor="scheduler", event=term.event, today=today, case_ref=ref,
                     overdue=overdue, recipients=len(recipients))
    return [(ref, kind)]
