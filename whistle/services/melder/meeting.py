"""A meeting on request, the melder's side (whistle.domain.meeting): ask for a conversation (in
person or by phone), read the counsellor's proposal, confirm it or ask for another moment. Both
paths: the server path seals a note with the session's case key; the browser sends the record
it sealed. The request itself carries only the kind; the proposal's last day is a date."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

import crypto
from whistle.domain.meeting import MeetingKind, MeetingStage, may_answer, may_request, proposal_due, stage
from whistle.domain.records import Author, RecordKind
from whistle.domain.report import MAX_MESSAGE_CHARS
from whistle.domain.states import is_open
from whistle.models import Case, CaseMeeting, Record
from whistle.services import audit
from whistle.services.context import UseCase
from whistle.services.errors import InvalidInput
from whistle.services.input import bounded_text, member, sealed_record
from whistle.services.melder.case import ReporterContext
from whistle.services.organisations import regeling_of

REQUEST_NOTE = "meeting_request"    # the melder's note with a request or with "another moment"
PROPOSAL = "meeting_proposal"       # the counsellor's time and place


@dataclass(frozen=True)
class MeetingView:
    kind: str            # the value (gesprek / telefoon)
    kind_label: str
    stage: MeetingStage
    requested_on: date
    due: date            # the last day for the counsellor's proposal
    proposals: int
    proposed_on: date | None
    confirmed_on: date | None

    @property
    def awaiting_proposal(self) -> bool:
        return self.stage is MeetingStage.REQUESTED

    @property
    def awaiting_answer(self) -> bool:
        return self.stage is MeetingStage.PROPOSED


def newest(session: Session, case: Case) -> CaseMeeting | None:
    return session.scalars(select(CaseMeeting).where(CaseMeeting.case_id == case.id)
                           .order_by(CaseMeeting.id.desc()).limit(1)).first()


def view(session: Session, case: Case) -> MeetingView | None:
    row = newest(session, case)
    if row is None:
        return None
    return MeetingView(row.kind, MeetingKind(row.kind).label, stage(row.proposed_on, row.confirmed_on),
                       row.requested_on, row.due, row.proposals, row.proposed_on, row.confirmed_on)


def meeting_json(session: Session, case: Case) -> dict[str, Any]:
    """Protocol E.11: what the browser path shows; `may_request` also when there is none yet."""
    row = view(session, case)
    out: dict[str, Any] = {"may_request": may_request_now(case, row) is None, "current": None}
    if row is not None:
        out["current"] = {"kind": row.kind, "stage": row.stage.value, "requested_on": row.requested_on.isoformat(),
                          "proposal_due": row.due.isoformat(), "proposals": row.proposals,
                          "proposed_on": row.proposed_on.isoformat() if row.proposed_on else None,
                          "confirmed_on": row.confirmed_on.isoformat() if row.confirmed_on else None}
    return out


def may_request_now(case: Case, current: MeetingView | None) -> str | None:
    if not is_open(case.state):
        return "uw melding is afgesloten; u kunt geen gesprek meer aanvragen"
    return may_request(current.stage if current else None)


def _note(uc: UseCase, ctx: ReporterContext, raw: Mapping[str, Any]) -> None:
    """An optional note, sealed: the browser's record, or the server path's text sealed here."""
    if raw.get("ciphertext") not in (None, ""):
        blob = sealed_record(raw.get("ciphertext"), "ciphertext")
    else:
        text = bounded_text(raw.get("text"), "text", limit=MAX_MESSAGE_CHARS, what="Uw toelichting",
                            required=False)
        if not text:
            return
        if ctx.case_key is None:
            raise InvalidInput("ciphertext: een toelichting gaat versleuteld mee, niet als tekst.", field="ciphertext")
        blob = crypto.seal_record(ctx.case_key, "message", ctx.binding_hex, {"text": text, "purpose": REQUEST_NOTE})
    uc.session.add(Record(case_id=ctx.case.id, kind=RecordKind.MESSAGE, author=Author.MELDER,
                          created_on=uc.today(), ciphertext=blob))


def request(uc: UseCase, ctx: ReporterContext, raw: Mapping[str, Any]) -> CaseMeeting:
    """Ask for a meeting: `kind` (gesprek / telefoon), optionally a note."""
    raw = raw if isinstance(raw, Mapping) else {}
    session, today = uc.session, uc.today()
    kind = member(raw.get("kind"), "kind", MeetingKind, "soort gesprek")
    why = may_request_now(ctx.case, view(session, ctx.case))
    if why:
        raise InvalidInput("kind: %(why)s. Er is niets gewijzigd.", field="kind", params={"why": why})
    _note(uc, ctx, raw)
    days = regeling_of(ctx.case.organisation).meeting_proposal_days
    row = CaseMeeting(case_id=ctx.case.id, kind=kind, requested_on=today, due=proposal_due(today, days), proposals=0)
    session.add(row)
    audit.record(session, chain=ctx.case.organisation.slug, actor="melder", event="meeting_requested",
                 today=today, case_ref=ctx.case.ref, kind=kind, proposal_due=row.due.isoformat())
    session.flush()
    return row


def _open_proposal(session: Session, ctx: ReporterContext) -> CaseMeeting:
    row = newest(session, ctx.case)
    why = may_answer(stage(row.proposed_on, row.confirmed_on) if row else None)
    if why:
        raise InvalidInput("meeting: %(why)s. Er is niets gewijzigd.", field="meeting", params={"why": why})
    return row


def confirm(uc: UseCase, ctx: ReporterContext, raw: Mapping[str, Any]) -> None:
    row = _open_proposal(uc.session, ctx)
    row.confirmed_on = uc.today()
    audit.record(uc.session, chain=ctx.case.organisation.slug, actor="melder", event="meeting_confirmed",
                 today=uc.today(), case_ref=ctx.case.ref, proposal=row.proposals)


def other_moment(uc: UseCase, ctx: ReporterContext, raw: Mapping[str, Any]) -> None:
    """The proposal does not suit: the counsellor proposes again, within a fresh term."""
    raw = raw if isinstance(raw, Mapping) else {}
    row = _open_proposal(uc.session, ctx)
    _note(uc, ctx, raw)
    today = uc.today()
    row.proposed_on, row.reminded_on = None, None
    row.due = proposal_due(today, regeling_of(ctx.case.organisation).meeting_proposal_days)
    audit.record(uc.session, chain=ctx.case.organisation.slug, actor="melder", event="meeting_other_moment_asked",
                 today=today, case_ref=ctx.case.ref, proposal=row.proposals, proposal_due=row.due.isoformat())


STEPS = {"request": request, "confirm": confirm, "other_moment": other_moment}
