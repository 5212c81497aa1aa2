"""A check for the lifecycle walks (issue 13.1): after every flush of every transition, each
case whose columns are loaded has the next_due that whistle.domain.states.next_due computes
from its state and deadlines; and at the end of the test every stored row has it too (which also
catches a bulk UPDATE that changed a state or a deadline past the ORM)."""
from __future__ import annotations

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from whistle.domain.states import next_due
from whistle.models import Case

_COLUMNS = ("state", "ack_due", "feedback_due", "next_due")


def _computed(state, ack_due, feedback_due):
    return next_due(getattr(state, "value", state), ack_due, feedback_due)


@pytest.fixture
def next_due_watch(engine):
    wrong: list[str] = []
    flushes = [0]

    def after_flush(session, _context):
        flushes[0] += 1
        for obj in list(session.identity_map.values()):
            if isinstance(obj, Case) and all(c in obj.__dict__ for c in _COLUMNS):
                d = obj.__dict__
                if d["next_due"] != _computed(d["state"], d["ack_due"], d["feedback_due"]):
                    wrong.append(f"{d.get('ref')}: {d['state']} next_due {d['next_due']}")

    event.listen(Session, "after_flush_postexec", after_flush)
    try:
        yield wrong
    finally:
        event.remove(Session, "after_flush_postexec", after_flush)
    with engine.connect() as conn:
        for ref, state, ack_due, feedback_due, stored in conn.execute(
                select(Case.ref, Case.state, Case.ack_due, Case.feedback_due, Case.next_due)):
            if stored != _computed(state, ack_due, feedback_due):
                wrong.append(f"{ref} (stored): {state} next_due {stored}")
    assert not wrong, "cases.next_due differs from whistle.domain.states.next_due: " + "; ".join(wrong)
