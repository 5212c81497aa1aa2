"""Internal notes of the vertrouwenspersonen on a case (issue 13): sealed under the case key as
record kind 'note' (who wrote it is inside the seal; only the date is in the clear), readable by
every counsellor who holds the key, never shown to the melder (the melder's pages and API read
the records table, never case_notes) and never put in a dossier."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

import crypto
from whistle.domain.report import MAX_MESSAGE_CHARS
from whistle.domain.roles import StaffRole
from whistle.models import Case, CaseNote
from whistle.services import audit
from whistle.services.cases import case_by_ref, open_or_none, staff_case_key, staff_case_key_or_none
from whistle.services.context import UseCase
from whistle.services.errors import Forbidden
from whistle.services.input import bounded_text
from whistle.services.staff.accounts import StaffPrincipal

KIND = "note"


@dataclass
class Note:
    created_on: date
    by: str
    text: str
    unreadable: bool = False


def _require_counsellor(principal: StaffPrincipal) -> None:
    if principal.staff.role != StaffRole.COUNSELLOR:
        raise Forbidden("Alleen een vertrouwenspersoon kan notities maken en lezen.")


def add(uc: UseCase, principal: StaffPrincipal, ref: str, text: object) -> CaseNote:
    _require_counsellor(principal)
    text = bounded_text(text, "note", limit=MAX_MESSAGE_CHARS, what="De notitie", missing="De notitie is leeg.")
    case = case_by_ref(uc.session, ref)
    key = staff_case_key(uc.session, case, principal.staff, principal.secret_key)
    today = uc.clock.today()
    body = {"text": text, "by": principal.staff.display_name or principal.staff.email}
    note = CaseNote(case_id=case.id, created_on=today,
                    ciphertext=crypto.seal_record(key, KIND, case.binding_hex, body))
    uc.session.add(note)
    uc.session.flush()
    audit.record(uc.session, chain=case.organisation.slug, actor=principal.staff.email, event="note_added",
                 today=today, case_ref=case.ref)
    return note


def notes_of(session: Session, case: Case, key: bytes | None) -> list[Note]:
    """The case's notes, oldest first, opened with the case key the page already holds."""
    out = []
    for row in session.scalars(select(CaseNote).where(CaseNote.case_id == case.id).order_by(CaseNote.id)):
        body = open_or_none(key, KIND, case.binding_hex, row.ciphertext) if key else None
        out.append(Note(row.created_on, str((body or {}).get("by", "")), str((body or {}).get("text", "")),
                        body is None))
    return out


def for_member(session: Session, principal: StaffPrincipal, case: Case) -> list[Note]:
    """The notes as the case page shows them to a counsellor who holds the key."""
    _require_counsellor(principal)
    return notes_of(session, case, staff_case_key_or_none(session, case, principal.staff, principal.secret_key))
