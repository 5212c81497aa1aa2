"""The deadline pass costs in proportion to the new due moments (issue 17.1): the flags already
set are part of the query, so cases recorded and reminded before are not candidates again, and
the work is done in batches of cases per transaction."""
import itertools
from datetime import date, timedelta

from sqlalchemy import select

from whistle.domain.states import OverdueDeadline
from whistle.infra.db import make_session_factory, transaction
from whistle.models import AuditEvent, Case
from whistle.services.operations import deadlines_watch
from whistle.services.operations.deadlines_watch import _DEADLINES, candidates, due_moment
from whistle.services.cases import overdue
from tests.lifecycle.conftest import case_row

WINDOW = 2


def copies(db, ref: str, variants: list[dict]) -> list[int]:
    """Rows copied from the one the real intake made, each with some columns changed."""
    ids = []
    with db() as s:
        source = s.scalars(select(Case).where(Case.ref == ref)).one()
        values = {c.key: getattr(source, c.key) for c in Case.__mapper__.column_attrs if c.key != "id"}
        for n, changes in enumerate(variants):
            row = Case(**(values | {"ref": f"T-{n:06d}", "locator": n.to_bytes(16, "big")} | changes))
            s.add(row)
            s.flush()
            ids.append(row.id)
        s.commit()
    return ids


def has_work(case: Case, today: date) -> bool:
    """The rule of the pass in Python: an overdue day not yet recorded or a reminder not yet
    sent since the current due moment began."""
    for d in _DEADLINES:
        if case.state not in d.awaiting:
            continue
        if overdue(case, d.name, today) and getattr(case, d.overdue) is None:
            return True
        began = due_moment(d.due(case), today, WINDOW)
        reminded = getattr(case, d.reminded)
        if began is not None and (reminded is None or reminded < began):
            return True
    return False


def test_the_query_selects_exactly_the_cases_with_something_new(melding, engine, clock, db):
    today = clock.today()
    offsets = (-9, -3, -1, 0, 1, 2, 3, 30)
    reminded = (None, -12, -4, -2, -1, 0)
    variants = []
    for due, rem, marked, state in itertools.product(offsets, reminded, (None, -1), ("ontvangen", "afgesloten")):
        variants.append({
            "state": state, "ack_due": today + timedelta(days=due),
            "feedback_due": today + timedelta(days=due + 40),
            "ack_reminded_on": None if rem is None else today + timedelta(days=due + rem),
            "ack_overdue_on": None if marked is None else today + timedelta(days=marked)})
    copies(db, melding.ref, variants)
    with transaction(make_session_factory(engine)) as s:
        found = set(candidates(s, today, WINDOW))
        expected = {c.id for c in s.scalars(select(Case)) if has_work(c, today)}
    assert found == expected
    assert 0 < len(found) < len(variants)  # the test tells both kinds apart


def test_a_backlog_handled_before_is_no_candidate_and_batches_record_every_case(
        melding, engine, mail_settings, smtp, clock, db, monkeypatch):
    inbox, _ = smtp
    monkeypatch.setattr(deadlines_watch, "BATCH", 2)
    source = case_row(db, melding.ref)
    copies(db, melding.ref, [{} for _ in range(4)])
    factory = make_session_factory(engine)
    clock.advance(days=8)  # the acknowledgement of all five is overdue
    report = deadlines_watch.watch(factory, mail_settings, clock)
    assert report.ok and len(report.overdue) == 5
    # The copies have no case keys, so only the real one has counsellors to mail.
    assert {ref for ref, _ in report.reminded} == {melding.ref} and len(inbox.messages) == 2
    with db() as s:
        chain = list(s.scalars(select(AuditEvent.event).where(AuditEvent.chain == "deventer")))
    assert chain.count("case_mark_overdue") == 5 and chain.count("deadline_reminder") == 5
    # The next days nothing is new: the backlog of overdue cases is not selected again.
    for _ in range(3):
        clock.advance(days=1)
        with transaction(factory) as s:
            assert candidates(s, clock.today(), deadlines_watch.DEFAULT_DUE_SOON_DAYS) == []
    assert source.feedback_due > clock.today()
