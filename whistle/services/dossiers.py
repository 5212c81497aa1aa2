"""Dossiers for the bevoegd gezag, as stored: a fresh dossier key per dossier, its content as
`dossier` records under that key (bound to the dossier's own random locator), the key wrapped
to each entitled authority member, and a copy sealed under the case key so the case's
counsellors can read what was sent and what was decided.

Someone without a dossier key is told the dossier does not exist: the same NotFound for a
dossier of another organisation, one they are recused from, and no dossier at all.

Entries (the sealed JSON), by `type`: `report` (`fields`: what, when, where, ...), `message`
(`author`, `created_on`, `text`), `identity` (`name`, `contact`), `note` (the counsellor's
explanation) and `decision` (`decision`, `motivation`, `by`), the last written by the member
who decided.

Attachments the counsellor chose travel as `dossier_attachments` rows: the case's stored body,
never a copy, with its header (name, type, size, file key) re-sealed as an `attachment`
record under the dossier key and bound to the dossier's locator. A member downloads only
what is listed for a dossier they hold the key of."""
from __future__ import annotations

import base64
import binascii
import re
import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

import crypto
from whistle.domain.records import Author
from pathlib import Path
from typing import Iterator

from whistle.infra import attachments as attachment_store
from whistle.models import Attachment, Case, Dossier, DossierAttachment, DossierKey, DossierRecord, Staff
from whistle.services.errors import NotFound, UnreadableRecord
from whistle.services.input import b64

NOT_FOUND = "Dit dossier bestaat niet of u heeft er geen toegang toe."
DECISION_LABELS = {
    "onderzoek": "Onderzoek instellen",
    "geen_onderzoek": "Geen onderzoek",
    "doorverwijzen": "Doorverwijzen",
}
_REF = re.compile(r"^[0-9a-f]{32}$")


def ref_of(dossier: Dossier) -> str:
    """How pages and links name a dossier: its random locator, which says nothing of the case."""
    return dossier.locator.hex()


# --- writing ---------------------------------------------------------------------------------

def store(session: Session, case: Case, case_key: bytes, today: date, entries: list[dict],
          recipients: list[Staff], attachments: list[tuple[Attachment, dict]] = ()) -> Dossier:
    """Seal `entries` under a fresh dossier key, wrapped to `recipients` only; each of
    `attachments` (a row of this case and its opened header) has its file key re-wrapped under
    the dossier key, the stored body itself is shared."""
    key = crypto.new_case_key()
    locator = secrets.token_bytes(16)
    dossier = Dossier(
        case_id=case.id, locator=locator, sent_on=today, key_commitment=crypto.key_commitment(key),
        counsellor_copy=crypto.seal_record(case_key, "dossier_key", case.binding_hex,
                                           {"dossier": locator.hex(), "key": b64(key)}))
    session.add(dossier)
    session.flush()
    for entry in entries:
        session.add(DossierRecord(dossier_id=dossier.id, author=Author.COUNSELLOR, created_on=today,
                                  ciphertext=crypto.seal_record(key, "dossier", locator.hex(), entry)))
    for att, header in attachments:
        if att.case_id != case.id:
            raise NotFound("Deze bijlage bestaat niet.")
        session.add(DossierAttachment(dossier_id=dossier.id, attachment_id=att.id, header=crypto.seal_record(
            key, "attachment", locator.hex(), {"name": header.get("name", ""), "type": header.get("type", ""),
                                               "size": header.get("size", 0), "key": header.get("key", "")})))
    for member in recipients:
        session.add(DossierKey(dossier_id=dossier.id, staff_id=member.id,
                               sealed_key=crypto.wrap_case_key(key, member.public_key)))
    session.flush()
    return dossier


def seal_decision(session: Session, dossier: Dossier, key: bytes, today: date, *, decision: str,
                  motivation: str, by: str) -> DossierRecord:
    record = DossierRecord(
        dossier_id=dossier.id, author=Author.AUTHORITY, created_on=today,
        ciphertext=crypto.seal_record(key, "dossier", dossier.locator.hex(), {
            "type": "decision", "decision": decision, "motivation": motivation, "by": by}))
    session.add(record)
    dossier.decided_on = today
    session.flush()
    return record


def wrap_to(session: Session, dossier: Dossier, key: bytes, member: Staff) -> None:
    session.add(DossierKey(dossier_id=dossier.id, staff_id=member.id,
                           sealed_key=crypto.wrap_case_key(key, member.public_key)))


def remove_keys(session: Session, case: Case, staff_ids: set[int]) -> list[int]:
    """Take the dossier keys of these members away (they became betrokkene); returns whose."""
    ids = [d.id for d in dossiers_of_case(session, case)]
    if not ids or not staff_ids:
        return []
    holders = sorted(set(session.scalars(select(DossierKey.staff_id).where(
        DossierKey.dossier_id.in_(ids), DossierKey.staff_id.in_(staff_ids)))))
    session.execute(delete(DossierKey).where(DossierKey.dossier_id.in_(ids),
                                             DossierKey.staff_id.in_(staff_ids)))
    return holders


# --- finding and unlocking -------------------------------------------------------------------

def dossiers_of_case(session: Session, case: Case) -> list[Dossier]:
    return list(session.scalars(select(Dossier).where(Dossier.case_id == case.id).order_by(Dossier.id)))


def held_dossier(session: Session, ref: str, member: Staff) -> Dossier:
    """The dossier named `ref`, when its key is wrapped to `member`; NotFound otherwise."""
    ref = (ref or "").strip().lower()
    if not _REF.match(ref):
        raise NotFound(NOT_FOUND)
    dossier = session.scalar(
        select(Dossier).join(DossierKey, DossierKey.dossier_id == Dossier.id)
        .join(Case, Case.id == Dossier.case_id)
        .where(Dossier.locator == bytes.fromhex(ref), DossierKey.staff_id == member.id,
               Case.organisation_id == member.organisation_id))
    if dossier is None:
        raise NotFound(NOT_FOUND)
    return dossier


def held_dossier_of_case(session: Session, case: Case, member: Staff) -> Dossier:
    """The latest dossier of `case` whose key is wrapped to `member`; NotFound otherwise, so an
    authority member can act on a case only through a dossier sent to them."""
    dossier = session.scalar(
        select(Dossier).join(DossierKey, DossierKey.dossier_id == Dossier.id)
        .where(Dossier.case_id == case.id, DossierKey.staff_id == member.id)
        .order_by(Dossier.id.desc()).limit(1))
    if dossier is None or case.organisation_id != member.organisation_id:
        raise NotFound("Deze zaak bestaat niet of u heeft er geen toegang toe.")
    return dossier


def held_dossiers(session: Session, member: Staff) -> list[tuple[Dossier, Case]]:
    """Every dossier addressed to `member`, newest first. Metadata only."""
    rows = session.execute(
        select(Dossier, Case).join(DossierKey, DossierKey.dossier_id == Dossier.id)
        .join(Case, Case.id == Dossier.case_id)
        .where(DossierKey.staff_id == member.id, Case.organisation_id == member.organisation_id)
        .order_by(Dossier.sent_on.desc(), Dossier.id.desc()))
    return [(d, c) for d, c in rows]


def authority_key(session: Session, dossier: Dossier, member: Staff, secret_key: bytes) -> bytes:
    sealed = session.scalar(select(DossierKey.sealed_key).where(
        DossierKey.dossier_id == dossier.id, DossierKey.staff_id == member.id))
    if sealed is None:
        raise NotFound(NOT_FOUND)
    return crypto.unwrap_case_key(sealed, member.public_key, secret_key, dossier.key_commitment)


def key_from_copy(case: Case, case_key: bytes, dossier: Dossier) -> bytes:
    """The dossier key as the case's counsellors hold it (sealed under the case key)."""
    body = crypto.open_record(case_key, "dossier_key", case.binding_hex, dossier.counsellor_copy)
    if body.get("dossier") != dossier.locator.hex():
        raise crypto.CryptoError("the dossier key copy belongs to another dossier")
    try:
        key = base64.b64decode(body.get("key") or "", validate=True)
    except (binascii.Error, ValueError):
        raise crypto.CryptoError("the dossier key copy carries no valid key") from None
    crypto.check_commitment(key, dossier.key_commitment)
    return key


# --- reading ---------------------------------------------------------------------------------

@dataclass
class DossierFile:
    """An attachment as a dossier lists it: name and size from the header under the dossier key."""
    id: str
    name: str
    size: int
    unreadable: bool = False


@dataclass
class OpenedDossier:
    dossier: Dossier
    case: Case
    entries: list[dict[str, Any]]          # what the counsellor sent, in order
    decision: dict[str, Any] | None        # the last decision, when one was recorded
    decided_on: date | None
    attachments: list[DossierFile] = field(default_factory=list)  # what travelled with it

    @property
    def ref(self) -> str:
        return ref_of(self.dossier)

    @property
    def decision_label(self) -> str:
        return DECISION_LABELS.get((self.decision or {}).get("decision", ""), "")


def open_dossier(session: Session, dossier: Dossier, key: bytes) -> OpenedDossier:
    entries, decision = [], None
    records = session.scalars(select(DossierRecord).where(DossierRecord.dossier_id == dossier.id)
                              .order_by(DossierRecord.id))
    for r in records:
        body = crypto.open_record(key, "dossier", dossier.locator.hex(), r.ciphertext)
        # Only the bevoegd gezag writes decisions, only the counsellor the content.
        if r.author == Author.AUTHORITY and body.get("type") == "decision":
            decision = body
        elif r.author == Author.COUNSELLOR and body.get("type") != "decision":
            entries.append(body)
    case = session.get(Case, dossier.case_id)
    return OpenedDossier(dossier, case, entries, decision, dossier.decided_on, files_of(session, dossier, key))


def files_of(session: Session, dossier: Dossier, key: bytes) -> list[DossierFile]:
    files = []
    for row in session.scalars(select(DossierAttachment).where(DossierAttachment.dossier_id == dossier.id)
                               .order_by(DossierAttachment.id)):
        try:
            header = crypto.open_record(key, "attachment", dossier.locator.hex(), row.header)
            files.append(DossierFile(row.attachment_id, str(header.get("name", "")), int(header.get("size", 0))))
        except (crypto.CryptoError, TypeError, ValueError):
            files.append(DossierFile(row.attachment_id, "", 0, unreadable=True))
    return files


UNREADABLE_FILE = ("Onleesbaar: deze bijlage kan niet worden geopend (beschadigd of niet met de sleutel "
                   "van dit dossier versleuteld).")


def open_file(session: Session, dossier: Dossier, key: bytes, attachment_id: str,
              attachments_dir: Path) -> tuple[dict, Iterator[bytes]]:
    """An attachment that travelled in `dossier`, decrypted as a stream with its header. Any
    other attachment, of this case or another, is NotFound: only what the dossier lists opens."""
    row = session.scalar(select(DossierAttachment).where(
        DossierAttachment.dossier_id == dossier.id, DossierAttachment.attachment_id == str(attachment_id or "")))
    if row is None:
        raise NotFound("Deze bijlage bestaat niet.")
    try:
        header = crypto.open_record(key, "attachment", dossier.locator.hex(), row.header)
        file_key = base64.b64decode(header.get("key") or "", validate=True)
        size = int(header.get("size", 0))
        plaintext = crypto.decrypt_stream(file_key, attachment_store.open_body(attachments_dir, row.attachment_id))
        first = next(plaintext, None)
    except (crypto.CryptoError, OSError, TypeError, ValueError, binascii.Error):
        raise UnreadableRecord(UNREADABLE_FILE) from None

    def stream() -> Iterator[bytes]:
        if first is not None:
            yield first
        yield from plaintext
    return {**header, "size": size}, stream()
