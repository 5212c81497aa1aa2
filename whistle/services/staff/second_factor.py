"""The second factor of every staff account: TOTP (RFC 6238, 30-second steps) and one-time
recovery codes.

The server has to check a code without the member's passphrase, so the TOTP secret cannot be
locked under it. It is sealed instead under a key derived from settings.secret_key (keyed
BLAKE2b) and the member's id: a copy of the database or a backup alone does not reveal it, nor
can a sealed secret be moved to another account. Whoever holds both the database and the
secret key (the running server) can read it; the passphrase still guards the member's private
key. Recovery codes are kept only as keyed hashes and deleted when used. The last accepted
time-step is stored, so a code is never accepted twice."""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

import pyotp
import segno
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

import crypto
from whistle.clock import Clock
from whistle.domain.roles import StaffRole
from whistle.models import Staff, StaffRecoveryCode, StaffSession
from whistle.services.context import UseCase
from whistle.services import audit
from whistle.services.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from whistle.settings import Settings

ISSUER = "Whistle"
STEP_SECONDS = 30
DRIFT_STEPS = 1  # a phone's clock may be one step off either way
SECRET_BYTES = 20  # 160 bits, as RFC 4226 recommends
RECOVERY_CODES = 10
RECOVERY_SYMBOLS = 12  # 60 bits each, shown as XXXX-XXXX-XXXX

WRONG = "De code is onjuist. Controleer de code in uw app, of gebruik een herstelcode."
REUSED = "Deze code is al gebruikt. Wacht tot uw app een nieuwe code toont."
TOTP_CODE = re.compile(r"^[0-9]{6}$")


@dataclass(frozen=True)
class Enrolment:
    """What the member needs to add the account to an authenticator app."""
    secret: str  # base32, for typing in by hand
    uri: str
    qr_svg: str  # inline SVG markup: served from our own page, no script, no other origin


def is_enrolled(staff: Staff) -> bool:
    return staff.totp_confirmed_on is not None


# --- keys -------------------------------------------------------------------------------------

def _root_key(settings: Settings) -> bytes:
    return hashlib.blake2b(settings.secret_key.encode(), digest_size=32,
                           person=b"whistle/2fa-root").digest()


def _derive(settings: Settings, purpose: bytes, staff_id: int) -> bytes:
    return hashlib.blake2b(purpose + b"\0" + str(staff_id).encode(), key=_root_key(settings),
                           digest_size=32, person=b"whistle/2fa").digest()


def _seal_secret(settings: Settings, staff: Staff, secret: bytes) -> bytes:
    # A secretbox under the derived key; seal_for_session is exactly that for a 32-byte key.
    return crypto.seal_for_session(_derive(settings, b"totp-secret", staff.id), secret)


def _open_secret(settings: Settings, staff: Staff) -> bytes:
    try:
        return crypto.open_for_session(_derive(settings, b"totp-secret", staff.id), staff.totp_secret)
    except crypto.CryptoError:
        # The secret key changed, or the row was tampered with: the member needs a reset.
        raise Unauthorized(WRONG) from None


def _totp(secret: bytes) -> pyotp.TOTP:
    return pyotp.TOTP(_b32(secret), interval=STEP_SECONDS)


def _b32(secret: bytes) -> str:
    return base64.b32encode(secret).decode("ascii").rstrip("=")


def _step(clock: Clock) -> int:
    return int(clock.now().timestamp()) // STEP_SECONDS


def _matching_step(secret: bytes, code: str, clock: Clock) -> int | None:
    """The latest time-step within the drift window whose code is `code`."""
    totp, now = _totp(secret), _step(clock)
    found = None
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    return found


def authenticator_secret(settings: Settings, staff: Staff) -> str:
    """The base32 secret the member's app holds; for tests and the operator's own checks."""
    return _b32(_open_secret(settings, staff))


# --- enrolment --------------------------------------------------------------------------------

def enrolment(uc: UseCase, staff: Staff) -> Enrolment:
    """The pending secret (made once, kept until confirmed) as text, URI and QR code."""
    session, settings = uc.session, uc.settings
    if is_enrolled(staff):
        raise Conflict("De tweede factor is voor dit account al ingesteld.")
    if staff.totp_secret is None:
        staff.totp_secret = _seal_secret(settings, staff, secrets.token_bytes(SECRET_BYTES))
        session.flush()
    secret = _b32(_open_secret(settings, staff))
    uri = pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(name=staff.email, issuer_name=ISSUER)
    qr = segno.make(uri, error="m").svg_inline(scale=5, title="QR-code voor uw authenticator-app")
    return Enrolment(" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)), uri, qr)


def confirm_enrolment(uc: UseCase, staff: Staff, code: str) -> list[str]:
    """Confirm the pending secret with a first code; returns the recovery codes, shown once."""
    session, settings, clock = uc.session, uc.settings, uc.clock
    if is_enrolled(staff):
        raise Conflict("De tweede factor is voor dit account al ingesteld.")
    if staff.totp_secret is None:
        raise InvalidInput("Er is geen inrichting gestart. Log opnieuw in.", field="code")
    code = _clean(code)
    if not TOTP_CODE.match(code):
        raise InvalidInput("Vul de zescijferige code uit uw app in.", field="code")
    step = _matching_step(_open_secret(settings, staff), code, clock)
    if step is None:
        raise Unauthorized(WRONG)
    staff.totp_confirmed_on = clock.today()
    staff.totp_last_step = step
    codes = _new_recovery_codes(session, settings, staff)
    audit.record(session, chain=staff.organisation.slug, actor=staff.email,
                 event="second_factor_enrolled", today=clock.today())
    return codes


# --- checking a code --------------------------------------------------------------------------

def verify(uc: UseCase, staff: Staff, code: str) -> str:
    """Accept a TOTP code (each time-step once) or an unused recovery code (then deleted).
    Returns "totp" or "recovery"; raises Unauthorized with a clear message otherwise."""
    session, settings, clock = uc.session, uc.settings, uc.clock
    if not is_enrolled(staff):
        raise Unauthorized(WRONG)
    code = _clean(code)
    if TOTP_CODE.match(code):
        step = _matching_step(_open_secret(settings, staff), code, clock)
        if step is None:
            raise Unauthorized(WRONG)
        # A conditional update, so two requests racing with the same code cannot both win.
        moved = session.execute(
            update(Staff).where(Staff.id == staff.id, or_(Staff.totp_last_step.is_(None),
                                                          Staff.totp_last_step < step))
            .values(totp_last_step=step).execution_options(synchronize_session=False))
        if moved.rowcount != 1:
            raise Unauthorized(REUSED)
        session.refresh(staff)
        return "totp"
    used = session.execute(delete(StaffRecoveryCode).where(
        StaffRecoveryCode.staff_id == staff.id,
        StaffRecoveryCode.digest == _recovery_digest(settings, staff, code)))
    if used.rowcount != 1:
        raise Unauthorized(WRONG)
    audit.record(session, chain=staff.organisation.slug, actor=staff.email,
                 event="recovery_code_used", today=clock.today(),
                 left=recovery_codes_left(session, staff))
    return "recovery"


def recovery_codes_left(session: Session, staff: Staff) -> int:
    return session.scalar(select(func.count()).select_from(StaffRecoveryCode)
                          .where(StaffRecoveryCode.staff_id == staff.id)) or 0


def _clean(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if not ch.isspace() and ch != "-")


def _recovery_digest(settings: Settings, staff: Staff, code: str) -> bytes:
    normal = _clean(code).translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    return hashlib.blake2b(normal.encode(), key=_derive(settings, b"recovery-code", staff.id),
                           digest_size=32).digest()


def _new_recovery_codes(session: Session, settings: Settings, staff: Staff) -> list[str]:
    session.execute(delete(StaffRecoveryCode).where(StaffRecoveryCode.staff_id == staff.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(crypto.CODE_ALPHABET) for _ in range(RECOVERY_SYMBOLS))
        codes.append("-".join(raw[i:i + 4] for i in range(0, RECOVERY_SYMBOLS, 4)))
        session.add(StaffRecoveryCode(staff_id=staff.id, digest=_recovery_digest(settings, staff, raw)))
    session.flush()
    return codes


# --- reset by an admin ------------------------------------------------------------------------

def reset(uc: UseCase, *, email: str, by: Staff | None, actor: str) -> Staff:
    """Clear a member's second factor, recovery codes and sessions, so that their next login
    starts a fresh enrolment. `by` is the admin doing it (None for the operator's CLI): they
    must belong to the same organisation. Nothing is read: no key, no case, no secret."""
    session, clock = uc.session, uc.clock
    target = session.scalar(select(Staff).where(Staff.email == email.strip().lower()))
    if by is not None:
        if by.role != StaffRole.ADMIN:
            raise Forbidden("Alleen een beheerder kan een tweede factor herstellen.")
        if target is None or target.organisation_id != by.organisation_id:
            raise NotFound("Er is geen collega met dit e-mailadres in uw organisatie.")
        if target.id == by.id:
            raise InvalidInput("Uw eigen tweede factor herstelt een andere beheerder, of u gebruikt "
                               "een herstelcode.", field="email")
    elif target is None:
        raise NotFound(f"email: no staff member {email}")
    target.totp_secret = None
    target.totp_confirmed_on = None
    target.totp_last_step = None
    session.execute(delete(StaffRecoveryCode).where(StaffRecoveryCode.staff_id == target.id))
    # A session that already passed the old factor must not outlive it.
    session.execute(delete(StaffSession).where(StaffSession.staff_id == target.id))
    audit.record(session, chain=target.organisation.slug, actor=actor, event="second_factor_reset",
                 today=clock.today(), staff=target.email)
    return target


def colleagues(session: Session, admin: Staff) -> list[Staff]:
    """The admin's organisation's members, for the reset page (metadata only)."""
    return list(session.scalars(select(Staff).where(Staff.organisation_id == admin.organisation_id)
                                .order_by(Staff.email)))
