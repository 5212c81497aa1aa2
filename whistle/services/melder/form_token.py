"""The no-JavaScript report form's one-time submission token (issue 12 point 4).

The form carries a random token, issued with the page. A melding made with it marks the token
used, in the same transaction as the case, so reloading the receipt or sending the same form
again makes no second case and shows no second code: the answer says the melding was received.

What the token holds: 16 random bytes, the day it was issued and a MAC under a key derived from
the installation's secret key (so every app server checks what another issued, and a token older
than TOKEN_DAYS is refused: its used mark may be pruned by then). Nothing of the melder: no
address, no browser, no time of day. A used token is stored as a keyed hash with the date
(used_form_tokens); `prune` removes the marks no live token can match (the daily retention pass).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import struct
from datetime import date, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from whistle.models import UsedFormToken
from whistle.services.context import UseCase
from whistle.services.errors import Conflict, InvalidInput
from whistle.settings import Settings

FIELD = "submission_token"
TOKEN_DAYS = 7
_BODY = struct.Struct(">16sI")  # random, issued day (proleptic ordinal)
_MAC = 16

ALREADY_RECEIVED = ("Deze melding is al ontvangen. U heeft het formulier opnieuw verstuurd (bijvoorbeeld "
                    "door de pagina te vernieuwen of terug te gaan); er is geen tweede melding gemaakt.")
TOO_OLD = ("Dit formulier is te lang geleden geopend en kan niet meer worden verstuurd. Er is niets "
           "opgeslagen. Uw tekst staat er nog: controleer hem en verstuur het formulier opnieuw.")
MALFORMED = "Het formulier is ongeldig. Er is niets opgeslagen. Laad de pagina opnieuw en probeer het nog eens."


class AlreadyReceived(Conflict):
    """This form was sent before and made a melding: no second case, no second code."""

    def __init__(self) -> None:
        super().__init__(ALREADY_RECEIVED)


def _key(settings: Settings, purpose: bytes) -> bytes:
    return hashlib.blake2b(settings.secret_key.encode(), digest_size=32, person=b"whistle-formtok",
                           salt=purpose.ljust(16, b"\0")[:16]).digest()


def _mac(settings: Settings, body: bytes) -> bytes:
    return hashlib.blake2b(body, key=_key(settings, b"mac"), digest_size=_MAC).digest()


def _digest(settings: Settings, raw: bytes) -> bytes:
    """What is stored of a used token: a keyed hash, useless without the secret key."""
    return hashlib.blake2b(raw, key=_key(settings, b"stored"), digest_size=32).digest()


def issue(settings: Settings, today: date) -> str:
    body = _BODY.pack(secrets.token_bytes(16), today.toordinal())
    return base64.urlsafe_b64encode(body + _mac(settings, body)).decode().rstrip("=")


def _checked(settings: Settings, token: str, today: date) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(token.strip() + "=" * (-len(token.strip()) % 4))
    except (binascii.Error, ValueError):
        raise InvalidInput(MALFORMED, field=FIELD) from None
    if len(raw) != _BODY.size + _MAC:
        raise InvalidInput(MALFORMED, field=FIELD)
    body, mac = raw[:_BODY.size], raw[_BODY.size:]
    if not hmac.compare_digest(mac, _mac(settings, body)):
        raise InvalidInput(MALFORMED, field=FIELD)
    issued = _BODY.unpack(body)[1]
    if not today.toordinal() - TOKEN_DAYS <= issued <= today.toordinal() + 1:
        raise InvalidInput(TOO_OLD, field=FIELD)
    return raw


def claim(uc: UseCase, token: str) -> None:
    """Mark `token` used in the caller's transaction; AlreadyReceived when it was, InvalidInput
    when it is not one this installation issued in the last TOKEN_DAYS days. Call it first in
    the transaction that stores the case: a refusal later rolls the mark back with the case,
    and a second request with the same token waits for the first one's commit on the key."""
    if not isinstance(token, str) or len(token) > 100:
        raise InvalidInput(MALFORMED, field=FIELD)
    today = uc.today()
    digest = _digest(uc.settings, _checked(uc.settings, token, today))
    session = uc.session
    if session.get(UsedFormToken, digest) is not None:
        raise AlreadyReceived()
    session.add(UsedFormToken(digest=digest, used_on=today))
    try:
        session.flush()
    except IntegrityError:  # the same form, sent twice at once: the other one made the case
        raise AlreadyReceived() from None


def prune(session: Session, today: date) -> int:
    """Remove the marks no token still accepted can match (a token is used on or after the day it
    was issued, and refused TOKEN_DAYS days after)."""
    return session.execute(delete(UsedFormToken).where(
        UsedFormToken.used_on < today - timedelta(days=TOKEN_DAYS))).rowcount
