"""Retention of closed cases (the bewaartermijn): when each is deleted, the counsellor's list of
upcoming deletions, postponing one with a reason, and the scheduler's daily purge.

A purge deletes the case row; the database cascades to everything that holds ciphertext or a
key for it (records, attachments' rows, case keys, betrokkenen, dossiers with their keys and
records, retention extensions, keys to restore, melder sessions). The audit trail keeps a
content-free tombstone, `case_deleted`, with the reference and dates only; the earlier events
of the case stay, so the chain still verifies. Attachment bodies are removed from disk after
the commit: a crash in between leaves an orphan file that attachment_store.sweep_stale
removes, never a row without its body. On SQLite, secure_delete (whistle.infra.db) overwrites the
freed pages."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, delete, func, literal, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

import crypto
from whistle.clock import Clock
from whistle.infra.db import transaction
from whistle.domain.errors import DeadlineError
from whistle.domain.regeling import DEFAULT_CLOSED_CASE_DAYS
from whistle.domain.report import MAX_MESSAGE_CHARS
from whistle.domain.retention import UPCOMING_DAYS, check_extension, deletion_date, latest_extension
from whistle.domain.roles import StaffRole
from whistle.models import Attachment, Case, CaseKey, Organisation, RetentionExtension, Staff
from whistle.services.context import UseCase
from whistle.services import audit
from whistle.services.register import facts as register
from whistle.services.melder import form_token
from whistle.infra import attachments as attachment_store
from whistle.infra import job_runs
from whistle.infra.sql import add_days, json_int
from whistle.services.cases import case_by_ref, staff_case_key
from whistle.services.errors import Conflict, Forbidden, InvalidInput
from whistle.services.organisations import regeling_of
from whistle.services.input import bounded_text, iso_date
from whistle.services.staff.accounts import StaffPrincipal
from whistle.settings import Settings

JOB = "retention"
KIND = "retention"
log = logging.getLogger("whistle.jobs")


def _term(org: Organisation) -> int:
    return regeling_of(org).closed_case_days


def delete_on(case: Case) -> date | None:
    """The day a closed case is deleted; None while it is open."""
    if case.closed_on is None:
        return None
    return deletion_date(case.closed_on, _term(case.organisation), case.retain_until)


def _require_counsellor(principal: StaffPrincipal) -> None:
    if principal.staff.role != StaffRole.COUNSELLOR:
        raise Forbidden("Alleen een vertrouwenspersoon beheert de bewaartermijn van een zaak.")


# --- what the counsellor sees ---------------------------------------------------------------

@dataclass(frozen=True)
class Upcoming:
    case: Case
    delete_on: date


def upcoming(session: Session, principal: StaffPrincipal, today: date,
             days: int = UPCOMING_DAYS) -> list[Upcoming]:
    """Closed cases this member holds a key to that are deleted within `days` (or are due and
    wait for tonight's purge), soonest first. Metadata only."""
    _require_counsellor(principal)
    org = session.get(Organisation, principal.staff.organisation_id)
    horizon = today + timedelta(days=days)
    # deletion_date <= horizon  <=>  the term ends by then and any postponement does too.
    cases = session.scalars(
        select(Case).join(CaseKey, CaseKey.case_id == Case.id)
        .where(CaseKey.staff_id == principal.staff.id, Case.organisation_id == org.id,
               Case.closed_on.is_not(None), Case.closed_on <= horizon - timedelta(days=_term(org)),
               or_(Case.retain_until.is_(None), Case.retain_until <= horizon)))
    found = [Upcoming(c, deletion_date(c.closed_on, _term(org), c.retain_until)) for c in cases]
    return sorted(found, key=lambda u: (u.delete_on, u.case.ref))


@dataclass(frozen=True)
class OpenedExtension:
    extended_on: date
    until: date
    reason: str
    by: str


@dataclass(frozen=True)
class RetentionView:
    delete_on: date
    latest: date          # the furthest day an extension made today may reach
    extensions: list[OpenedExtension]


def case_view(session: Session, principal: StaffPrincipal, case: Case, today: date) -> RetentionView | None:
    """For the case page: the deletion day and the extensions with their reasons; None while
    the case is open. NotFound (as everywhere) unless the member holds the case key."""
    _require_counsellor(principal)
    due = delete_on(case)
    if due is None:
        return None
    key = staff_case_key(session, case, principal.staff, principal.secret_key)
    rows = session.execute(
        select(RetentionExtension, Staff.display_name)
        .outerjoin(Staff, Staff.id == RetentionExtension.staff_id)
        .where(RetentionExtension.case_id == case.id).order_by(RetentionExtension.id))
    opened = []
    for ext, name in rows:
        body = crypto.open_record(key, KIND, case.binding_hex, ext.ciphertext)
        opened.append(OpenedExtension(ext.extended_on, ext.until, str(body.get("reason", "")),
                                      name or "Vertrouwenspersoon"))
    return RetentionView(due, latest_extension(today), opened)


# --- postponing ---------------------------------------------------------------------------

def extend(uc: UseCase, principal: StaffPrincipal, ref: str, until: Any, reason: Any) -> date:
    """Postpone the deletion of a closed case to `until`, with a reason sealed under the case
    key (the counsellor's note; it may say something about the melding). Audited as
    `retention_extended` with the dates only. Returns the new deletion day."""
    session, clock = uc.session, uc.clock
    _require_counsellor(principal)
    case = case_by_ref(session, ref)
    key = staff_case_key(session, case, principal.staff, principal.secret_key)
    today = clock.today()
    current = delete_on(case)
    if current is None:
        raise InvalidInput("until: alleen een afgesloten zaak heeft een bewaartermijn. Er is niets gewijzigd.",
                           field="until")
    new_until = iso_date(until, "until",
                         "until: geef de nieuwe verwijderdatum als JJJJ-MM-DD. Er is niets gewijzigd.")
    text = bounded_text(reason, "reason", limit=MAX_MESSAGE_CHARS, what="reason: de reden",
                        missing="reason: geef een reden om de zaak langer te bewaren. Er is niets gewijzigd.",
                        after=" Er is niets gewijzigd.")
    try:
        check_extension(current, new_until, today)
    except DeadlineError as exc:
        raise InvalidInput("%(field)s: %(why)s. Er is niets gewijzigd.", field=exc.field,
                           params={"field": exc.field, "why": exc.message}) from None
    previous = case.retain_until
    # Compare-and-set: two extensions racing must not silently overwrite each other, and a
    # case the purge deleted meanwhile matches no row.
    same = Case.retain_until.is_(None) if previous is None else Case.retain_until == previous
    won = session.execute(update(Case).where(Case.id == case.id, same).values(retain_until=new_until)
                          .execution_options(synchronize_session=False)).rowcount
    if won != 1:
        raise Conflict("De bewaartermijn is intussen gewijzigd. Laad de pagina opnieuw; er is niets opgeslagen.")
    case.retain_until = new_until
    blob = crypto.seal_record(key, KIND, case.binding_hex, {"reason": text, "until": new_until.isoformat()})
    session.add(RetentionExtension(case_id=case.id, staff_id=principal.staff.id, extended_on=today,
                                   until=new_until, ciphertext=blob))
    audit.record(session, chain=case.organisation.slug, actor=principal.staff.email,
                 event="retention_extended", today=today, case_ref=case.ref,
                 previous=current.isoformat(), until=new_until.isoformat())
    session.flush()
    return new_until


# --- the daily purge ----------------------------------------------------------------------

@dataclass
class PurgeReport:
    deleted: list[str] = field(default_factory=list)    # refs
    failures: list[int] = field(default_factory=list)   # case ids

    @property
    def ok(self) -> bool:
        return not self.failures


def expired(session: Session, today: date) -> list[int]:
    """Ids of the closed cases whose deletion day has come, over every organisation: one query
    over the cases, each organisation's term read from its regeling in the query itself (and
    one small aggregate for the shortest term), so the cost follows the closed cases near
    their day (the closed_on index), not the number of organisations."""
    term = func.coalesce(json_int(Organisation.regeling_json, "retention", "closed_case_days"),
                         DEFAULT_CLOSED_CASE_DAYS)
    shortest = session.scalar(select(func.min(term)))
    if shortest is None:  # no organisation, no case
        return []
    own_term = select(term).where(Organisation.id == Case.organisation_id).scalar_subquery()
    # FROM cases alone, bounded by the shortest term as a plain date, so the planner walks the
    # closed_on index over the cases near their day and reads each one's own term after.
    return sorted(session.scalars(
        select(Case.id)
        .where(Case.closed_on.is_not(None),
               Case.closed_on <= today - timedelta(days=shortest),
               Case.closed_on <= add_days(literal(today, Date()), -own_term),
               or_(Case.retain_until.is_(None), Case.retain_until <= today))))


class _Raced(Exception):
    """The case changed (was postponed or deleted) between reading and deleting it."""


def _delete_case(factory: sessionmaker[Session], case_id: int, today: date) -> tuple[str, list[str]] | None:
    """Delete one expired case and write its tombstone in one transaction; (ref, attachment
    ids) when deleted, None when it is not (or no longer) due."""
    try:
        with transaction(factory) as s:
            case = s.get(Case, case_id)
            due = delete_on(case) if case is not None else None
            if due is None or due > today:
                return None
            ref, org_slug = case.ref, case.organisation.slug
            attachment_ids = list(s.scalars(select(Attachment.id).where(Attachment.case_id == case_id)))
            audit.record(s, chain=org_slug, actor="scheduler", event="case_deleted", today=today,
                         case_ref=ref, received_on=case.received_on.isoformat(),
                         closed_on=case.closed_on.isoformat(), due=due.isoformat())
            register.keep_counts(s, case)
            # The same conditions again in the DELETE: an extension committed since we read
            # the row makes it match nothing (PostgreSQL re-checks a row updated meanwhile).
            gone = s.execute(delete(Case).where(
                Case.id == case_id, Case.closed_on == case.closed_on,
                or_(Case.retain_until.is_(None), Case.retain_until <= today))
                .execution_options(synchronize_session=False)).rowcount
            if gone != 1:
                raise _Raced()
    except _Raced:
        return None
    return ref, attachment_ids


def purge_expired(factory: sessionmaker[Session], settings: Settings, clock: Clock) -> PurgeReport:
    """Delete every closed case whose deletion day has come, one transaction each."""
    report = PurgeReport()
    today = clock.today()
    with transaction(factory) as s:
        ids = expired(s, today)
        form_token.prune(s, today)  # the no-JS form's used tokens no live form can match
    for case_id in ids:
        try:
            deleted = _delete_case(factory, case_id, today)
        except SQLAlchemyError as exc:
            # One case's trouble must not keep the others; no content is logged.
            log.warning("retention: case id %s failed: %s", case_id, type(exc).__name__)
            report.failures.append(case_id)
            continue
        if deleted is None:
            continue
        ref, attachment_ids = deleted
        for attachment_id in attachment_ids:
            try:
                attachment_store.remove(settings.attachments_dir, attachment_id)
            except OSError as exc:  # the sweep removes what is left: no row points to it now
                log.warning("retention: attachment body of a deleted case stays until the sweep: %s",
                            type(exc).__name__)
        report.deleted.append(ref)
    return report


def run_daily(factory: sessionmaker[Session], settings: Settings, clock: Clock) -> PurgeReport | None:
    """`purge_expired` once per day across all workers; None when another worker has the day.
    A pass with failures gives the day back so a later tick retries."""
    return job_runs.once_per_day(factory, JOB, clock.today(),
                                 lambda: purge_expired(factory, settings, clock))
