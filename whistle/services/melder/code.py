"""Replacing the melder's code (issue 12 point 5; protocol Extensions E.10).

A new code means a new locator, new reporter keys and a new wrap of the same case key. The swap
happens in one transaction: the case row gets the new locator and keys, every session of the
case ends, an audit event says that the code was replaced (nothing else: no locator, no key, no
time), and the melder gets a new session. The old code stops working at once: logging in with
it gets the answer any wrong code gets.

Records stay bound to the case's first locator (Case.record_binding), so nothing already sealed
is rewritten and everything keeps opening. Both paths prove the current code once more, as a
login does: the browser signs a fresh challenge with the current code's key (and with the new
key, so the server never stores keys the melder cannot use); the server path takes the typed
current code and derives it, as its login does."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select

import crypto
from whistle.models import Case, ReporterChallenge, ReporterSession
from whistle.infra.work_slots import cpu_slot
from whistle.services import audit
from whistle.services.context import UseCase
from whistle.services.errors import InvalidInput, Unauthorized
from whistle.services.input import case_locator, unb64
from whistle.services.melder.case import ReporterContext, _new_session, _now

LOCATOR_IN_USE = "locator: already in use; make a new code"


@dataclass(frozen=True)
class NewKeys:
    """What a new code gives the server: the locator, the public keys, the case key's new wrap."""
    locator: bytes
    box_public: bytes
    sign_public: bytes
    sealed_key: bytes


def replace_by_client(uc: UseCase, ctx: ReporterContext, payload: Any) -> tuple[bytes, int]:
    """The API: the client made the new code and keys. Malformed input is a 400 naming the
    member; a proof that fails (challenge unknown, expired or used; a signature that does not
    verify) is the one 401 of a failed login. The challenge is used up whatever happens."""
    if not isinstance(payload, dict):
        raise InvalidInput("body: expected a JSON object")
    challenge = unb64(payload.get("challenge"), "challenge", size=32)
    signature = unb64(payload.get("signature"), "signature", size=64)
    new_signature = unb64(payload.get("new_signature"), "new_signature", size=64)
    new = NewKeys(locator=case_locator(payload.get("locator")),
                  box_public=unb64(payload.get("reporter_box_public_key"), "reporter_box_public_key", size=32),
                  sign_public=unb64(payload.get("reporter_sign_public_key"), "reporter_sign_public_key", size=32),
                  sealed_key=unb64(payload.get("reporter_sealed_key"), "reporter_sealed_key", size=80))
    session = uc.session
    row = session.get(ReporterChallenge, crypto.token_digest(challenge))
    if row is None or row.expires_at <= _now(uc.clock):
        raise Unauthorized()
    session.delete(row)  # single use; the caller commits this even when the proof fails
    session.flush()
    message = crypto.replacement_message(challenge, new.locator, new.box_public, new.sign_public)
    try:
        crypto.verify_replacement(ctx.case.reporter_sign_public, message, signature)
        crypto.verify_replacement(new.sign_public, message, new_signature)
    except crypto.CryptoError:
        raise Unauthorized() from None
    token = _swap(uc, ctx.case, new, case_key=None)
    return token, uc.settings.reporter_session_minutes * 60


def replace_on_server(uc: UseCase, ctx: ReporterContext, current_code: str) -> tuple[ReporterContext, str]:
    """The server path: the melder typed their current code; the server checks it, makes a new
    code, derives its keys and wraps the case key (held in this session) to the new box key, all
    in memory. Answers the new session and the new code, to show once."""
    if ctx.case_key is None:
        raise Unauthorized()
    slug, kdf = ctx.case.organisation.slug, uc.settings.reporter_kdf
    try:
        with cpu_slot():
            current = crypto.derive_reporter_keys(current_code if isinstance(current_code, str) else "", slug, kdf)
    except crypto.CryptoError:
        raise Unauthorized() from None
    if current.locator != ctx.case.locator:
        raise Unauthorized()
    code = crypto.new_receipt_code()
    with cpu_slot():
        keys = crypto.derive_reporter_keys(code, slug, kdf)
    new = NewKeys(keys.locator, keys.box_public, keys.sign_public,
                  crypto.wrap_case_key(ctx.case_key, keys.box_public))
    token = _swap(uc, ctx.case, new, case_key=ctx.case_key)
    return ReporterContext(ctx.case, token, ctx.case_key), code


def _swap(uc: UseCase, case: Case, new: NewKeys, *, case_key: bytes | None) -> bytes:
    """Everything in the caller's transaction: a failure anywhere leaves the case as it was."""
    session = uc.session
    if new.locator == case.locator or session.scalar(select(Case.id).where(Case.locator == new.locator)):
        raise InvalidInput(LOCATOR_IN_USE, field="locator")
    if case.record_binding is None:
        case.record_binding = case.locator  # records stay bound to what they were sealed with
    case.locator = new.locator
    case.reporter_box_public = new.box_public
    case.reporter_sign_public = new.sign_public
    case.reporter_sealed_key = new.sealed_key
    session.execute(delete(ReporterSession).where(ReporterSession.case_id == case.id))
    session.flush()
    audit.record(session, chain=case.organisation.slug, actor="melder", event="code_replaced",
                 today=uc.today(), case_ref=case.ref)
    return _new_session(uc, case, case_key)
