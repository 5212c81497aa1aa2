"""A dossier being composed, kept as a draft (issue 13): what the counsellor ticked and typed on
the compose page, sealed under the case key as record kind 'dossier_draft' and bound to the
case's locator. One draft per case, shared by the counsellors who hold the case key; it
survives logging out, is replaced by the next save, and goes when the dossier is sent or the
counsellor deletes it. Only the day it was saved is in the clear."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

import crypto
from whistle.domain.report import MAX_FIELD_CHARS
from whistle.models import Case, DossierDraft
from whistle.services import audit
from whistle.services.cases import case_by_ref, open_or_none, staff_case_key
from whistle.services.context import UseCase
from whistle.services.counsellor.betrokkenen import require_counsellor
from whistle.services.errors import InvalidInput
from whistle.services.input import bounded_text
from whistle.services.staff.accounts import StaffPrincipal

KIND = "dossier_draft"
# The compose form's fields a draft keeps; anything else sent along is dropped.
_FIELD = re.compile(r"^(include_report|include_identity|note|include_message|include_attachment"
                    r"|report_[a-z_]{1,40}|message_[0-9]{1,18})$")
_LISTS = ("include_message", "include_attachment")
_MAX_VALUES = 2000


class DraftForm:
    """The kept fields as the compose page reads a form: `get` (the first value) and `getlist`."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = pairs

    def get(self, name: str, default: str | None = None) -> str | None:
        return next((v for n, v in self.pairs if n == name), default)

    def getlist(self, name: str) -> list[str]:
        return [v for n, v in self.pairs if n == name]

    def keys(self) -> list[str]:
        return list(dict.fromkeys(n for n, _v in self.pairs))


@dataclass
class Draft:
    saved_on: date
    form: DraftForm | None   # None when the draft does not open (shown as unreadable)


def form_fields(form: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The compose form's own fields, in order, each bounded like what is sent."""
    names = form.keys() if hasattr(form, "keys") else []
    pairs: list[tuple[str, str]] = []
    for name in names:
        if not isinstance(name, str) or not _FIELD.match(name):
            continue
        values = form.getlist(name) if hasattr(form, "getlist") else [form.get(name)]
        if name not in _LISTS:
            values = values[:1]
        for value in values:
            text = bounded_text(value, name, limit=MAX_FIELD_CHARS, what="De tekst", required=False,
                                after=" Het concept is niet opgeslagen.")
            pairs.append((name, text))
    if len(pairs) > _MAX_VALUES:
        raise InvalidInput("Het concept is te groot. Het is niet opgeslagen.")
    return pairs


def save(uc: UseCase, principal: StaffPrincipal, ref: str, form: Mapping[str, Any]) -> DossierDraft:
    """Seal the form under the case key, replacing any earlier draft of this case."""
    require_counsellor(principal)
    session, today = uc.session, uc.clock.today()
    case = case_by_ref(session, ref)
    key = staff_case_key(session, case, principal.staff, principal.secret_key)
    pairs = form_fields(form)
    ciphertext = crypto.seal_record(key, KIND, case.binding_hex, {"fields": [list(p) for p in pairs]})
    draft = session.scalar(select(DossierDraft).where(DossierDraft.case_id == case.id))
    if draft is None:
        draft = DossierDraft(case_id=case.id, saved_on=today, ciphertext=ciphertext)
        session.add(draft)
    else:
        draft.saved_on, draft.ciphertext = today, ciphertext
    session.flush()
    audit.record(session, chain=case.organisation.slug, actor=principal.staff.email,
                 event="dossier_draft_saved", today=today, case_ref=case.ref)
    return draft


def discard(uc: UseCase, principal: StaffPrincipal, ref: str) -> bool:
    """Delete the case's draft; False when there was none."""
    require_counsellor(principal)
    session = uc.session
    case = case_by_ref(session, ref)
    staff_case_key(session, case, principal.staff, principal.secret_key)  # only who holds the key
    gone = remove(session, case)
    if gone:
        audit.record(session, chain=case.organisation.slug, actor=principal.staff.email,
                     event="dossier_draft_deleted", today=uc.clock.today(), case_ref=case.ref)
    return gone


def remove(session: Session, case: Case) -> bool:
    """Drop the draft (after the dossier was sent)."""
    return bool(session.execute(delete(DossierDraft).where(DossierDraft.case_id == case.id)).rowcount)


def draft_of(session: Session, case: Case, key: bytes | None) -> Draft | None:
    """The case's draft opened with the case key the page holds; None when there is none."""
    row = session.scalar(select(DossierDraft).where(DossierDraft.case_id == case.id))
    if row is None:
        return None
    body = open_or_none(key, KIND, case.binding_hex, row.ciphertext) if key else None
    if body is None or not isinstance(body.get("fields"), list):
        return Draft(row.saved_on, None)
    pairs = [(str(p[0]), str(p[1])) for p in body["fields"]
             if isinstance(p, list) and len(p) == 2 and _FIELD.match(str(p[0]))]
    return Draft(row.saved_on, DraftForm(pairs))
