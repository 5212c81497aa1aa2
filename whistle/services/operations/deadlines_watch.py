"""The scheduler's work on deadlines: record overdue acknowledgements and feedback, and remind
the counsellors of cases that fall due or are overdue. Metadata only: states and dates.

Each due moment is handled once, whatever the number of workers or runs:
- an overdue deadline is recorded by the `mark_overdue` transition, which sets
  ack_/feedback_overdue_on with a compare-and-set, so a second attempt is refused;
- a reminder is claimed by setting ack_/feedback_reminded_on with a compare-and-set before
  any mail goes out. A deadline has two due moments, "due soon" (from `due - window`) and
  "overdue" (from `due + 1`); a reminder is due when none was sent since the current one
  began, so an extension of the feedback term makes a new due moment. When the mail fails
  the claim is given back, so the next run tries again.

`run_daily` adds the per-day claim in job_runs, so several workers run the pass once a day.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from whistle.clock import Clock
from whistle.infra.db import transaction
from whistle.domain.deadlines import DEFAULT_DUE_SOON_DAYS
from whistle.domain.lifecycle import Event
from whistle.domain.states import OverdueDeadline, states_awaiting
from whistle.domain.roles import StaffRole
from whistle.infra.mail import Mailer, MailError
from whistle.models import Case, CaseKey, Staff
from whistle.services.context import UseCase
from whistle.services import audit
from whistle.infra import job_runs
from whistle.services.cases import due_of, overdue
from whistle.services.operations import follow_ups
from whistle.services.errors import ServiceError
from whistle.services.lifecycle import SCHEDULER, transition
from whistle.settings import Settings

JOB = "deadlines"
log = logging.getLogger("whistle.jobs")

# The states whose cases can still miss each deadline (whistle.domain.states.awaiting).
AWAITING_ACK = states_awaiting(OverdueDeadline.ACKNOWLEDGEMENT)
AWAITING_FEEDBACK = states_awaiting(OverdueDeadline.FEEDBACK)


@dataclass
class WatchReport:
    overdue: list[tuple[str, str]] = field(default_factory=list)     # (ref, deadline)
    reminded: list[tuple[str, str]] = field(default_factory=list)    # (ref, counsellor e-mail)
    followed_up: list[tuple[str, str]] = field(default_factory=list)  # (ref, follow_ups.CATEGORY|FOLLOW_UP)
    failures: list[str] = field(default_factory=list)                # refs

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class _Deadline:
    name: OverdueDeadline
    awaiting: tuple[str, ...]
    reminded: str  # column names
    overdue: str

    def due(self, case: Case) -> date:
        return due_of(case, self.name)


_DEADLINES = (
    _Deadline(OverdueDeadline.ACKNOWLEDGEMENT, AWAITING_ACK, "ack_reminded_on", "ack_overdue_on"),
    _Deadline(OverdueDeadline.FEEDBACK, AWAITING_FEEDBACK, "feedback_reminded_on", "feedback_overdue_on"),
)


def due_moment(due: date, today: date, window: int) -> date | None:
    """The day the current due moment of a deadline began, or None when none has."""
    if today > due:
        return due + timedelta(days=1)
    if (due - today).days <= window:
        return due - timedelta(days=window)
    return None


def reminder_text(ref: str, base_url: str) -> tuple[str, str]:
    """Subject and body of a reminder: the reference and a link, nothing else."""
    link = f"{base_url.rstrip('/')}/vp/zaak/{ref}"
    return (f"Zaak {ref} vraagt uw aandacht",
            f"Zaak {ref} vraagt uw aandacht.\n\n"
            f"Bekijk de zaak na het inloggen:\n{link}\n\n"
            "Dit bericht bevat bewust niets over de inhoud van de melding of over de melder.\n")


def candidates(session: Session, today: date, window: int) -> list[int]:
    """Cases with a deadline inside the window or past it; uses the (state, deadline) indexes."""
    horizon = today + timedelta(days=window)
    ack = select(Case.id).where(Case.state.in_(AWAITING_ACK), Case.ack_due <= horizon)
    feedback = select(Case.id).where(Case.state.in_(AWAITING_FEEDBACK), Case.feedback_due <= horizon)
    return sorted(set(session.scalars(ack)) | set(session.scalars(feedback)))


def watch(factory: sessionmaker[Session], settings: Settings, clock: Clock, *,
          window: int = DEFAULT_DUE_SOON_DAYS) -> WatchReport:
    """One pass over every organisation: record what is overdue, then remind."""
    report = WatchReport()
    today = clock.today()
    with transaction(factory) as s:
        ids = candidates(s, today, window)
        more = follow_ups.candidates(s, today, window)
    with Mailer(settings.mail) as mailer:
        for case_id in more:  # a category's own term; the benadeling follow-up after closing
            try:
                report.followed_up += follow_ups.remind(factory, settings, clock, mailer, case_id, window)
            except (SQLAlchemyError, MailError, ServiceError) as exc:
                log.warning("follow-up watch: case id %s failed: %s", case_id, type(exc).__name__)
                report.failures.append(str(case_id))
        for case_id in ids:
            try:
                for deadline in _DEADLINES:
                    _record_overdue(factory, settings, clock, case_id, deadline, report)
                _remind(factory, settings, clock, mailer, case_id, window, report)
            except (SQLAlchemyError, MailError, ServiceError) as exc:
                # One case's trouble must not stop the others; no content is logged.
                log.warning("deadline watch: case id %s failed: %s", case_id, type(exc).__name__)
                report.failures.append(str(case_id))
    return report


def run_daily(factory: sessionmaker[Session], settings: Settings, clock: Clock, *,
              window: int = DEFAULT_DUE_SOON_DAYS) -> WatchReport | None:
    """`watch` once per day across all workers; None when another worker has the day. A pass
    with failures gives the day back so a later tick retries (the pass itself is idempotent)."""
    return job_runs.once_per_day(factory, JOB, clock.today(),
                                 lambda: watch(factory, settings, clock, window=window))


def _record_overdue(factory, settings: Settings, clock: Clock, case_id: int, deadline: _Deadline,
                    report: WatchReport) -> None:
    today = clock.today()
    with transaction(factory) as s:
        case = s.get(Case, case_id)
        if case is None or not overdue(case, deadline.name, today) or getattr(case, deadline.overdue) is not None:
            return
        try:
            transition(UseCase(s, settings, clock), case, Event.MARK_OVERDUE, SCHEDULER,
                       deadline=deadline.name.value)
        except ServiceError:
            # Another worker recorded it first, or the case moved on meanwhile: nothing to do.
            s.rollback()
            return
        report.overdue.append((case.ref, deadline.name.value))


def _remind(factory, settings: Settings, clock: Clock, mailer: Mailer, case_id: int, window: int,
            report: WatchReport) -> None:
    today = clock.today()
    claimed: dict[str, date | None] = {}
    with transaction(factory) as s:
        case = s.get(Case, case_id)
        if case is None:
            return
        for deadline in _DEADLINES:
            if case.state not in deadline.awaiting:
                continue
            began = due_moment(deadline.due(case), today, window)
            if began is None:
                continue
            previous = getattr(case, deadline.reminded)
            column = getattr(Case, deadline.reminded)
            won = s.execute(
                update(Case).where(Case.id == case_id, Case.state.in_(deadline.awaiting),
                                   or_(column.is_(None), column < began))
                .values({deadline.reminded: today})
                .execution_options(synchronize_session=False)).rowcount
            if won == 1:
                claimed[deadline.reminded] = previous
        if not claimed:
            return
        ref, org_slug = case.ref, case.organisation.slug
        recipients = list(s.scalars(
            select(Staff.email).join(CaseKey, CaseKey.staff_id == Staff.id)
            .where(CaseKey.case_id == case_id, Staff.role == StaffRole.COUNSELLOR, Staff.active.is_(True))
            .order_by(Staff.id)))
    subject, body = reminder_text(ref, settings.base_url)
    try:
        for email in recipients:
            mailer.send(email, subject, body)
            report.reminded.append((ref, email))
    except MailError:
        _give_back(factory, case_id, claimed, today)
        raise
    with transaction(factory) as s:
        audit.record(s, chain=org_slug, actor="scheduler", event="deadline_reminder", today=today,
                     case_ref=ref, deadlines=sorted(claimed), recipients=len(recipients))


def _give_back(factory, case_id: int, claimed: dict[str, date | None], today: date) -> None:
    with transaction(factory) as s:
        for name, previous in claimed.items():
            column = getattr(Case, name)
            s.execute(update(Case).where(Case.id == case_id, column == today)
                      .values({name: previous}).execution_options(synchronize_session=False))
