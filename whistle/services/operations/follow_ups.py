"""The scheduler's reminders besides the statutory deadlines (issue 15):
- a category's own term (Senzer: inform the directie within two working days), reminded when
  it falls due soon and when it has passed, like the statutory deadlines;
- the benadeling follow-up moments after closing (3 and 12 months unless the regeling says
  otherwise): the melder is asked on their case page, and the counsellor is reminded to
  follow up, once per moment.

Each reminder is claimed with a compare-and-set on the case row before any mail goes out, and
given back when the mail fails, so several workers or runs remind once. Metadata only: the mail
names the reference and a link, like the deadline reminders."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from whistle.clock import Clock
from whistle.domain.benadeling import follow_up_to_remind
from whistle.domain.roles import StaffRole
from whistle.domain.states import OPEN_STATES, State
from whistle.infra.db import transaction
from whistle.infra.mail import Mailer, MailError
from whistle.models import Case, CaseKey, Organisation, Staff
from whistle.services import audit
from whistle.services.organisations import regeling_of
from whistle.settings import Settings
from whistle.domain.deadlines import due_moment

CATEGORY = "category"
FOLLOW_UP = "benadeling_follow_up"
_OPEN = tuple(s.value for s in OPEN_STATES)
SHORTEST_MOMENT = timedelta(days=28)  # a follow-up moment is at least one month after closing


def candidates(session: Session, today: date, window: int) -> list[int]:
    horizon = today + timedelta(days=window)
    category = select(Case.id).where(Case.category_due <= horizon, Case.category_done_on.is_(None),
                                     Case.state.in_(_OPEN))
    # Closed cases a follow-up moment may have reached; junk dismissed before triage is not asked.
    # Metadata only is read here, so a pass over many closed cases opens a transaction only
    # for those whose next moment has come.
    closed = select(Case.id, Case.closed_on, Case.follow_ups_reminded, Case.organisation_id).where(
        Case.closed_on <= today - SHORTEST_MOMENT,
        or_(Case.category.is_not(None), Case.state != State.AFGESLOTEN.value))
    months: dict[int, tuple[int, ...]] = {}
    due = set()
    for case_id, closed_on, reminded, org_id in session.execute(closed):
        if org_id not in months:
            months[org_id] = regeling_of(session.get(Organisation, org_id)).follow_up_months
        if follow_up_to_remind(closed_on, months[org_id], reminded, today) is not None:
            due.add(case_id)
    return sorted(set(session.scalars(category)) | due)



def remind(factory: sessionmaker[Session], settings: Settings, clock: Clock, mailer: Mailer, case_id: int,
           window: int) -> list[tuple[str, str]]:
    """Claim and send what is due for one case; returns (ref, kind) per reminder sent, the kind
    CATEGORY or FOLLOW_UP."""
    from whistle.services.operations.deadlines_watch import reminder_text
    today = clock.today()
    with transaction(factory) as s:
        case = s.get(Case, case_id)
        if case is None:
            return []
        claims: dict[str, object] = {}
        if case.category_due and case.category_done_on is None and case.state in _OPEN:
            began = due_moment(case.category_due, today, window)
            if began is not None and _claim(s, case_id, Case.category_reminded_on, began, today):
                claims[CATEGORY] = case.category_reminded_on
        if case.closed_on is not None:
            months = regeling_of(case.organisation).follow_up_months
            index = follow_up_to_remind(case.closed_on, months, case.follow_ups_reminded, today)
            if index is not None:
                won = s.execute(update(Case).where(Case.id == case_id,
                                                   Case.follow_ups_reminded == case.follow_ups_reminded)
                                .values(follow_ups_reminded=index + 1)
                                .execution_options(synchronize_session=False)).rowcount
                if won == 1:
                    claims[FOLLOW_UP] = (case.follow_ups_reminded, months[index])
        if not claims:
            return []
        ref, org_slug = case.ref, case.organisation.slug
        recipients = list(s.execute(
            select(Staff.email, Staff.language).join(CaseKey, CaseKey.staff_id == Staff.id)
            .where(CaseKey.case_id == case_id, Staff.role == StaffRole.COUNSELLOR, Staff.active.is_(True))
            .order_by(Staff.id)))
    try:
        for email, language in recipients:  # each in the counsellor's own language
            mailer.send(email, *reminder_text(ref, settings.base_url, language=language))
    except MailError:
        _give_back(factory, case_id, claims, today)
        raise
    with transaction(factory) as s:
        if CATEGORY in claims:
            audit.record(s, chain=org_slug, actor="scheduler", event="category_deadline_reminder", today=today,
                         case_ref=ref, recipients=len(recipients))
        if FOLLOW_UP in claims:
            audit.record(s, chain=org_slug, actor="scheduler", event="benadeling_follow_up_reminder",
                         today=today, case_ref=ref, moment_months=claims[FOLLOW_UP][1],
                         recipients=len(recipients))
    return [(ref, kind) for kind in sorted(claims)]


def _claim(s: Session, case_id: int, column, began: date, today: date) -> bool:
    return s.execute(update(Case).where(Case.id == case_id, or_(column.is_(None), column < began))
                     .values({column.key: today}).execution_options(synchronize_session=False)).rowcount == 1


def _give_back(factory, case_id: int, claims: dict, today: date) -> None:
    with transaction(factory) as s:
        if CATEGORY in claims:
            s.execute(update(Case).where(Case.id == case_id, Case.category_reminded_on == today)
                      .values(category_reminded_on=claims[CATEGORY]).execution_options(synchronize_session=False))
        if FOLLOW_UP in claims:
            s.execute(update(Case).where(Case.id == case_id)
                      .values(follow_ups_reminded=claims[FOLLOW_UP][0]).execution_options(synchronize_session=False))
