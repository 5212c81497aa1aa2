"""The daily purge: a closed case is deleted, with everything that holds its ciphertext or keys,
on the day its bewaartermijn ends; the audit trail keeps a content-free tombstone and still
verifies; the job runs once a day however many workers call it."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from tests.retention.conftest import dossier_ids, rows_of
from whistle import jobs
from whistle.infra.db import make_engine, make_session_factory
from whistle.models import AuditEvent, Case, JobRun, Record
from whistle.services import audit
from whistle.infra import attachments as attachment_store
from whistle.services.operations import retention

TERM = 730  # Deventer's regeling: [retention] closed_case_days


def advance_to(clock, day):
    clock.advance(days=(day - clock.today()).days)


def test_a_closed_case_is_deleted_with_everything_on_the_day_its_term_ends(
        closed, db, use_case, clock, settings, factory, as_staff):
    dossiers = dossier_ids(db, closed.case_id)
    before = rows_of(db, closed.case_id, dossiers)
    # Everything a case can hold is there, so the purge below has something to prove.
    assert all(before[t] > 0 for t in ("records", "attachments", "case_keys", "reporter_sessions",
                                       "dossiers", "dossier_keys", "dossier_records", "cases")), before
    body = settings.attachments_dir / closed.attachment_id
    assert body.is_file()
    with db() as s:
        anchor = audit.heads(s, "deventer")[0]
        case_events = len(list(s.scalars(select(AuditEvent.id).where(AuditEvent.case_ref == closed.ref))))

    due = closed.closed_on + timedelta(days=TERM)
    advance_to(clock, due - timedelta(days=1))
    assert retention.run_daily(factory, settings, clock).deleted == []
    assert rows_of(db, closed.case_id, dossiers) == before and body.is_file()

    advance_to(clock, due)
    report = retention.run_daily(factory, settings, clock)
    assert report.deleted == [closed.ref] and report.ok
    assert set(rows_of(db, closed.case_id, dossiers).values()) == {0}
    assert not body.exists()

    with db() as s:
        tomb = s.scalar(select(AuditEvent).where(AuditEvent.event == "case_deleted"))
        assert (tomb.chain, tomb.case_ref, tomb.actor, tomb.occurred_on) == ("deventer", closed.ref, "scheduler", due)
        assert json.loads(tomb.details) == {"received_on": "2026-03-02", "closed_on": closed.closed_on.isoformat(),
                                            "due": due.isoformat()}
        # The case's earlier events stay; the chain verifies, and the anchor taken before still holds.
        assert len(list(s.scalars(select(AuditEvent.id).where(AuditEvent.case_ref == closed.ref)))) == case_events + 1
        assert audit.verify(s) == [] and audit.check_anchor(s, anchor) is None
    # Nobody can open it any more: the melder's code leads nowhere, as a wrong code does.
    from tests.authority.conftest import melder
    from whistle.services.errors import Unauthorized
    import pytest
    with db() as s, pytest.raises(Unauthorized):
        melder(use_case(s), closed.code)


def test_open_cases_and_cases_still_in_their_term_stay(closed, melding, browser, db, clock, settings, factory):
    from tests.authority.conftest import send_melding
    send_melding(browser, what="Een tweede melding die nog loopt")
    with db() as s:
        still_open = s.scalar(select(Case.id).where(Case.ref != closed.ref))
    clock.advance(days=10 * TERM)
    assert retention.run_daily(factory, settings, clock).deleted == [closed.ref]
    with db() as s:
        assert list(s.scalars(select(Case.id))) == [still_open]
        assert s.scalar(select(Record.id).where(Record.case_id == still_open)) is not None


def test_the_job_runs_once_a_day_across_calls_and_engines(closed, db, clock, settings, factory):
    clock.advance(days=TERM + 1)
    other_engine = make_engine(settings.database_url)
    try:
        first = retention.run_daily(factory, settings, clock)
        assert retention.run_daily(factory, settings, clock) is None
        assert retention.run_daily(make_session_factory(other_engine), settings, clock) is None
    finally:
        other_engine.dispose()
    assert first.deleted == [closed.ref]
    with db() as s:
        assert list(s.scalars(select(JobRun.job).where(JobRun.job == retention.JOB))) == ["retention"]
        assert len(list(s.scalars(select(AuditEvent.id).where(AuditEvent.event == "case_deleted")))) == 1
    clock.advance(days=1)  # the next day is a new run, with nothing left to do
    assert retention.run_daily(factory, settings, clock).deleted == []


def test_a_body_left_by_a_crash_after_the_commit_is_removed_by_the_sweep(closed, db, clock, settings, factory,
                                                                          monkeypatch):
    def crash(_dir, _id):
        raise OSError("disk went away")
    monkeypatch.setattr(attachment_store, "remove", crash)
    clock.advance(days=TERM)
    assert retention.run_daily(factory, settings, clock).deleted == [closed.ref]
    body = settings.attachments_dir / closed.attachment_id
    assert body.is_file()  # the row is gone, the orphan body is still ciphertext
    monkeypatch.undo()
    with db() as s:
        assert attachment_store.sweep_stale(s, settings.attachments_dir, grace_seconds=0) == 1
    assert not body.exists()


def test_the_scheduler_has_the_retention_job(engine, settings, clock):
    scheduler = jobs.blocking(engine, settings, clock)
    job = scheduler.get_job(retention.JOB)
    assert job is not None and job.trigger.interval.total_seconds() == jobs.TICK_MINUTES * 60
