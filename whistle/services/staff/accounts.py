"""Staff accounts (vertrouwenspersoon, bevoegd gezag, beheerder), login and sessions.

The passphrase does two things: an argon2-cffi hash checks it at login, and an Argon2id key
from it unlocks the member's X25519 private key. The unlocked key is then sealed under a fresh
session token that only the member's cookie carries; the database keeps the sealed blob and
the token's digest, so neither the cookie nor the database alone can read it.

Logging in takes two steps: the passphrase opens a pending session that opens nothing, and the
second factor (whistle.services.staff.second_factor) turns it into a session under a fresh token.
The sealing key also mixes in a random key each server process holds only in memory, so after
a restart every staff member unlocks again (see docs/operations.md for several processes)."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

import crypto
from whistle.clock import Clock
from whistle.domain.offices import HOLDABLE_OFFICES
from whistle.domain.roles import EndorsedRole, STAFF_ROLE_LABELS, StaffRole
from whistle.models import Staff, StaffSession
from whistle.infra.work_slots import cpu_slot
from whistle.services import audit
from whistle.infra import session_expiry
from whistle.services.context import UseCase
from whistle.services.errors import Forbidden, InvalidInput, NotFound, Unauthorized
from whistle.services.staff import keys
from whistle.services.organisations import get_organisation

# What the organisation presents when no name is given. Never the e-mail address: the intake
# endpoint publishes counsellors' names to anyone.
DEFAULT_NAMES = {StaffRole.COUNSELLOR: "Vertrouwenspersoon", StaffRole.AUTHORITY: "Bevoegd gezag",
                 StaffRole.ADMIN: "Beheerder"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSPHRASE = 12
# Time to enter the second factor after the passphrase.
PENDING_MINUTES = 5
EXPIRED = "Uw inlogpoging is verlopen. Log opnieuw in."
FIRST_USED = ("Deze eenmalige wachtwoordzin is al gebruikt. Vraag de operator om een nieuwe "
              "(whistle user reset-passphrase).")

_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so both failures cost the same time.
_DUMMY_HASH = _hasher.hash("whistle-dummy-passphrase")


@dataclass
class StaffPrincipal:
    """A logged-in staff member with their private key unlocked for this request only."""
    staff: Staff
    secret_key: bytes | None   # None until the member's first login made their key pair
    token: bytes


def create_staff(uc: UseCase, *, org_slug: str, role: str, email: str, passphrase: str, actor: str,
                 display_name: str = "", authority_function: str | None = None,
                 must_change_passphrase: bool = False) -> Staff:
    """A new account without a key pair: whoever made it (a beheerder, an operator) chose the
    passphrase, so it is a first passphrase only. At the first login the member enrols the
    second factor and chooses their own passphrase; only then is their key pair made
    (`change_passphrase`). `must_change_passphrase` is always set; the parameter stays for
    callers that pass it."""
    session, today = uc.session, uc.today()
    org = get_organisation(session, org_slug)
    email = email.strip().lower()
    if role not in STAFF_ROLE_LABELS:
        raise InvalidInput(f"role: must be one of {', '.join(StaffRole)}", field="role")
    authority_function = check_authority_function(role, authority_function)
    if not EMAIL.match(email):
        raise InvalidInput("email: not a valid e-mail address", field="email")
    if len(passphrase) < MIN_PASSPHRASE:
        raise InvalidInput(f"passphrase: at least {MIN_PASSPHRASE} characters", field="passphrase")
    if session.scalar(select(Staff.id).where(Staff.email == email)):
        raise InvalidInput(f"email: an account for {email} exists already", field="email")
    staff = Staff(organisation_id=org.id, email=email, role=role, public_key=None, locked_secret=None,
                  password_hash=_hasher.hash(passphrase),
                  display_name=display_name.strip() or DEFAULT_NAMES[role], active=True, created_on=today,
                  authority_function=authority_function, must_change_passphrase=True)
    session.add(staff)
    session.flush()
    audit.record(session, chain=org.slug, actor=actor, event="staff_created", today=today,
                 staff=email, role=role, **({"function": authority_function} if authority_function else {}))
    return staff


def hash_passphrase(passphrase: str) -> str:
    """The login check's hash (argon2-cffi); separate from the key that unlocks the private key."""
    return _hasher.hash(passphrase)


def check_authority_function(role: str, function: str | None) -> str | None:
    """The office a member of the bevoegd gezag holds; only they have one."""
    function = (function or "").strip() or None
    if function is None:
        return None
    if role != StaffRole.AUTHORITY:
        raise InvalidInput("function: only a member of the bevoegd gezag (role authority) holds an office",
                           field="function")
    if function not in HOLDABLE_OFFICES:
        raise InvalidInput(f"function: unknown office {function!r}; known: {', '.join(sorted(HOLDABLE_OFFICES))}",
                           field="function")
    return function


def set_authority_function(uc: UseCase, *, email: str, function: str | None, actor: str) -> Staff:
    """Set (or clear) the office of a member of the bevoegd gezag; it decides which dossiers they
    receive from now on (dossiers sent before keep their recipients)."""
    session, today = uc.session, uc.today()
    member = session.scalar(select(Staff).where(Staff.email == (email or "").strip().lower()))
    if member is None:
        raise InvalidInput(f"email: no account for {email}", field="email")
    if member.role != StaffRole.AUTHORITY:
        raise InvalidInput("function: only a member of the bevoegd gezag (role authority) holds an office",
                           field="function")
    member.authority_function = check_authority_function(member.role, function)
    audit.record(session, chain=member.organisation.slug, actor=actor, event="staff_function_set",
                 today=today, staff=member.email, function=member.authority_function)
    return member


def change_passphrase(uc: UseCase, staff: Staff, old: str, new: str, *,
                      keep_token: bytes | None = None) -> Staff:
    """The member replaces their own passphrase; the login hash follows and their other
    sessions end.

    After a passphrase someone else chose (`must_change_passphrase`: a new account, or one an
    operator reset) this is the moment the member's own key pair is made, locked under their
    own passphrase, once their second factor is enrolled: nothing sealed from now on can be
    opened with the first passphrase and a copy of the database from before. A key the operator
    had locked (a reset) is replaced, and what it held is wrapped to the new one. Otherwise
    the same private key is locked again under the new passphrase. The session in use
    (`keep_token`) carries the key from now on."""
    session, settings, today = uc.session, uc.settings, uc.today()
    process_key = uc.process_key
    if len(new) < MIN_PASSPHRASE:
        raise InvalidInput(f"De nieuwe wachtwoordzin heeft minstens {MIN_PASSPHRASE} tekens.", field="new")
    if new == old:
        raise InvalidInput("Kies een andere wachtwoordzin dan de huidige.", field="new")
    first = staff.must_change_passphrase
    if first and staff.totp_confirmed_on is None:
        raise InvalidInput("Richt eerst uw tweede factor in; daarna kiest u uw eigen wachtwoordzin.", field="new")
    with cpu_slot():
        try:
            _hasher.verify(staff.password_hash, old)
            secret = crypto.unlock_staff_secret(staff.locked_secret, old) if staff.locked_secret else None
        except (VerificationError, InvalidHashError, crypto.CryptoError):
            raise InvalidInput("De huidige wachtwoordzin klopt niet.", field="old") from None
        if first:
            secret = keys.make_own_key_pair(uc, staff, new, replacing=secret)
        else:
            staff.locked_secret = crypto.lock_staff_secret(secret, new, settings.staff_kdf)
        staff.password_hash = _hasher.hash(new)
    staff.must_change_passphrase = False
    staff.first_passphrase_used = False
    others = delete(StaffSession).where(StaffSession.staff_id == staff.id)
    if keep_token:
        others = others.where(StaffSession.digest != crypto.token_digest(keep_token))
        kept = session.get(StaffSession, crypto.token_digest(keep_token))
        if kept is not None and process_key is not None and secret is not None:
            kept.sealed_secret = crypto.seal_for_session(_sealing_token(keep_token, process_key), secret)
    session.execute(others)
    audit.record(session, chain=staff.organisation.slug, actor=staff.email, event="staff_passphrase_changed",
                 today=today, staff=staff.email)
    return staff


def colleague(session: Session, admin: Staff, staff_id: int) -> Staff:
    """A member of the admin's own organisation; any other id is simply not there."""
    member = session.get(Staff, staff_id)
    if member is None or member.organisation_id != admin.organisation_id:
        raise NotFound("Er is geen collega met dit account in uw organisatie.")
    return member


def set_active(uc: UseCase, *, member: Staff, active: bool, by: Staff, actor: str) -> Staff:
    """Deactivate (no login, every session ends now, and no new case or dossier key is wrapped
    to them) or reactivate an account. Nothing about its keys or endorsement changes: a
    reactivated member reads again what they could read before. Deactivating the last endorsed
    counsellor is refused: nobody could read a new melding. Both go into the recipient log."""
    session, today = uc.session, uc.today()
    if by.role != StaffRole.ADMIN or by.organisation_id != member.organisation_id:
        raise Forbidden("Alleen een beheerder van deze organisatie beheert dit account.")
    if member.id == by.id and not active:
        raise InvalidInput("U kunt uw eigen account niet uitschakelen; dat doet een andere beheerder.",
                           field="active")
    if member.active == active:
        return member
    from whistle.services import recipient_log, trust
    endorsed = trust.endorsed(session, member.organisation)
    if not active and member.id in endorsed and endorsed[member.id].role == EndorsedRole.COUNSELLOR \
            and not any(e.role == EndorsedRole.COUNSELLOR for i, e in endorsed.items() if i != member.id):
        raise InvalidInput("Dit is de laatste erkende vertrouwenspersoon: na uitschakelen kan niemand nieuwe "
                           "meldingen lezen. Laat eerst een andere vertrouwenspersoon erkennen.", field="active")
    member.active = active
    if not active:
        session.execute(delete(StaffSession).where(StaffSession.staff_id == member.id))
    audit.record(session, chain=member.organisation.slug, actor=actor,
                 event="staff_reactivated" if active else "staff_deactivated", today=today, staff=member.email)
    if member.role in trust.RECEIVING_ROLES:
        recipient_log.append(session, member.organisation, today, "reactivated" if active else "deactivated",
                             actor=actor, staff=member.email, role=member.role,
                             fingerprint=crypto.fingerprint(member.public_key) if member.public_key else "")
    return member


def check_passphrase(session: Session, email: str, passphrase: str) -> tuple[Staff, bytes | None]:
    """Verify the passphrase and unlock the private key (None for an account that has none yet);
    one Unauthorized for every failure."""
    staff = session.scalar(select(Staff).where(Staff.email == email.strip().lower()))
    with cpu_slot():
        try:
            _hasher.verify(staff.password_hash if staff else _DUMMY_HASH, passphrase)
        except (VerificationError, InvalidHashError):
            raise Unauthorized("E-mailadres of wachtwoordzin onjuist.") from None
        if staff is None or not staff.active:
            raise Unauthorized("E-mailadres of wachtwoordzin onjuist.")
        if staff.must_change_passphrase and staff.first_passphrase_used:
            raise Unauthorized(FIRST_USED)
        if staff.locked_secret is None:
            return staff, None  # a first passphrase: it opens only the page that replaces it
        try:
            secret = crypto.unlock_staff_secret(staff.locked_secret, passphrase)
        except crypto.CryptoError:
            raise Unauthorized("E-mailadres of wachtwoordzin onjuist.") from None
    if staff.verify_key is None:
        staff.verify_key = crypto.staff_verify_key(secret)  # an account from before endorsements
    return staff, secret


def log_in(uc: UseCase, email: str, passphrase: str) -> StaffPrincipal:
    """Step one: the passphrase. The session it opens waits PENDING_MINUTES for the second
    factor and opens nothing before that (resume() ignores it)."""
    staff, secret = check_passphrase(uc.session, email, passphrase)
    session_expiry.purge_expired(uc.session, uc.clock)
    token = _open_session(uc, staff, secret, done=False, minutes=PENDING_MINUTES)
    return StaffPrincipal(staff, secret, token)


def pending_staff(uc: UseCase, token: bytes | None) -> Staff:
    """The member whose passphrase step opened `token`; Unauthorized when there is none."""
    row = _pending_row(uc.session, uc.clock, token)
    return uc.session.get(Staff, row.staff_id)


def pass_second_factor(uc: UseCase, token: bytes) -> StaffPrincipal:
    """Step two, after the second factor was verified: the pending session is replaced by a
    usable one under a fresh token (a token seen before the second factor is never promoted)."""
    session = uc.session
    row = _pending_row(session, uc.clock, token)
    try:
        secret = crypto.open_for_session(_sealing_token(token, uc.staff_process_key()), row.sealed_secret)
    except crypto.CryptoError:
        raise Unauthorized(EXPIRED) from None
    secret = secret or None  # an account without a key pair yet seals an empty secret
    staff = session.get(Staff, row.staff_id)
    if staff.must_change_passphrase:
        staff.first_passphrase_used = True  # this login is the one it was for
    session.delete(row)
    fresh = _open_session(uc, staff, secret, done=True, minutes=uc.settings.staff_session_minutes)
    audit.record(session, chain=staff.organisation.slug, actor=staff.email, event="staff_login",
                 today=uc.today())
    return StaffPrincipal(staff, secret, fresh)


def resume(uc: UseCase, token: bytes) -> StaffPrincipal | None:
    """The member behind a session token, with the idle timeout moved on; None when expired,
    not past the second factor, or sealed by another (or an earlier) server process."""
    session, settings, clock, process_key = uc.session, uc.settings, uc.clock, uc.staff_process_key()
    if len(token) != crypto.TOKEN_SIZE:
        return None
    row = session.get(StaffSession, crypto.token_digest(token))
    now = _naive(clock)
    if row is None or not row.second_factor_done:
        return None
    if row.expires_at <= now:
        session.delete(row)
        return None
    staff = session.get(Staff, row.staff_id)
    if staff is None or not staff.active:
        return None
    try:
        secret = crypto.open_for_session(_sealing_token(token, process_key), row.sealed_secret)
    except crypto.CryptoError:
        session.delete(row)  # sealed before a restart: useless to anyone now
        return None
    row.expires_at = now + timedelta(minutes=settings.staff_session_minutes)
    return StaffPrincipal(staff, secret or None, token)


def log_out(session: Session, token: bytes) -> None:
    session.execute(delete(StaffSession).where(StaffSession.digest == crypto.token_digest(token)))


def _open_session(uc: UseCase, staff: Staff, secret: bytes, *, done: bool, minutes: int) -> bytes:
    token = crypto.new_session_token()
    uc.session.add(StaffSession(
        digest=crypto.token_digest(token), staff_id=staff.id, second_factor_done=done,
        expires_at=_naive(uc.clock) + timedelta(minutes=minutes),
        sealed_secret=crypto.seal_for_session(_sealing_token(token, uc.staff_process_key()), secret or b"")))
    uc.session.flush()
    return token


def _pending_row(session: Session, clock: Clock, token: bytes | None) -> StaffSession:
    if not token or len(token) != crypto.TOKEN_SIZE:
        raise Unauthorized(EXPIRED)
    row = session.get(StaffSession, crypto.token_digest(token))
    if row is None or row.second_factor_done or row.expires_at <= _naive(clock):
        raise Unauthorized(EXPIRED)
    return row


def _sealing_token(token: bytes, process_key: bytes) -> bytes:
    """The token mixed with this process's in-memory key (keyed BLAKE2b): the database and the
    cookie together still cannot open a session once the process that made it has gone. With
    shared_staff_sessions the process key is empty and the token alone is the key, so every
    app server opens the session; the database without the cookie still opens nothing (it
    holds only a separate digest of the token, crypto.token_digest)."""
    return hashlib.blake2b(token, key=process_key, digest_size=crypto.TOKEN_SIZE,
                           person=b"whistle/staff-ss").digest()


def _naive(clock: Clock):
    return clock.now().replace(tzinfo=None)
