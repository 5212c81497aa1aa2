"""The melder's side of an oral melding's minutes (whistle.services.counsellor.oral): read the
latest version on the case page, approve it, or send corrections (sealed like a message: the
server path seals them with the session's case key, the browser sends its own record)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from sqlalchemy.orm import Session

import crypto
from whistle.domain.oral import OralForm, may_answer
from whistle.domain.records import Author, RecordKind
from whistle.domain.report import MAX_MESSAGE_CHARS
from whistle.models import Case, CaseMinutes, Record
from whistle.services import audit
from whistle.services.context import UseCase
from whistle.services.errors import InvalidInput
from whistle.services.input import bounded_text, sealed_record, whole_number
from whistle.services.melder.case import ReporterContext

MINUTES, CORRECTION = "minutes", "minutes_correction"


@dataclass(frozen=True)
class MinutesView:
    form: str            # label
    held_on: date
    recording_consent: bool
    versions: int
    approved_version: int | None
    approved_on: date | None

    @property
    def open(self) -> bool:
        return self.approved_version is None


def view(session: Session, case: Case) -> MinutesView | None:
    row = session.get(CaseMinutes, case.id)
    if row is None:
        return None
    return MinutesView(OralForm(row.form).label, row.held_on, row.recording_consent, row.versions,
                       row.approved_version, row.approved_on)


def minutes_json(session: Session, case: Case) -> dict[str, Any] | None:
    row = session.get(CaseMinutes, case.id)
    if row is None:
        return None
    return {"form": row.form, "held_on": row.held_on.isoformat(), "recording_consent": row.recording_consent,
            "versions": row.versions, "approved_version": row.approved_version,
            "approved_on": row.approved_on.isoformat() if row.approved_on else None}


def _checked_row(session: Session, case: Case, raw: Mapping[str, Any]) -> tuple[CaseMinutes, int]:
    row = session.get(CaseMinutes, case.id)
    if row is None:
        raise InvalidInput("version: bij deze melding hoort geen verslag.", field="version")
    version = whole_number(raw.get("version"), "version", "version: geef het nummer van de versie.")
    why = may_answer(version, row.versions, row.approved_version)
    if why and row.approved_version is None:  # only the newest version (whistle.domain.oral.may_answer)
        raise InvalidInput("version: alleen de nieuwste versie (%(newest)s) kan worden goedgekeurd of gecorrigeerd. "
                           "Er is niets gewijzigd.", field="version", params={"newest": row.versions})
    if why:
        raise InvalidInput("version: %(why)s. Er is niets gewijzigd.", field="version", params={"why": why})
    return row, version


def approve(uc: UseCase, ctx: ReporterContext, raw: Mapping[str, Any]) -> None:
    row, version = _checked_row(uc.session, ctx.case, raw)
    row.approved_version, row.approved_on = version, uc.today()
    audit.record(uc.session, chain=ctx.case.organisation.slug, actor="melder", event="minutes_approved",
                 today=uc.today(), case_ref=ctx.case.ref, version=version)


def correct(uc: UseCase, ctx: ReporterContext, raw: Mapping[str, Any]) -> None:
    row, version = _checked_row(uc.session, ctx.case, raw)
    if raw.get("ciphertext") is not None:
        blob = sealed_record(raw.get("ciphertext"), "ciphertext")
    elif ctx.case_key is None:
        raise InvalidInput("ciphertext: ontbreekt.", field="ciphertext")
    else:
        text = bounded_text(raw.get("text"), "text", limit=MAX_MESSAGE_CHARS, what="Uw correcties",
                            missing="Schrijf wat er anders moet in het verslag.")
        blob = crypto.seal_record(ctx.case_key, "message", ctx.case.binding_hex,
                                  {"text": text, "purpose": CORRECTION, "version": version})
    uc.session.add(Record(case_id=ctx.case.id, kind=RecordKind.MESSAGE, author=Author.MELDER,
                          created_on=uc.today(), ciphertext=blob))
    audit.record(uc.session, chain=ctx.case.organisation.slug, actor="melder", event="minutes_corrected",
                 today=uc.today(), case_ref=ctx.case.ref, version=version)
