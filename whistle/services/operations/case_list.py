"""Case metadata for staff tools (the CLI, the scheduler): never content."""
from __future__ import annotations

from datetime import date
from typing import Any, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from whistle.models import Case
from whistle.services.organisations import get_organisation

_BATCH = 1000


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


_COLUMNS = (Case.ref, Case.state, Case.received_on, Case.acknowledged_on, Case.feedback_given_on,
            Case.ack_due, Case.feedback_due, Case.feedback_maximum, Case.category)


def list_cases(session: Session, org_slug: str) -> Iterator[dict[str, Any]]:
    """The organisation's cases, oldest first, as metadata dicts (the JSON of `whistle case list --json`). NotFound at once for an
    unknown organisation; the rows then stream in batches (plain rows, a server-side cursor
    where there is one), so memory stays flat whatever the number of cases."""
    org = get_organisation(session, org_slug)
    query = (select(*_COLUMNS).where(Case.organisation_id == org.id)
             .order_by(Case.received_on, Case.id)
             .execution_options(stream_results=True, yield_per=_BATCH))
    return _rows(session, query)


def _rows(session: Session, query) -> Iterator[dict[str, Any]]:
    for ref, state, received, acknowledged, given, ack_due, feedback_due, maximum, category in session.execute(query):
        yield {"ref": ref, "state": state, "received_on": received.isoformat(),
               "acknowledged_on": _day(acknowledged), "feedback_given_on": _day(given),
               "deadlines": {"acknowledgement": ack_due.isoformat(), "feedback": feedback_due.isoformat(),
                             "feedback_maximum": maximum.isoformat()},
               "category": category}
