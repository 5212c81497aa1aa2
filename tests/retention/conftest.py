"""Fixtures for retention: the hand-over's Deventer (two counsellors, a college) and a melding
with the melder's identity, walked to `afgesloten` with everything a case can hold: the report,
the identity, messages, an attachment (body on disk), case keys, a melder session, a dossier
with its keys, records and the decision."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.authority.conftest import (  # noqa: F401  (fixtures)
    as_staff, cheaper_login_hash, escalate, in_behandeling, melding, town,
)
from whistle.infra.db import make_session_factory
from whistle.models import (
    AccessToRestore, Attachment, Case, CaseConcerned, CaseKey, Dossier, DossierKey, DossierRecord,
    Record, ReporterSession, RetentionExtension,
)
from whistle.services.authority import decisions as authority
from whistle.services.lifecycle import transition

ATTACHMENT = b"Notulen van het overleg met de zwager\n" * 2000


@dataclass
class Closed:
    ref: str
    code: str
    case_id: int
    attachment_id: str
    closed_on: date


@pytest.fixture
def factory(engine):
    return make_session_factory(engine)


@pytest.fixture
def closed(melding, db, use_case, as_staff, reporter_api) -> Closed:
    melder = reporter_api("deventer")
    melder.log_in(melding.code)  # leaves a melder session behind
    uploaded = melder.upload("notulen.txt", "text/plain", [ATTACHMENT], len(ATTACHMENT))
    melder.send_message("Ik heb nog een aanvulling.")
    in_behandeling(db, use_case, as_staff, melding.ref)
    sent, _ = escalate(db, use_case, as_staff, melding.ref)
    with db() as s:
        authority.decide(use_case(s), as_staff(s, "burgemeester"), sent,
                         {"decision": "onderzoek", "motivation": "Ernstig genoeg voor onderzoek."})
        transition(use_case(s), melding.ref, "give_feedback", as_staff(s), text="Er komt een onderzoek.")
        transition(use_case(s), melding.ref, "close", as_staff(s))
        case = s.scalar(select(Case).where(Case.ref == melding.ref))
        return Closed(melding.ref, melding.code, case.id, uploaded["id"], case.closed_on)


# Every table that holds ciphertext or a key for a case: its rows for the case (or its dossiers).
def rows_of(db, case_id: int, dossier_ids: list[int]) -> dict[str, int]:
    by_case = {"records": Record, "attachments": Attachment, "case_keys": CaseKey,
               "case_concerned": CaseConcerned, "reporter_sessions": ReporterSession, "dossiers": Dossier,
               "retention_extensions": RetentionExtension, "access_to_restore": AccessToRestore}
    with db() as s:
        counts = {name: s.scalar(select(func.count()).select_from(model).where(model.case_id == case_id))
                  for name, model in by_case.items()}
        for name, model in {"dossier_keys": DossierKey, "dossier_records": DossierRecord}.items():
            counts[name] = s.scalar(select(func.count()).select_from(model)
                                    .where(model.dossier_id.in_(dossier_ids)))
        counts["cases"] = s.scalar(select(func.count()).select_from(Case).where(Case.id == case_id))
    return counts


def dossier_ids(db, case_id: int) -> list[int]:
    with db() as s:
        return list(s.scalars(select(Dossier.id).where(Dossier.case_id == case_id)))
