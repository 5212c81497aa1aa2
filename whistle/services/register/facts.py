"""The register's rows and facts: from the cases table while a case exists, from
register_counts once retention has deleted it. Metadata only."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from whistle.domain.register import Fact, Route
from whistle.models import Case, RegisterCount


@dataclass(frozen=True)
class RegisterRow:
    """One melding in the register, as exported; no content."""

    ref: str
    received_on: date
    acknowledged_on: date | None
    feedback_given_on: date | None
    closed_on: date | None
    kind: str | None
    channel: str
    named: bool
    route: str
    outcome: str | None
    state: str
    category: str | None  # the regeling's category, recorded at triage
    benadeling: bool      # the melder reported benadeling (no content; the date is not exported)
    unit: str | None      # the regeling's unit the melding concerns (SamenTwente)


FIELDS = ("ref", "received_on", "acknowledged_on", "feedback_given_on", "closed_on", "kind", "channel",
          "named", "route", "outcome", "state", "category", "benadeling", "unit")


def _days(start: date, end: date | None) -> int | None:
    return None if end is None else (end - start).days


def _fact(received_on: date, acknowledged_on: date | None, feedback_given_on: date | None, feedback_due: date,
          feedback_extended_to: date | None, kind: str | None, channel: str, named: bool | None,
          outcome: str | None, route: str | None, category: str | None = None,
          benadeling_on: date | None = None, unit: str | None = None) -> Fact:
    fb_in_time = None
    if feedback_given_on is not None:
        fb_in_time = feedback_given_on <= (feedback_extended_to or feedback_due)
    return Fact(year=received_on.year, kind=kind, channel=channel, named=bool(named), outcome=outcome,
                route=route or Route.INTERNAL.value, ack_days=_days(received_on, acknowledged_on),
                feedback_days=_days(received_on, feedback_given_on), feedback_in_time=fb_in_time,
                extended=feedback_extended_to is not None, category=category,
                benadeling=benadeling_on is not None, unit=unit)


_CASE_COLUMNS = (Case.received_on, Case.acknowledged_on, Case.feedback_given_on, Case.feedback_due,
                 Case.feedback_extended_to, Case.category, Case.channel, Case.named, Case.outcome, Case.route,
                 Case.regeling_category, Case.benadeling_on, Case.unit)


def fact_of(case: Case) -> Fact:
    return _fact(*(getattr(case, c.key) for c in _CASE_COLUMNS))


def facts(session: Session, organisation_ids: Iterable[int], years: Iterable[int]) -> list[Fact]:
    """The facts of the given organisations' meldingen received in the given years."""
    org_ids, years = list(organisation_ids), sorted(set(years))
    first, last = date(years[0], 1, 1), date(years[-1], 12, 31)
    rows = session.execute(select(*_CASE_COLUMNS).where(
        Case.organisation_id.in_(org_ids), Case.received_on >= first, Case.received_on <= last))
    out = [_fact(*r) for r in rows]
    for c in session.scalars(select(RegisterCount).where(
            RegisterCount.organisation_id.in_(org_ids), RegisterCount.year.in_(years))):
        out.append(Fact(c.year, c.kind, c.channel, c.named, c.outcome, c.route, c.ack_days, c.feedback_days,
                        c.feedback_in_time, c.extended, c.count, c.category, bool(c.benadeling), c.unit))
    return out


def keep_counts(session: Session, case: Case) -> None:
    """Add a case about to be deleted to the anonymous counts, in the deleting transaction."""
    f = fact_of(case)
    key = {"organisation_id": case.organisation_id, "year": f.year, "kind": f.kind, "channel": f.channel,
           "named": f.named, "outcome": f.outcome, "route": f.route, "ack_days": f.ack_days,
           "feedback_days": f.feedback_days, "feedback_in_time": f.feedback_in_time, "extended": f.extended,
           "category": f.category, "benadeling": f.benadeling, "unit": f.unit}
    where = [getattr(RegisterCount, k).is_(None) if v is None else getattr(RegisterCount, k) == v
             for k, v in key.items()]
    row = session.scalars(select(RegisterCount).where(*where).with_for_update()).first()
    if row is None:
        session.add(RegisterCount(count=1, **key))
    else:
        row.count += 1
    session.flush()


def register_rows(session: Session, organisation_id: int) -> list[RegisterRow]:
    cases = session.scalars(select(Case).where(Case.organisation_id == organisation_id)
                            .order_by(Case.received_on, Case.ref))
    return [RegisterRow(c.ref, c.received_on, c.acknowledged_on, c.feedback_given_on, c.closed_on, c.category,
                        c.channel, bool(c.named), c.route, c.outcome, c.state, c.regeling_category,
                        c.benadeling_on is not None, c.unit) for c in cases]
