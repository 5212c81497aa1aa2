"""The organisation's recovery key, and getting a member's access back after a lost passphrase.

`create_recovery_key` makes an X25519 key pair, stores only the public half on the
organisation and hands the private half to the caller once, to be kept offline (on paper, as
`encode_secret` words or a QR code). From then on every new case key is also wrapped to it
(the intake lists it as a recipient), and a case opened by a counsellor that was made before
the key existed is wrapped to it then (`cover_with_recovery`).

A member who lost their passphrase gets a new one from an operator (`reset_passphrase`): a new
key pair, so every key wrapped to the old one is useless. Those keys are deleted and remembered
as `access_to_restore`; `restore_access`, given the recovery secret, re-wraps exactly those case
and dossier keys to the new key pair. Nothing is restored for a case the member has since
become betrokkene of, nor for a case made before the recovery key (a colleague can grant it)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

import crypto
from whistle.models import AccessToRestore, Case, CaseKey, Dossier, DossierKey, Organisation, Staff, StaffSession
from whistle.services.context import UseCase
from whistle.services import audit, dossiers
from whistle.services.counsellor.betrokkenen import concerned_ids
from whistle.services.errors import InvalidInput
from whistle.services.organisations import get_organisation
from whistle.services.staff.accounts import MIN_PASSPHRASE, hash_passphrase

ALPHABET = crypto.CODE_ALPHABET  # Crockford base32: no I, L, O, U to misread on paper
SYMBOLS = 60                     # 12 groups of 5; 300 bits hold the 32-byte key and a 4-byte check
_CHECK = 4
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


# --- the secret on paper ------------------------------------------------------------------------

def _check(secret: bytes) -> bytes:
    return hashlib.blake2b(secret, digest_size=_CHECK, person=b"whistle-recovery").digest()


def encode_secret(secret: bytes) -> str:
    """The private half as 12 groups of 5 symbols with a checksum, so a typing error is
    caught before the key is used."""
    if len(secret) != 32:
        raise ValueError("a recovery secret is 32 bytes")
    number = int.from_bytes(secret + _check(secret), "big")
    symbols = []
    for _ in range(SYMBOLS):
        symbols.append(ALPHABET[number & 0x1F])
        number >>= 5
    text = "".join(reversed(symbols))
    return " ".join(text[i:i + 5] for i in range(0, SYMBOLS, 5))


def decode_secret(words: str) -> bytes:
    cleaned = "".join(ch for ch in (words or "").upper() if not ch.isspace() and ch != "-")
    cleaned = cleaned.translate(_CONFUSABLE)
    if len(cleaned) != SYMBOLS or any(ch not in ALPHABET for ch in cleaned):
        raise InvalidInput(f"secret: de herstelsleutel bestaat uit {SYMBOLS} tekens (12 groepen van 5) uit "
                           f"0-9 en A-Z zonder U", field="secret")
    number = 0
    for ch in cleaned:
        number = (number << 5) | ALPHABET.index(ch)
    if number >> (8 * (32 + _CHECK)):
        raise InvalidInput("secret: de controle klopt niet; kijk de herstelsleutel na", field="secret")
    data = number.to_bytes(32 + _CHECK, "big")
    secret, check = data[:32], data[32:]
    if _check(secret) != check:
        raise InvalidInput("secret: de controle klopt niet; kijk de herstelsleutel na", field="secret")
    return secret


# --- the key pair ---------------------------------------------------------------------------------

def create_recovery_key(uc: UseCase, org_slug: str, actor: str, trust_seed: bytes | None = None) -> bytes:
    """Store a new recovery public key for the organisation; returns the private half, which
    is stored nowhere. An organisation keeps its key: replacing it would strand the cases
    wrapped to the old one. It receives case keys only once the trust key endorsed it: here
    with `trust_seed`, or when the trust key is made after it."""
    session, clock = uc.session, uc.clock
    org = get_organisation(session, org_slug)
    if org.recovery_public_key:
        raise InvalidInput(f"organisation {org.slug} has a recovery key already "
                           f"(fingerprint {crypto.fingerprint(org.recovery_public_key)})", field="org")
    public, secret = crypto.new_box_keypair()
    org.recovery_public_key = public
    audit.record(session, chain=org.slug, actor=actor, event="recovery_key_created", today=clock.today(),
                 fingerprint=crypto.fingerprint(public))
    if trust_seed is not None:
        from whistle.services import trust
        trust.endorse_recovery(uc, org, trust_seed, actor)
    session.flush()
    return secret


def cover_with_recovery(session: Session, case: Case, case_key: bytes) -> bool:
    """Wrap the case key to the recovery key when the case predates it; True when added."""
    org: Organisation = case.organisation
    if not org.recovery_public_key:
        return False
    if session.scalar(select(CaseKey.id).where(CaseKey.case_id == case.id, CaseKey.staff_id.is_(None))):
        return False
    session.add(CaseKey(case_id=case.id, staff_id=None,
                        sealed_key=crypto.wrap_case_key(case_key, org.recovery_public_key)))
    session.flush()
    return True


# --- a lost passphrase ----------------------------------------------------------------------------

def reset_passphrase(uc: UseCase, *, email: str, passphrase: str, actor: str) -> tuple[Staff, int]:
    """Give the member a new passphrase and key pair. Their wrapped keys become useless: they
    are deleted and remembered for `restore_access`. Their sessions end. Returns the member
    and how many keys are waiting to be restored."""
    session, settings, clock = uc.session, uc.settings, uc.clock
    member = session.scalar(select(Staff).where(Staff.email == (email or "").strip().lower()))
    if member is None:
        raise InvalidInput(f"email: no account for {email}", field="email")
    if len(passphrase) < MIN_PASSPHRASE:
        raise InvalidInput(f"passphrase: at least {MIN_PASSPHRASE} characters", field="passphrase")
    case_ids = list(session.scalars(select(CaseKey.case_id).where(CaseKey.staff_id == member.id)))
    dossier_ids = list(session.scalars(select(DossierKey.dossier_id).where(DossierKey.staff_id == member.id)))
    for case_id in case_ids:
        session.add(AccessToRestore(staff_id=member.id, case_id=case_id))
    for dossier_id in dossier_ids:
        session.add(AccessToRestore(staff_id=member.id, dossier_id=dossier_id))
    session.execute(delete(CaseKey).where(CaseKey.staff_id == member.id))
    session.execute(delete(DossierKey).where(DossierKey.staff_id == member.id))
    session.execute(delete(StaffSession).where(StaffSession.staff_id == member.id))
    member.public_key, member.locked_secret = crypto.new_staff_keypair(passphrase, settings.staff_kdf)
    member.verify_key = None  # set at their next login; the new key is not endorsed
    member.password_hash = hash_passphrase(passphrase)
    # The operator chose this passphrase: at the next login the member chooses their own and a
    # fresh key pair replaces this one (whistle.services.staff.keys).
    member.must_change_passphrase = True
    member.first_passphrase_used = False
    audit.record(session, chain=member.organisation.slug, actor=actor, event="staff_passphrase_reset",
                 today=clock.today(), staff=member.email, fingerprint=crypto.fingerprint(member.public_key),
                 keys_to_restore=len(case_ids) + len(dossier_ids))
    session.flush()
    return member, len(case_ids) + len(dossier_ids)


@dataclass
class Restored:
    cases: list[str] = field(default_factory=list)       # case refs whose key was re-wrapped
    dossiers: list[str] = field(default_factory=list)    # case refs whose dossier key was re-wrapped
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (case ref, why)


def restore_access(uc: UseCase, *, org_slug: str, email: str, secret: bytes,
                   ref: str | None, actor: str) -> Restored:
    """Re-wrap the keys the member lost at their passphrase reset (all, or one case's) to their
    new key pair, opening each case key with the organisation's recovery secret."""
    session, clock = uc.session, uc.clock
    org = get_organisation(session, org_slug)
    if not org.recovery_public_key:
        raise InvalidInput(f"organisation {org.slug} has no recovery key", field="org")
    if crypto.public_from_secret(secret) != org.recovery_public_key:
        raise InvalidInput(f"secret: this is not the recovery key of {org.slug}", field="secret")
    member = session.scalar(select(Staff).where(Staff.email == (email or "").strip().lower(),
                                                Staff.organisation_id == org.id))
    if member is None:
        raise InvalidInput(f"email: no account for {email} at {org.slug}", field="email")
    rows = list(session.scalars(select(AccessToRestore).where(AccessToRestore.staff_id == member.id)
                                .order_by(AccessToRestore.id)))
    if ref is not None:
        wanted = ref.strip().upper()
        rows = [r for r in rows if _case_of(session, r).ref == wanted]
    if not rows:
        raise InvalidInput(f"nothing to restore for {member.email}"
                           + (f" on {ref}: a colleague can grant access to that case" if ref else ""),
                           field="ref" if ref else "email")
    result = Restored()
    today = clock.today()
    for row in rows:
        case = _case_of(session, row)
        sealed = session.scalar(select(CaseKey.sealed_key).where(CaseKey.case_id == case.id,
                                                                CaseKey.staff_id.is_(None)))
        if sealed is None:
            result.skipped.append((case.ref, "made before the recovery key existed; a colleague can grant access"))
            continue
        case_key = crypto.unwrap_case_key(sealed, org.recovery_public_key, secret, case.key_commitment)
        session.delete(row)
        if member.id in concerned_ids(session, case, case_key):
            result.skipped.append((case.ref, "they are betrokkene of this melding now"))
            continue
        if row.case_id is not None:
            if not session.scalar(select(CaseKey.id).where(CaseKey.case_id == case.id,
                                                           CaseKey.staff_id == member.id)):
                session.add(CaseKey(case_id=case.id, staff_id=member.id,
                                    sealed_key=crypto.wrap_case_key(case_key, member.public_key)))
            result.cases.append(case.ref)
        else:
            dossier = session.get(Dossier, row.dossier_id)
            if not session.scalar(select(DossierKey.id).where(DossierKey.dossier_id == dossier.id,
                                                              DossierKey.staff_id == member.id)):
                dossiers.wrap_to(session, dossier, dossiers.key_from_copy(case, case_key, dossier), member)
            result.dossiers.append(case.ref)
        audit.record(session, chain=org.slug, actor=actor, event="access_restored", today=today,
                     case_ref=case.ref, staff=member.email, key="case" if row.case_id else "dossier")
    session.flush()
    return result


def _case_of(session: Session, row: AccessToRestore) -> Case:
    if row.case_id is not None:
        return session.get(Case, row.case_id)
    return session.get(Case, session.get(Dossier, row.dossier_id).case_id)
