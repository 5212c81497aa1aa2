"""Case metadata for staff tools (the CLI, the scheduler): never content."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from whistle.models import Case
from whistle.services.cases import deadlines_json
from whistle.services.organisations import get_organisation


def case_metadata(case: Case) -> dict[str, Any]:
    return {
        "ref": case.ref,
        "state": case.state,
        "received_on": case.received_on.isoformat(),
        "acknowledged_on": case.acknowledged_on.isoformat() if case.acknowledged_on else None,
        "feedback_given_on": case.feedback_given_on.isoformat() if case.feedback_given_on else None,
        "deadlines": deadlines_json(case) | {"feedback_maximum": case.feedback_maximum.isoformat()},
        "category": case.category,
    }


def list_cases(session: Session, org_slug: str) -> list[dict[str, Any]]:
    org = get_organisation(session, org_slug)
    cases = session.scalars(select(Case).where(Case.organisation_id == org.id)
                            .order_by(Case.received_on, Case.id))
    return [case_metadata(c) for c in cases]
