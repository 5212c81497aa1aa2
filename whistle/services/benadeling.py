"""Benadeling (whistle.domain.benadeling): the vertrouwenspersoon's risk assessment, the
melder's reports at any time, and the melder's answers at the follow-up moments after closing.

Each entry is sealed under the case key as a 'benadeling' record in case_benadeling; the
audit events and the case row hold no content, only that something was recorded and (for the
annual figures) the first day benadeling was reported. The melder's entries come sealed by
their browser (the API) or, on the server path, are sealed here with the case key their
session holds."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

import crypto
from whistle.domain.benadeling import (
    MEASURES_FIELD, RISK_LEVEL_FIELD, RISK_QUESTIONS, Answer, BenadelingKind, RiskLevel, follow_up_moments,
    open_follow_up,
)
from whistle.domain.report import MAX_MESSAGE_CHARS
from whistle.models import Case, CaseBenadeling
from whistle.services import audit
from whistle.domain.roles import StaffRole
from whistle.services.cases import case_by_ref, open_or_none, staff_case_key
from whistle.services.context import UseCase
from whistle.services.errors import Forbidden, InvalidInput
from whistle.services.input import bounded_text, member, sealed_record
from whistle.services.organisations import regeling_of

RECORD = "benadeling"  # the record kind (crypto.RECORD_KINDS) the entries are sealed as


@dataclass(frozen=True)
class Entry:
    kind: str
    created_on: date
    body: dict
    unreadable: bool


# --- parsing --------------------------------------------------------------------------------

def parse_risk(raw: Mapping[str, Any], *, required: bool) -> dict | None:
    """The risk assessment from form fields risk_<question>, risk_level and risk_measures; None
    when none of them was sent and it is not `required`."""
    names = [f"risk_{q.name}" for q in RISK_QUESTIONS] + [f"risk_{RISK_LEVEL_FIELD}"]
    if not required and not any(raw.get(n) not in (None, "") for n in names + [f"risk_{MEASURES_FIELD}"]):
        return None
    body: dict[str, Any] = {"kind": BenadelingKind.RISK.value}
    for q in RISK_QUESTIONS:
        body[q.name] = member(raw.get(f"risk_{q.name}"), f"risk_{q.name}", Answer, q.text)
    body[RISK_LEVEL_FIELD] = member(raw.get(f"risk_{RISK_LEVEL_FIELD}"), f"risk_{RISK_LEVEL_FIELD}", RiskLevel,
                                    "risico op benadeling")
    body[MEASURES_FIELD] = bounded_text(raw.get(f"risk_{MEASURES_FIELD}"), f"risk_{MEASURES_FIELD}",
                                        limit=MAX_MESSAGE_CHARS, what="De maatregelen", required=False)
    return body


def _text(raw: Mapping[str, Any], required: bool) -> str:
    return bounded_text(raw.get("text"), "text", limit=MAX_MESSAGE_CHARS, what="Uw beschrijving",
                        required=required, missing="Beschrijf kort wat u is overkomen.")


# --- writing --------------------------------------------------------------------------------

def store(session: Session, case: Case, kind: BenadelingKind, blob: bytes, today: date) -> None:
    session.add(CaseBenadeling(case_id=case.id, kind=kind.value, created_on=today, ciphertext=blob))
    session.flush()


def seal(case_key: bytes, case: Case, body: dict) -> bytes:
    return crypto.seal_record(case_key, RECORD, case.binding_hex, body)


def record_risk(session: Session, case: Case, case_key: bytes, body: dict, today: date, actor: str) -> None:
    """The risk assessment, at triage or later (a new assessment is kept beside the earlier)."""
    store(session, case, BenadelingKind.RISK, seal(case_key, case, body), today)
    audit.record(session, chain=case.organisation.slug, actor=actor, event="benadeling_risk_assessed",
                 today=today, case_ref=case.ref)


def assess(uc: UseCase, principal: Any, ref: str, raw: Mapping[str, Any]) -> None:
    """The counsellor records (another) risk assessment after triage, e.g. when things change."""
    if principal.staff.role != StaffRole.COUNSELLOR:
        raise Forbidden("Alleen de vertrouwenspersoon legt een risico-inschatting vast.")
    case = case_by_ref(uc.session, ref)
    key = staff_case_key(uc.session, case, principal.staff, principal.secret_key)
    record_risk(uc.session, case, key, parse_risk(raw, required=True), uc.today(), principal.staff.email)


def report(uc: UseCase, case: Case, case_key: bytes | None, raw: Mapping[str, Any]) -> None:
    """The melder reports benadeling, at any time while the case exists. On the server path
    `raw` holds `text`; the browser sends `ciphertext`, a record it sealed itself."""
    today = uc.today()
    blob = _melder_blob(case, case_key, raw, {"kind": BenadelingKind.REPORT.value, "text": None}, required=True)
    store(uc.session, case, BenadelingKind.REPORT, blob, today)
    if case.benadeling_on is None:
        case.benadeling_on = today
    audit.record(uc.session, chain=case.organisation.slug, actor="melder", event="benadeling_reported",
                 today=today, case_ref=case.ref)


def answer_follow_up(uc: UseCase, case: Case, case_key: bytes | None, raw: Mapping[str, Any]) -> None:
    """The melder's answer at a follow-up moment after closing: benadeling ja/nee (in the clear,
    for the annual figures), with an optional description sealed."""
    today = uc.today()
    months = regeling_of(case.organisation).follow_up_months
    index = open_follow_up(case.closed_on, months, case.follow_ups_answered, today)
    if index is None:
        raise InvalidInput("Er staat nu geen vraag over benadeling voor u open.", field="answer")
    experienced = member(raw.get("answer"), "answer", Answer, "Heeft u benadeling ervaren?") == Answer.YES
    body = {"kind": BenadelingKind.FOLLOW_UP.value, "moment_months": months[index],
            "answer": Answer.YES.value if experienced else Answer.NO.value, "text": None}
    blob = _melder_blob(case, case_key, raw, body, required=False)
    store(uc.session, case, BenadelingKind.FOLLOW_UP, blob, today)
    case.follow_ups_answered = index + 1
    if experienced and case.benadeling_on is None:
        case.benadeling_on = today
    audit.record(uc.session, chain=case.organisation.slug, actor="melder", event="benadeling_follow_up_answered",
                 today=today, case_ref=case.ref, moment_months=months[index])


def _melder_blob(case: Case, case_key: bytes | None, raw: Mapping[str, Any], body: dict, *, required: bool) -> bytes:
    if raw.get("ciphertext") is not None:
        return sealed_record(raw.get("ciphertext"), "ciphertext")
    if case_key is None:  # pragma: no cover - the browser path always sends ciphertext
        raise InvalidInput("ciphertext: ontbreekt.", field="ciphertext")
    body["text"] = _text(raw, required)
    return seal(case_key, case, body)


# --- reading --------------------------------------------------------------------------------

def entries(session: Session, case: Case, case_key: bytes | None, kinds: tuple[BenadelingKind, ...]) -> list[Entry]:
    rows = session.scalars(select(CaseBenadeling).where(
        CaseBenadeling.case_id == case.id, CaseBenadeling.kind.in_([k.value for k in kinds]))
        .order_by(CaseBenadeling.id))
    out = []
    for r in rows:
        body = open_or_none(case_key, RECORD, case.binding_hex, r.ciphertext) if case_key else None
        out.append(Entry(r.kind, r.created_on, body or {}, body is None))
    return out


@dataclass(frozen=True)
class FollowUpView:
    moments: tuple[date, ...]
    open_index: int | None   # the moment the melder may answer now
    answered: int

    @property
    def open_moment(self) -> date | None:
        return None if self.open_index is None else self.moments[self.open_index]


def follow_up_view(case: Case, today: date) -> FollowUpView | None:
    """The follow-up moments of a closed case, and which one is open now."""
    if case.closed_on is None:
        return None
    months = regeling_of(case.organisation).follow_up_months
    return FollowUpView(follow_up_moments(case.closed_on, months),
                        open_follow_up(case.closed_on, months, case.follow_ups_answered, today),
                        case.follow_ups_answered)
