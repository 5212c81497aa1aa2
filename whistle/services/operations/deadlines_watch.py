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

from whistle.services.mail_language import gettext
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
from whistle.infra.sql import add_days
from whistle.services.cases import due_of, overdue
from whistle.services.counsellor import deadlines as deadline_overview
from whistle.services.counsellor.deadlines import DeadlineOverview
from whistle.services.mail_language import in_language
from whistle.services.operations import follow_ups, procedure_reminders
from whistle.services.errors import ServiceError
from whistle.services.lifecycle import SCHEDULER, transition
from whistle.settings import Settings
from whistle.domain.deadlines import due_moment

JOB = "deadlines"
log = logging.getLogger("whistle.jobs")

# The states whose cases can still miss each deadline (whistle.domain.states.awaiting).
AWAITING_ACK = states_awaiting(OverdueDeadline.ACKNOWLEDGEMENT)
AWAITING_FEEDBACK = states_awaiting(OverdueDeadline.FEEDBACK)


@dataclass
class WatchReport:
    overdue: list[tuple[str, str]] = field(default_factory=list)     # (ref, deadline)
    reminded: list[tuple[str, str]] = field(default_factory=list)    # (ref, counsellor e-mail)
    # (ref, follow_ups.CATEGORY|FOLLOW_UP, or procedure_reminders.COMPLAINT|MEETING)
    followed_up: list[tuple[str, str]] = field(default_factory=list)
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
    due_column: str

    def due(self, case: Case) -> date:
        return due_of(case, self.name)


_DEADLINES = (
    _Deadline(OverdueDeadline.ACKNOWLEDGEMENT, AWAITING_ACK, "ack_reminded_on", "ack_overdue_on", "ack_due"),
    _Deadline(OverdueDeadline.FEEDBACK, AWAITING_FEEDBACK, "feedback_reminded_on", "feedback_overdue_on",
              "feedback_due"),
)



def reminder_text(ref: str, base_url: str, overview: DeadlineOverview | None = None,
                  language: str | None = None) -> tuple[str, str]:
    """Subject and body of a reminder in the counsellor's language: the reference and a link,
    and the counsellor's deadline overview (references, deadlines and dates), nothing else."""
    base = base_url.rstrip("/")
    with in_language(language):
        more = ""
        if overview:
            more = (gettext("Uw termijnen:") + f"\n{overview_lines(overview)}\n\n"
                    + gettext("Alle termijnen: %(link)s", link=f"{base}/vp/termijnen") + "\n\n")
        return (gettext("Zaak %(ref)s vraagt uw aandacht", ref=ref),
                gettext("Zaak %(ref)s vraagt uw aandacht.", ref=ref) + "\n\n"
                + gettext("Bekijk de zaak na het inloggen:") + f"\n{base}/vp/zaak/{ref}\n\n"
                + more
                + gettext("Dit bericht bevat bewust niets over de inhoud van de melding of over de melder.")
                + "\n")


def overview_lines(found: DeadlineOverview) -> str:
    """The overview as plain lines in the mail's language: references and dates only (the
    deadlines' names come from whistle.services.counsellor.deadlines, listed in
    whistle.web.staff_words.mail)."""
    lines = []
    for title, items in found.groups():
        if items:
            lines.append(f"{gettext(title)}:")
            lines += [f"- {i.ref}: {gettext(i.what).lower()} {i.due.strftime('%d-%m-%Y')} ({_when(i.days)})"
                      for i in items]
    return "\n".join(lines)


def _when(days: int) -> str:
    """The time left, in words (the mails' languages, Dutch and English, have one singular)."""
    if days == -1:
        return gettext("1 dag te laat")
    if days < 0:
        return gettext("%(num)s dagen te laat", num=-days)
    if days == 0:
        return gettext("vandaag")
    if days == 1:
        return gettext("morgen")
    return gettext("over %(num)s dagen", num=days)


BATCH = 200  # cases per transaction: short locks, few commits


def _pending(deadline: _Deadline, today: date, window: int):
    """The cases that still have something to do for `deadline` today, as two queries:
    - past its day, with the overdue day not recorded or no reminder since: exactly the
      condition of the partial index ix_cases_<deadline>_pending (migration 0170), so a backlog
      of cases already recorded and reminded is not even in the index;
    - due within the window and not reminded since the window began: a short index range."""
    due = getattr(Case, deadline.due_column)
    reminded, marked = getattr(Case, deadline.reminded), getattr(Case, deadline.overdue)
    awaiting = Case.state.in_(deadline.awaiting)
    past = select(Case.id).where(awaiting, due < today, or_(marked.is_(None), reminded.is_(None), reminded <= due))
    soon = select(Case.id).where(awaiting, due >= today, due <= today + timedelta(days=window),
                                 or_(reminded.is_(None), reminded < add_days(due, -window)))
    return past, soon


def candidates(session: Session, today: date, window: int) -> list[int]:
    """Cases with a new due moment: an overdue day to record or a reminder to send. The flags
    already set are in the queries (and in the partial indexes), so the cost follows the new
    due moments, not the cases that exist."""
    found: set[int] = set()
    for deadline in _DEADLINES:
        for query in _pending(deadline, today, window):
            found.update(session.scalars(query))
    return sorted(found)


def watch(factory: sessionmaker[Session], settings: Settings, clock: Clock, *,
          window: int = DEFAULT_DUE_SOON_DAYS) -> WatchReport:
    """One pass over every organisation: record what is overdue, then remind; BATCH cases per
    transaction. The cost follows the new due moments, not the cases that exist."""
    report = WatchReport()
    with transaction(factory) as s:
        today = clock.today()
        ids = candidates(s, today, window)
        more = follow_ups.candidates(s, today, window)
        terms = procedure_reminders.candidates(s, today, window)
    with Mailer(settings.mail) as mailer:
        for case_id in more:  # a category's own term; the benadeling follow-up after closing
            try:
                report.followed_up += follow_ups.remind(factory, settings, clock, mailer, case_id, window)
            except (SQLAlchemyError, MailError, ServiceError) as exc:
                log.warning("follow-up watch: case id %s failed: %s", case_id, type(exc).__name__)
                report.failures.append(str(case_id))
        for kind, key, case_id in terms:  # a complaint's decision; a meeting's proposal (issue 15)
            try:
                report.followed_up += procedure_reminders.remind(factory, settings, clock, mailer, kind, key, window)
            except (SQLAlchemyError, MailError, ServiceError) as exc:
                log.warning("procedure watch: case id %s failed: %s", case_id, type(exc).__name__)
                report.failures.append(str(case_id))
        for i in range(0, len(ids), BATCH):
            batch = ids[i:i + BATCH]
            try:
                _record_overdue(factory, settings, clock, batch, report)
            except SQLAlchemyError:
                # One case's trouble must not stop the others: the batch again, case by case.
                for case_id in batch:
                    _guarded(report, case_id, _record_overdue, factory, settings, clock, [case_id], report)
            _remind(factory, settings, clock, mailer, batch, window, report)
    return report


def _guarded(report: WatchReport, case_id: int, step, *args) -> None:
    try:
        step(*args)
    except (SQLAlchemyError, MailError, ServiceError) as exc:
        # No content is logged: the id and the kind of trouble.
        log.warning("deadline watch: case id %s failed: %s", case_id, type(exc).__name__)
        report.failures.append(str(case_id))


def run_daily(factory: sessionmaker[Session], settings: Settings, clock: Clock, *,
              window: int = DEFAULT_DUE_SOON_DAYS) -> WatchReport | None:
    """`watch` once per day across all workers; None when another worker has the day. A pass
    with failures gives the day back so a later tick retries (the pass itself is idempotent)."""
    return job_runs.once_per_day(factory, JOB, clock.today(),
                                 lambda: watch(factory, settings, clock, window=window))


def _record_overdue(factory, settings: Settings, clock: Clock, case_ids: list[int],
                    report: WatchReport) -> None:
    """Record the overdue deadlines of these cases in one transaction."""
    today = clock.today()
    found: list[tuple[str, str]] = []
    with transaction(factory) as s:
        cases = s.scalars(select(Case).where(Case.id.in_(case_ids)).order_by(Case.id)).all()
        for case in cases:
            for deadline in _DEADLINES:
                if not overdue(case, deadline.name, today) or getattr(case, deadline.overdue) is not None:
                    continue
                try:
                    transition(UseCase(s, settings, clock), case, Event.MARK_OVERDUE, SCHEDULER,
                               deadline=deadline.name.value)
                except ServiceError:
                    # Another worker recorded it first, or the case moved on meanwhile; the
                    # transition changed nothing (whistle.services.lifecycle.transition).
                    continue
                found.append((case.ref, deadline.name.value))
    report.overdue.extend(found)


@dataclass
class _Claim:
    case_id: int
    ref: str
    org_slug: str
    previous: dict[str, date | None]
    recipients: list[str]  # e-mail addresses
    recipient_ids: list[int]  # the same members' ids
    languages: list[str] = field(default_factory=list)  # the same members' languages


def _remind(factory, settings: Settings, clock: Clock, mailer: Mailer, case_ids: list[int], window: int,
            report: WatchReport) -> None:
    """Claim the due reminders of these cases in one transaction, mail them, give back the
    claims whose mail failed, and audit the rest in one transaction."""
    today = clock.today()
    try:
        claims = _claim_reminders(factory, case_ids, today, window)
    except SQLAlchemyError:
        claims = []
        for case_id in case_ids:
            _guarded(report, case_id, lambda c: claims.extend(_claim_reminders(factory, [c], today, window)), case_id)
    sent: list[_Claim] = []
    overviews = _overviews(factory, {i for c in claims for i in c.recipient_ids}, today)
    for claim in claims:
        try:
            for staff_id, email, language in zip(claim.recipient_ids, claim.recipients, claim.languages):
                subject, body = reminder_text(claim.ref, settings.base_url, overviews.get(staff_id), language)
                mailer.send(email, subject, body)
                report.reminded.append((claim.ref, email))
        except MailError as exc:
            log.warning("deadline watch: case id %s failed: %s", claim.case_id, type(exc).__name__)
            report.failures.append(str(claim.case_id))
            _guarded(report, claim.case_id, _give_back, factory, claim.case_id, claim.previous, today)
            continue
        sent.append(claim)
    if sent:
        with transaction(factory) as s:
            for claim in sent:
                audit.record(s, chain=claim.org_slug, actor="scheduler", event="deadline_reminder", today=today,
                             case_ref=claim.ref, deadlines=sorted(claim.previous),
                             recipients=len(claim.recipients))


def _overviews(factory, staff_ids: set[int], today: date) -> dict[int, DeadlineOverview]:
    """Each recipient's deadline overview for the mail; a reminder still goes without it."""
    if not staff_ids:
        return {}
    try:
        with transaction(factory) as s:
            return {i: deadline_overview.overview(s, i, today) for i in staff_ids}
    except SQLAlchemyError as exc:
        log.warning("deadline watch: no overview for the reminder: %s", type(exc).__name__)
        return {}


def _claim_reminders(factory, case_ids: list[int], today: date, window: int) -> list[_Claim]:
    claims: list[_Claim] = []
    with transaction(factory) as s:
        cases = s.scalars(select(Case).where(Case.id.in_(case_ids)).order_by(Case.id)).all()
        for case in cases:
            claimed: dict[str, date | None] = {}
            for deadline in _DEADLINES:
                if case.state not in deadline.awaiting:
                    continue
                began = due_moment(deadline.due(case), today, window)
                if began is None:
                    continue
                previous = getattr(case, deadline.reminded)
                column = getattr(Case, deadline.reminded)
                won = s.execute(
                    update(Case).where(Case.id == case.id, Case.state.in_(deadline.awaiting),
                                       or_(column.is_(None), column < began))
                    .values({deadline.reminded: today})
                    .execution_options(synchronize_session=False)).rowcount
                if won == 1:
                    claimed[deadline.reminded] = previous
            if claimed:
                claims.append(_Claim(case.id, case.ref, case.organisation.slug, claimed, [], []))
        if claims:
            rows = s.execute(
                select(CaseKey.case_id, Staff.id, Staff.email, Staff.language).join(Staff, CaseKey.staff_id == Staff.id)
                .where(CaseKey.case_id.in_([c.case_id for c in claims]), Staff.role == StaffRole.COUNSELLOR,
                       Staff.active.is_(True))
                .order_by(CaseKey.case_id, Staff.id))
            by_case = {c.case_id: c for c in claims}
            for case_id, staff_id, email, language in rows:
                by_case[case_id].recipients.append(email)
                by_case[case_id].recipient_ids.append(staff_id)
                by_case[case_id].languages.append(language)
    return claims


def _give_back(factory, case_id: int, claimed: dict[str, date | None], today: date) -> None:
    with transaction(factory) as s:
        for name, previous in claimed.items():
            column = getattr(Case, name)
            s.execute(update(Case).where(Case.id == case_id, column == today)
                      .values({name: previous}).execution_options(synchronize_session=False))
