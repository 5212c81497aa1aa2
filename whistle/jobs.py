"""APScheduler wiring. The jobs only call services (whistle.services.operations.deadlines_watch); the
logic and the run-once claim live there.

In-process (settings.run_scheduler, `whistle serve --scheduler`): a BackgroundScheduler in
every web worker; the claim in job_runs makes the work happen once a day however many
workers tick. Production: `whistle scheduler`, a BlockingScheduler as a process of its own.
The job ticks every hour, so a day whose pass failed is retried the same day."""
from __future__ import annotations

import atexit
import logging
from datetime import datetime, timezone

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.engine import Engine

from whistle.clock import AMSTERDAM, Clock
from whistle.infra.db import make_session_factory
from whistle.infra import attachments as attachment_store
from whistle.services.operations import deadlines_watch
from whistle.services.operations import retention
from whistle.infra import session_expiry
from whistle.settings import Settings

log = logging.getLogger("whistle.jobs")
TICK_MINUTES = 60
SESSION_SWEEP_MINUTES = 5
ATTACHMENT_SWEEP_MINUTES = 60


def deadlines_job(engine: Engine, settings: Settings, clock: Clock) -> None:
    report = deadlines_watch.run_daily(make_session_factory(engine), settings, clock)
    if report is None:
        log.info("deadline watch: another worker has today")
    else:
        log.info("deadline watch: %d overdue recorded, %d reminders, %d failures",
                 len(report.overdue), len(report.reminded), len(report.failures))


def retention_job(engine: Engine, settings: Settings, clock: Clock) -> None:
    report = retention.run_daily(make_session_factory(engine), settings, clock)
    if report is None:
        log.info("retention: another worker has today")
    else:
        log.info("retention: %d closed case(s) deleted, %d failures", len(report.deleted), len(report.failures))


def session_expiry_job(engine: Engine, clock: Clock) -> None:
    with make_session_factory(engine)() as session:
        session_expiry.purge_expired(session, clock)
        session.commit()


def attachment_sweep_job(engine: Engine, settings: Settings) -> None:
    with make_session_factory(engine)() as session:
        removed = attachment_store.sweep_stale(session, settings.attachments_dir)
    if removed:
        log.info("attachment sweep: removed %d file(s) an interrupted upload left behind", removed)


def configure(scheduler: BaseScheduler, engine: Engine, settings: Settings, clock: Clock) -> BaseScheduler:
    scheduler.add_job(deadlines_job, "interval", minutes=TICK_MINUTES, args=(engine, settings, clock),
                      id=deadlines_watch.JOB, name="deadlines and reminders",
                      next_run_time=datetime.now(timezone.utc),  # once at start, then every tick
                      coalesce=True, max_instances=1, replace_existing=True)
    scheduler.add_job(retention_job, "interval", minutes=TICK_MINUTES, args=(engine, settings, clock),
                      id=retention.JOB, name="delete closed cases whose retention term ended",
                      coalesce=True, max_instances=1, replace_existing=True)
    scheduler.add_job(session_expiry_job, "interval", minutes=SESSION_SWEEP_MINUTES, args=(engine, clock),
                      id=session_expiry.JOB, name="delete expired sessions", coalesce=True,
                      max_instances=1, replace_existing=True)
    scheduler.add_job(attachment_sweep_job, "interval", minutes=ATTACHMENT_SWEEP_MINUTES,
                      args=(engine, settings), id="attachment_sweep",
                      name="remove what interrupted uploads left", coalesce=True,
                      max_instances=1, replace_existing=True)
    return scheduler


def start_in_process(engine: Engine, settings: Settings, clock: Clock) -> BackgroundScheduler:
    _lines_to_stderr()
    scheduler = configure(BackgroundScheduler(timezone=AMSTERDAM, daemon=True), engine, settings, clock)
    scheduler.start()
    atexit.register(_shutdown, scheduler)
    return scheduler


def _lines_to_stderr() -> None:
    """In a web server the jobs' lines (counts only: never content, never anything of a
    melder) go to its stderr, as `whistle scheduler` prints them; no time is added."""
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False


def blocking(engine: Engine, settings: Settings, clock: Clock) -> BlockingScheduler:
    return configure(BlockingScheduler(timezone=AMSTERDAM), engine, settings, clock)


def _shutdown(scheduler: BaseScheduler) -> None:
    if scheduler.running:
        scheduler.shutdown(wait=False)
