"""Expired sessions and challenges are deleted, sealed keys and all: an expired melder or staff
session leaves nothing that a cookie found later could open. Runs at every login and from the
scheduler (whistle.jobs), so rows do not wait for the next login on a quiet day."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.orm import Session

from whistle.clock import Clock
from whistle.models import ReporterChallenge, ReporterSession, StaffSession

JOB = "session_expiry"


@dataclass(frozen=True)
class Purged:
    staff_sessions: int
    reporter_sessions: int
    challenges: int


def purge_expired(session: Session, clock: Clock) -> Purged:
    now = clock.now().replace(tzinfo=None)
    return Purged(
        session.execute(delete(StaffSession).where(StaffSession.expires_at <= now)).rowcount,
        session.execute(delete(ReporterSession).where(ReporterSession.expires_at <= now)).rowcount,
        session.execute(delete(ReporterChallenge).where(ReporterChallenge.expires_at <= now)).rowcount)
