"""A member's own key pair, made at their first login under the passphrase they chose
themselves (never under one a beheerder or an operator chose), and the verify key that
endorsements name (crypto.trust)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

import crypto
from whistle.models import Case, CaseKey, Dossier, DossierKey, Staff
from whistle.services import recipient_log
from whistle.services.context import UseCase


def make_own_key_pair(uc: UseCase, staff: Staff, passphrase: str, *, replacing: bytes | None = None) -> bytes:
    """Make and lock the member's key pair; returns the secret. With `replacing` (the key an
    operator's reset had locked under a passphrase they chose), every case and dossier key the
    old pair held is wrapped to the new one, so the old key opens nothing sealed from now on.
    The new key receives nothing until it is endorsed; its fingerprint goes into the recipient
    log as `added`."""
    session, settings, today = uc.session, uc.settings, uc.today()
    public, secret = crypto.new_box_keypair()
    if replacing is not None and staff.public_key is not None:
        _rewrap(session, staff, staff.public_key, replacing, public)
    staff.public_key = public
    staff.locked_secret = crypto.lock_staff_secret(secret, passphrase, settings.staff_kdf)
    staff.verify_key = crypto.staff_verify_key(secret)
    recipient_log.append(session, staff.organisation, today, "added", actor=staff.email, staff=staff.email,
                         role=staff.role, fingerprint=crypto.fingerprint(public))
    return secret


def _rewrap(session: Session, staff: Staff, old_public: bytes, old_secret: bytes, new_public: bytes) -> None:
    for row in session.scalars(select(CaseKey).where(CaseKey.staff_id == staff.id)):
        case = session.get(Case, row.case_id)
        key = crypto.unwrap_case_key(row.sealed_key, old_public, old_secret, case.key_commitment)
        row.sealed_key = crypto.wrap_case_key(key, new_public)
    for row in session.scalars(select(DossierKey).where(DossierKey.staff_id == staff.id)):
        dossier = session.get(Dossier, row.dossier_id)
        key = crypto.unwrap_case_key(row.sealed_key, old_public, old_secret, dossier.key_commitment)
        row.sealed_key = crypto.wrap_case_key(key, new_public)
