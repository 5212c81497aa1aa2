"""Staff accounts (vertrouwenspersoon, bevoegd gezag, beheerder), login and sessions.

The passphrase does two things: an argon2-cffi hash checks it at login, and an Argon2id key
from it unlocks the member's X25519 private key. The unlocked key is then sealed under a fresh
session token that only the member's cookie carries; the database keeps the sealed blob and
the token's digest, so neither the cookie nor the database alone can read it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

import crypto
from whistle.clock import Clock
from whistle.models import Staff, StaffSession
from whistle.services import audit
from whistle.services.errors import InvalidInput, Unauthorized
from whistle.services.organisations import get_organisation
from whistle.settings import Settings

ROLES = ("counsellor", "authority", "admin")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSPHRASE = 12

_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so both failures cost the same time.
_DUMMY_HASH = _hasher.hash("whistle-dummy-passphrase")


@dataclass
class StaffPrincipal:
    """A logged-in staff member with their private key unlocked for this request only."""
    staff: Staff
    secret_key: bytes
    token: bytes


def create_staff(session: Session, settings: Settings, *, org_slug: str, role: str, email: str,
                 passphrase: str, today: date, actor: str, display_name: str = "") -> Staff:
    org = get_organisation(session, org_slug)
    email = email.strip().lower()
    if role not in ROLES:
        raise InvalidInput(f"role: must be one of {', '.join(ROLES)}", field="role")
    if not EMAIL.match(email):
        raise InvalidInput("email: not a valid e-mail address", field="email")
    if len(passphrase) < MIN_PASSPHRASE:
        raise InvalidInput(f"passphrase: at least {MIN_PASSPHRASE} characters", field="passphrase")
    if session.scalar(select(Staff.id).where(Staff.email == email)):
        raise InvalidInput(f"email: an account for {email} exists already", field="email")
    public, locked = crypto.new_staff_keypair(passphrase, settings.staff_kdf)
    staff = Staff(organisation_id=org.id, email=email, role=role, public_key=public,
                  locked_secret=locked, password_hash=_hasher.hash(passphrase),
                  display_name=display_name.strip() or email, active=True, created_on=today)
    session.add(staff)
    session.flush()
    audit.record(session, chain=org.slug, actor=actor, event="staff_created", today=today,
                 staff=email, role=role, fingerprint=crypto.fingerprint(public))
    return staff


def check_passphrase(session: Session, email: str, passphrase: str) -> tuple[Staff, bytes]:
    """Verify the passphrase and unlock the private key; one Unauthorized for every failure."""
    staff = session.scalar(select(Staff).where(Staff.email == email.strip().lower()))
    try:
        _hasher.verify(staff.password_hash if staff else _DUMMY_HASH, passphrase)
    except (VerificationError, InvalidHashError):
        raise Unauthorized("E-mailadres of wachtwoordzin onjuist.") from None
    if staff is None or not staff.active:
        raise Unauthorized("E-mailadres of wachtwoordzin onjuist.")
    try:
        secret = crypto.unlock_staff_secret(staff.locked_secret, passphrase)
    except crypto.CryptoError:
        raise Unauthorized("E-mailadres of wachtwoordzin onjuist.") from None
    return staff, secret


def log_in(session: Session, settings: Settings, clock: Clock, email: str,
           passphrase: str) -> StaffPrincipal:
    staff, secret = check_passphrase(session, email, passphrase)
    token = crypto.new_session_token()
    session.add(StaffSession(
        digest=crypto.token_digest(token), staff_id=staff.id,
        expires_at=_naive(clock) + timedelta(minutes=settings.staff_session_minutes),
        sealed_secret=crypto.seal_for_session(token, secret)))
    audit.record(session, chain=staff.organisation.slug, actor=staff.email, event="staff_login",
                 today=clock.today())
    return StaffPrincipal(staff, secret, token)


def resume(session: Session, settings: Settings, clock: Clock, token: bytes) -> StaffPrincipal | None:
    """The member behind a session token, with the idle timeout moved on; None when expired."""
    if len(token) != crypto.TOKEN_SIZE:
        return None
    row = session.get(StaffSession, crypto.token_digest(token))
    now = _naive(clock)
    if row is None or row.expires_at <= now:
        if row is not None:
            session.delete(row)
        return None
    staff = session.get(Staff, row.staff_id)
    if staff is None or not staff.active:
        return None
    try:
        secret = crypto.open_for_session(token, row.sealed_secret)
    except crypto.CryptoError:
        return None
    row.expires_at = now + timedelta(minutes=settings.staff_session_minutes)
    return StaffPrincipal(staff, secret, token)


def log_out(session: Session, token: bytes) -> None:
    session.execute(delete(StaffSession).where(StaffSession.digest == crypto.token_digest(token)))


def _naive(clock: Clock):
    return clock.now().replace(tzinfo=None)
