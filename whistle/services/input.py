"""Parsing what people send: form fields (strings), JSON values and protocol fields become typed
values, or an InvalidInput that names the field. Every use case parses with these, so one
vocabulary (what counts as "ja"), one set of limits and one wording hold everywhere.

Each function takes the value, not the form: callers pass `form.get(name)`, a JSON member or a
header alike. Pure: no Flask, no database."""
from __future__ import annotations

import base64
import binascii
import re
from datetime import date
from enum import Enum
from typing import Any, Mapping

import crypto
from whistle.domain.report import MAX_MESSAGE_CHARS
from whistle.services.errors import InvalidInput

# The union of every word a form or client used for a choice; an HTML checkbox sends "on".
YES = frozenset({"ja", "yes", "true", "1", "on"})
NO = frozenset({"nee", "no", "false", "0", "off"})
LOCATOR = re.compile(r"^[0-9a-f]{32}$")


# --- choices --------------------------------------------------------------------------------

def yes_no(value: Any, name: str, what: str) -> bool:
    """A required choice: a JSON boolean or one of the YES/NO words, in any case."""
    if isinstance(value, bool):
        return value
    word = value.strip().lower() if isinstance(value, str) else None
    if word in YES:
        return True
    if word in NO:
        return False
    raise InvalidInput("Kies ja of nee bij '%(what)s'.", field=name, params={"what": what})


def checked(value: Any) -> bool:
    """A checkbox: ticked when it says yes; absent or anything else is not ticked."""
    return value is True or (isinstance(value, str) and value.strip().lower() in YES)


def member(value: Any, name: str, enum: type[Enum], what: str) -> str:
    """The value of one of `enum`'s members (a member itself is accepted too)."""
    value = getattr(value, "value", value)
    allowed = [m.value for m in enum]
    if value not in allowed:
        raise InvalidInput("Kies een geldige waarde bij '%(what)s' (%(allowed)s).", field=name,
                           params={"what": what, "allowed": ", ".join(allowed)})
    return value


# --- text, numbers, dates, lists -------------------------------------------------------------

def bounded_text(value: Any, name: str, *, limit: int, what: str, required: bool = True,
         missing: str | None = None, after: str = "") -> str:
    """`value` without surrounding white space; anything but a string counts as empty.

    Empty: "" when not `required`, else InvalidInput(`missing`, by default "{what} ontbreekt.").
    Longer than `limit` characters: "{what} is te lang (meer dan {limit} tekens).{after}"."""
    stripped = value.strip() if isinstance(value, str) else ""
    if not stripped and required:
        raise InvalidInput(missing or f"{what} ontbreekt.", field=name)
    if len(stripped) > limit:
        if after.strip():
            raise InvalidInput("%(what)s is te lang (meer dan %(limit)s tekens). %(after)s", field=name,
                               params={"what": what, "limit": limit, "after": after.strip()})
        raise InvalidInput("%(what)s is te lang (meer dan %(limit)s tekens).", field=name,
                           params={"what": what, "limit": limit})
    return stripped


def message_text(value: Any) -> str:
    """A message between melder and vertrouwenspersoon, typed on a page."""
    return bounded_text(value, "text", limit=MAX_MESSAGE_CHARS, what="Het bericht", missing="Het bericht is leeg.")


def whole_number(value: Any, name: str, refused: str) -> int:
    """An integer as int() reads it (a form sends "12"); `refused` is the message otherwise."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput(refused, field=name) from None


def iso_date(value: Any, name: str, refused: str) -> date:
    """A date object, or a string JJJJ-MM-DD; `refused` is the message otherwise."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip() if isinstance(value, str) else "")
    except ValueError:
        raise InvalidInput(refused, field=name) from None


def listed(form: Mapping[str, Any], name: str) -> list:
    """Every value sent under `name`: a form's repeated field, or a JSON list, or one value."""
    if hasattr(form, "getlist"):
        return form.getlist(name)
    value = form.get(name)
    return list(value) if isinstance(value, (list, tuple, set)) else ([] if value is None else [value])


# --- the protocol's fields ---------------------------------------------------------------------

def b64(data: bytes) -> str:
    """Bytes as the protocol sends them: standard base64 with padding."""
    return base64.b64encode(data).decode("ascii")


def unb64(value: Any, name: str, *, size: int | None = None) -> bytes:
    """Strict standard base64 (no stray characters), of exactly `size` bytes when given."""
    if not isinstance(value, str):
        raise InvalidInput(f"{name}: expected a base64 string", field=name)
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(f"{name}: not valid base64", field=name) from None
    if size is not None and len(data) != size:
        raise InvalidInput(f"{name}: expected {size} bytes, got {len(data)}", field=name)
    return data


def sealed_record(value: Any, name: str) -> bytes:
    """A client's sealed record in base64, of the shape crypto.check_record accepts."""
    blob = unb64(value, name)
    try:
        return crypto.check_record(blob)
    except crypto.CryptoError:
        raise InvalidInput(f"{name}: not a sealed, padded record", field=name) from None


def case_locator(value: Any) -> bytes:
    """A case's locator as the client derived it: 32 lowercase hex characters."""
    if not isinstance(value, str) or not LOCATOR.match(value):
        raise InvalidInput("locator: expected 32 lowercase hex characters", field="locator")
    return bytes.fromhex(value)
