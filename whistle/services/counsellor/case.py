"""The vertrouwenspersoon's reading and writing: the inbox, a decrypted case, replies and
attachment downloads. Only cases whose key is wrapped to the member exist for them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

import crypto
from whistle.domain.benadeling import BenadelingKind
from whistle.domain.records import Author, RecordKind
from whistle.domain.roles import StaffRole
from whistle.models import Case, CaseKey, Record
from whistle.services import audit, benadeling
from whistle.services.staff import recovery
from whistle.services.cases import (UNREADABLE_ATTACHMENT, attachment_of, case_by_ref, open_attachment,
                                    open_or_none, staff_case_key, staff_case_key_or_none)
from whistle.services.context import UseCase
from whistle.services.counsellor import lead
from whistle.services.errors import Forbidden, InvalidInput, UnreadableRecord
from whistle.services.input import message_text
from whistle.services.lifecycle.facts import parse_facts
from whistle.services.melder.case import attachments_of, records_of
from whistle.services.staff.accounts import StaffPrincipal


def _require_counsellor(principal: StaffPrincipal) -> None:
    if principal.staff.role != StaffRole.COUNSELLOR:
        raise Forbidden("Alleen een vertrouwenspersoon kan meldingen lezen.")


def inbox(session: Session, principal: StaffPrincipal) -> list[Case]:
    """The member's cases, most urgent first. Metadata only; nothing is decrypted."""
    _require_counsellor(principal)
    return list(session.scalars(
        select(Case).join(CaseKey, CaseKey.case_id == Case.id)
        .where(CaseKey.staff_id == principal.staff.id,
               Case.organisation_id == principal.staff.organisation_id)
        .order_by(Case.ack_due, Case.feedback_due, Case.id)))


@dataclass
class OpenedRecord:
    id: int
    kind: str
    author: str
    created_on: Any
    body: dict
    unreadable: bool = False


@dataclass
class OpenedAttachment:
    id: str
    author: str
    created_on: Any
    name: str
    media_type: str
    size: int
    unreadable: bool = False


@dataclass
class OpenedCase:
    case: Case
    report: dict
    identity: dict | None
    messages: list[OpenedRecord]
    attachments: list[OpenedAttachment]
    report_unreadable: bool = False
    identity_unreadable: bool = False
    key_unreadable: bool = False  # junk: nothing can be shared or handed over
    benadeling: list = field(default_factory=list)  # whistle.services.benadeling.Entry, all kinds


def open_case(uc: UseCase, principal: StaffPrincipal, ref: str) -> OpenedCase:
    """Decrypt a case for the member. Every opening is an audit event (access to content)."""
    session, clock = uc.session, uc.clock
    _require_counsellor(principal)
    case = case_by_ref(session, ref)
    # Junk: when its case key does not open either, every record is unreadable.
    key = staff_case_key_or_none(session, case, principal.staff, principal.secret_key)
    loc = case.binding_hex
    report, identity, messages = {}, None, []
    unreadable = {"report": False, "identity": False}
    for r in records_of(session, case):
        body = open_or_none(key, r.kind, loc, r.ciphertext) if key else None
        if r.kind in unreadable:
            unreadable[r.kind] = body is None
            if r.kind == "report":
                report = body or {}
            else:
                identity = body
        else:
            messages.append(OpenedRecord(r.id, r.kind, r.author, r.created_on, body or {}, body is None))
    attachments = []
    for a in attachments_of(session, case):
        h = open_or_none(key, "attachment", loc, a.header) if key else None
        attachments.append(_attachment_view(a, h))
    if key is not None:
        recovery.cover_with_recovery(session, case, key)  # a case older than the recovery key
    opened = audit.record(session, chain=case.organisation.slug, actor=principal.staff.email,
                          event="case_opened", today=clock.today(), case_ref=case.ref)
    lead.mark_seen(session, principal.staff, case, opened.seq)  # the inbox's "new since" starts here
    return OpenedCase(case, report, identity, messages, attachments,
                      unreadable["report"], unreadable["identity"], key is None,
                      benadeling.entries(session, case, key, tuple(BenadelingKind)))


def _attachment_view(a, header: dict | None) -> OpenedAttachment:
    if header is None:
        return OpenedAttachment(a.id, a.author, a.created_on, "", "", 0, unreadable=True)
    try:
        size = int(header.get("size", 0))
    except (TypeError, ValueError):
        size = 0
    return OpenedAttachment(a.id, a.author, a.created_on, str(header.get("name", "")),
                            str(header.get("type", "")), size)


def reply(uc: UseCase, principal: StaffPrincipal, ref: str, text: str) -> Record:
    session, clock = uc.session, uc.clock
    _require_counsellor(principal)
    text = message_text(text)
    case = case_by_ref(session, ref)
    key = staff_case_key(session, case, principal.staff, principal.secret_key)
    today = clock.today()
    rec = Record(case_id=case.id, kind=RecordKind.MESSAGE, author=Author.COUNSELLOR, created_on=today,
                 ciphertext=crypto.seal_record(key, "message", case.binding_hex, {"text": text}))
    session.add(rec)
    session.flush()
    audit.record(session, chain=case.organisation.slug, actor=principal.staff.email,
                 event="message_to_melder", today=today, case_ref=case.ref)
    return rec


def download(uc: UseCase, principal: StaffPrincipal, ref: str,
             attachment_id: str) -> tuple[dict, Iterator[bytes]]:
    """The decrypted attachment as a stream, with its header (name, type, size)."""
    session, settings, clock = uc.session, uc.settings, uc.clock
    _require_counsellor(principal)
    case = case_by_ref(session, ref)
    key = staff_case_key_or_none(session, case, principal.staff, principal.secret_key)
    if key is None:
        raise UnreadableRecord(UNREADABLE_ATTACHMENT)
    header, plaintext = open_attachment(key, case, attachment_of(session, case, attachment_id),
                                        settings.attachments_dir)
    audit.record(session, chain=case.organisation.slug, actor=principal.staff.email,
                 event="attachment_opened", today=clock.today(), case_ref=case.ref)
    return header, plaintext


def dismiss_many(uc: UseCase, principal: StaffPrincipal, refs: list[str], reason: str) -> int:
    """Close junk in bulk: each case acknowledged if it was not yet, then closed by the
    lifecycle's `dismiss` step (each step its own audit event, the reason named; the case is
    final, so no deadline runs on), and one audit event for the batch. All or nothing: a case
    that may not be dismissed refuses the whole batch."""
    from whistle.domain.lifecycle import Event, State
    from whistle.services import lifecycle
    _require_counsellor(principal)
    refs = list(dict.fromkeys(refs))
    if not refs:
        raise InvalidInput("Kies eerst de meldingen die u wilt afsluiten.", field="refs")
    parse_facts(Event.DISMISS, {"reason": reason})  # refuse a missing reason before any step
    for ref in refs:
        case = case_by_ref(uc.session, ref)
        if case.state == State.ONTVANGEN.value:
            lifecycle.transition(uc, case, Event.ACKNOWLEDGE, principal)
        lifecycle.transition(uc, case, Event.DISMISS, principal, reason=reason)
    audit.record(uc.session, chain=principal.staff.organisation.slug, actor=principal.staff.email,
                 event="cases_dismissed_in_bulk", today=uc.clock.today(), count=len(refs), reason=reason)
    return len(refs)
