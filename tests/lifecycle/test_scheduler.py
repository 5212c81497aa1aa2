"""The scheduler in the web process: off by default, and when on it runs the deadline watch
(here: sends the reminders of an overdue acknowledgement to the loopback SMTP server)."""
import time
from datetime import date

from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import select

from whistle import jobs
from whistle.models import JobRun
from whistle.web.app import create_app
from tests.lifecycle.conftest import case_row


def wait_for(condition, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_no_scheduler_unless_asked(app):
    assert "whistle_scheduler" not in app.extensions


def test_an_app_with_run_scheduler_watches_the_deadlines(melding, mail_settings, smtp, clock, db):
    inbox, _ = smtp
    clock.advance(days=8)  # acknowledgement due 9 March, now 10 March
    app = create_app(mail_settings.with_(run_scheduler=True), clock=clock)
    scheduler = app.extensions["whistle_scheduler"]
    try:
        assert scheduler.running and scheduler.get_job("deadlines") is not None
        assert wait_for(lambda: len(inbox.messages) == 2), inbox.messages
        assert wait_for(lambda: case_row(db, melding.ref).ack_overdue_on == date(2026, 3, 10))
        with db() as s:
            assert list(s.scalars(select(JobRun.job))) == ["deadlines"]
    finally:
        scheduler.shutdown(wait=True)
        app.extensions["whistle_engine"].dispose()


def test_the_production_scheduler_is_a_blocking_one_with_the_same_job(engine, settings, clock):
    scheduler = jobs.blocking(engine, settings, clock)
    assert isinstance(scheduler, BlockingScheduler)
    job = scheduler.get_job("deadlines")
    assert job is not None and job.trigger.interval.total_seconds() == jobs.TICK_MINUTES * 60
