"""Run-once across workers: a scheduled job claims its day by inserting (job, day) into
job_runs in a transaction of its own. The primary key lets exactly one worker succeed; the
others see a unique-key failure and skip. Works the same on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date
from typing import Callable, TypeVar

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from whistle.infra.db import transaction
from whistle.models import JobRun


def claim(factory: sessionmaker[Session], job: str, day: date) -> bool:
    """True when this worker is the one to run `job` on `day`."""
    try:
        with transaction(factory) as s:
            s.add(JobRun(job=job, run_on=day))
    except IntegrityError:
        return False
    return True


def release(factory: sessionmaker[Session], job: str, day: date) -> None:
    """Give the day back, so a later tick retries a run that did not finish its work."""
    with transaction(factory) as s:
        s.execute(delete(JobRun).where(JobRun.job == job, JobRun.run_on == day))


R = TypeVar("R")


def once_per_day(factory: sessionmaker[Session], job: str, day: date, run: Callable[[], R]) -> R | None:
    """Run `run()` if this worker wins the day's claim; None when another worker has it. A run
    that raises, or whose report says it is not `ok`, gives the day back for a later tick."""
    if not claim(factory, job, day):
        return None
    try:
        report = run()
    except BaseException:
        release(factory, job, day)
        raise
    if not getattr(report, "ok", True):
        release(factory, job, day)
    return report
