"""Dossiers for the bevoegd gezag, as stored: a fresh dossier key per dossier, its content as
`dossier` records under that key (bound to the dossier's own random locator), the key wrapped
to each entitled authority member, and a copy sealed under the case key so the case's
counsellors can read what was sent and what was decided.

Someone without a dossier key is told the dossier does not exist: the same NotFound for a
dossier of another organisation, one they are recused from, and no dossier at all.

Entries (the sealed JSON), by `type`: `report` (`fields`: what, when, where, ...), `message`
(`author`, `created_on`, `text`), `identity` (`name`, `contact`), `note` (the counsellor's
explanation) and `decision` (`decision`, `motivation`, `by`), the last written by the member
who decided."""
from __future__ import annotations

import base64
import binascii
import re
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

import crypto
from whistle.domain.records import Author
from whistle.models import Case, Dossier, DossierKey, DossierRecord, Staff
from whistle.services.errors import NotFound
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
          recipients: list[Staff]) -> Dossier:
    """Seal `entries` under a fresh dossier key, wrapped to `recipients` only."""
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
class OpenedDossier:
    dossier: Dossier
    case: Case
    entries: list[dict[str, Any]]          # what the counsellor sent, in order
    decision: dict[str, Any] | None        # the last decision, when one was recorded
    decided_on: date | None

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
    return OpenedDossier(dossier, case, entries, decision, dossier.decided_on)
