"""The melder's complaint after the terugkoppeling (whistle.domain.complaint): lodging it on
either path, and what their page shows: the decision's last day, the decision and its reasons
once taken, and the Landelijke Klachtencommissie with its last day or as past.

The decision and its reasons are sealed in the complaint dossier; the melder reads them with
the dossier key's copy under the case key (the server path here; the browser with the
`complaint` object of the case JSON, docs/protocol.md E.6)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from sqlalchemy.orm import Session

import crypto
from whistle.domain.complaint import ComplaintOutcome, RouteLimit, route_limit
from whistle.domain.lifecycle import Actor, Event
from whistle.domain.offices import OFFICE_LABELS
from whistle.domain.records import Author
from whistle.models import Case, Dossier, DossierRecord
from whistle.services.context import UseCase
from whistle.services.dossiers import key_from_copy, ref_of
from whistle.services.input import b64
from whistle.services.lifecycle import Outcome, events_for, transition
from whistle.services.lifecycle.complaint import complaint_of
from whistle.services.melder.case import ReporterContext
from whistle.services.organisations import regeling_of
from sqlalchemy import select

FIELDS = ("text", "event_on", "ciphertext", "lkc_limit_on")


def lodge(uc: UseCase, ctx: ReporterContext, raw: Mapping[str, Any]) -> Outcome:
    """Server path: `text` and optionally `event_on` (JJJJ-MM-DD), sealed with the session's
    case key. Browser: `ciphertext` (a sealed message record, purpose 'complaint') and optionally
    `lkc_limit_on`, the LKC's last day it computed from the event date it sealed."""
    raw = raw if isinstance(raw, Mapping) else {}
    return transition(uc, ctx.case, Event.COMPLAIN, ctx, **{k: raw.get(k) for k in FIELDS})


def may_lodge(case: Case) -> bool:
    return any(t.event is Event.COMPLAIN for t in events_for(case, Actor.MELDER))


@dataclass(frozen=True)
class MelderComplaint:
    offered: bool                 # the regeling has a complaint procedure, and this case may use it now
    decided_by: str               # the office's label
    lodged_on: date | None = None
    due: date | None = None
    decided_on: date | None = None
    outcome: ComplaintOutcome | None = None
    motivation: str | None = None  # None until decided, or when it does not open
    lkc: RouteLimit | None = None


def _decision(session: Session, dossier_id: int | None) -> DossierRecord | None:
    if dossier_id is None:
        return None
    return session.scalar(select(DossierRecord).where(
        DossierRecord.dossier_id == dossier_id, DossierRecord.author == Author.AUTHORITY)
        .order_by(DossierRecord.id.desc()).limit(1))


def view(session: Session, case: Case, case_key: bytes | None, today: date) -> MelderComplaint | None:
    rule = regeling_of(case.organisation).complaint
    if rule is None:
        return None
    label = OFFICE_LABELS.get(rule.decided_by, rule.decided_by)
    row = complaint_of(session, case)
    if row is None:
        return MelderComplaint(may_lodge(case), label) if may_lodge(case) else None
    motivation = None
    record = _decision(session, row.dossier_id)
    if record is not None and case_key is not None:
        dossier = session.get(Dossier, row.dossier_id)
        try:
            key = key_from_copy(case, case_key, dossier)
            motivation = str(crypto.open_record(key, "dossier", dossier.locator.hex(), record.ciphertext)
                             .get("motivation", ""))
        except crypto.CryptoError:
            motivation = None
    return MelderComplaint(False, label, row.lodged_on, row.due, row.decided_on,
                           ComplaintOutcome(row.outcome) if row.outcome else None, motivation,
                           route_limit(row.lkc_limit_on, today))


def complaint_json(session: Session, case: Case, today: date) -> dict[str, Any] | None:
    """The complaint in the case JSON: days, the outcome, the LKC's last day, and what the
    browser needs to read the reasons: the dossier key's copy (a `dossier_key` record under the
    case key) and the decision (a `dossier` record under that key, bound to the dossier locator)."""
    shown = view(session, case, None, today)
    if shown is None:
        return None
    row = complaint_of(session, case)
    out: dict[str, Any] = {"may_lodge": shown.offered, "decided_by": shown.decided_by}
    if row is None:
        return out
    out |= {"lodged_on": row.lodged_on.isoformat(), "decision_due": row.due.isoformat(),
            "decided_on": row.decided_on.isoformat() if row.decided_on else None, "outcome": row.outcome,
            "lkc_limit_on": row.lkc_limit_on.isoformat() if row.lkc_limit_on else None,
            "lkc_passed": shown.lkc.passed if shown.lkc else None}
    record = _decision(session, row.dossier_id)
    if record is not None:
        dossier = session.get(Dossier, row.dossier_id)
        out["decision"] = {"dossier": ref_of(dossier), "dossier_key": b64(dossier.counsellor_copy),
                           "ciphertext": b64(record.ciphertext)}
    return out
