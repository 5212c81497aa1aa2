"""Endorsements: who may receive a case key, vouched for by people who hold keys.

An organisation has a TRUST KEY, an Ed25519 key pair whose secret half is printed once and kept
offline; it is distinct from the X25519 recovery key. A recipient key becomes trusted only
through a chain of endorsements that starts at the trust key:

    trust key --signs--> first counsellor --signs--> later counsellor --signs--> authority member

An endorsement is a signed statement (docs/protocol.md, E.5). Its canonical bytes are the
concatenation of these fields, each as a 4-byte big-endian length followed by the bytes:

    "whistle/v1/endorsement" | organisation slug (UTF-8) | role ("counsellor", "authority",
    "recovery") | office (UTF-8, empty unless role is authority) | subject's X25519 public key
    (32) | subject's Ed25519 verify key (32; empty for the recovery key) | endorser's Ed25519
    verify key (32) | issued date ("YYYY-MM-DD")

and its signature is Ed25519 (detached, 64 bytes) over those bytes by the endorser's key.

A member's Ed25519 key is derived from their X25519 secret (keyed BLAKE2b, its own label), so
one passphrase-locked secret carries both and a session that can unwrap case keys can also sign.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from dataclasses import dataclass

import nacl.bindings as sodium
import nacl.exceptions

from .errors import CryptoError

LABEL = b"whistle/v1/endorsement"
ROLES = ("counsellor", "authority", "recovery")
ENDORSING_ROLES = ("counsellor",)   # only a counsellor may vouch for another key
MAX_CHAIN = 32                       # bounds the work a hostile intake answer can cause
_KEY = 32
_SIGNATURE = sodium.crypto_sign_BYTES  # 64
_SEED = sodium.crypto_sign_SEEDBYTES   # 32
_ISSUED = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_MAX_OFFICE = 100


@dataclass(frozen=True)
class Endorsement:
    org: str
    role: str
    office: str
    box_public: bytes
    verify_key: bytes
    endorser: bytes
    issued: str
    signature: bytes = b""

    def statement(self) -> bytes:
        return endorsement_statement(self.org, self.role, self.office, self.box_public,
                                     self.verify_key, self.endorser, self.issued)


def _field(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def _check_key(value: bytes, what: str) -> None:
    if not isinstance(value, bytes) or len(value) != _KEY:
        raise CryptoError(f"{what} must be {_KEY} bytes")


def _check_fields(org: str, role: str, office: str, box_public: bytes, verify_key: bytes,
                  endorser: bytes, issued: str) -> None:
    if not isinstance(org, str) or not _SLUG.match(org):
        raise CryptoError("endorsement: organisation slug is not valid")
    if role not in ROLES:
        raise CryptoError("endorsement: unknown role")
    if not isinstance(office, str) or len(office) > _MAX_OFFICE:
        raise CryptoError("endorsement: office must be text of at most 100 characters")
    if (role == "authority") != bool(office):
        raise CryptoError("endorsement: an office is named for, and only for, the authority role")
    _check_key(box_public, "endorsement: subject public key")
    if role == "recovery":
        if verify_key != b"":
            raise CryptoError("endorsement: the recovery key has no verify key")
    else:
        _check_key(verify_key, "endorsement: subject verify key")
    _check_key(endorser, "endorsement: endorser verify key")
    if not isinstance(issued, str) or not _ISSUED.match(issued):
        raise CryptoError("endorsement: issued must be a date YYYY-MM-DD")
    if not _calendar_date(issued):
        raise CryptoError("endorsement: issued is not a calendar date")


def _calendar_date(text: str) -> bool:
    # Plain arithmetic: crypto/ imports nothing that reads a clock (datetime included).
    year, month, day = (int(part) for part in text.split("-"))
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return 1 <= month <= 12 and 1 <= day <= days[month - 1]


def endorsement_statement(org: str, role: str, office: str, box_public: bytes, verify_key: bytes,
                          endorser: bytes, issued: str) -> bytes:
    """The canonical bytes an endorser signs; length-prefixed so no two field lists collide."""
    _check_fields(org, role, office, box_public, verify_key, endorser, issued)
    return b"".join(_field(part) for part in (
        LABEL, org.encode("utf-8"), role.encode("ascii"), office.encode("utf-8"),
        box_public, verify_key, endorser, issued.encode("ascii")))


# --- keys -----------------------------------------------------------------------------------

def new_trust_keypair() -> tuple[bytes, bytes]:
    """(verify key, 32-byte seed). The seed is the offline secret; the server keeps only the
    verify key."""
    verify_key, _secret = sodium.crypto_sign_keypair()
    seed = sodium.crypto_sign_ed25519_sk_to_seed(_secret)
    return verify_key, seed


def signing_verify_key(seed: bytes) -> bytes:
    if not isinstance(seed, bytes) or len(seed) != _SEED:
        raise CryptoError(f"signing seed must be {_SEED} bytes")
    return sodium.crypto_sign_seed_keypair(seed)[0]


def staff_signing_seed(box_secret: bytes) -> bytes:
    """A member's Ed25519 seed, derived from their X25519 secret with its own label, so the
    two keys are independent while one locked secret carries both."""
    _check_key(box_secret, "staff secret key")
    return sodium.crypto_generichash_blake2b_salt_personal(
        b"whistle/v1/staff-sign", digest_size=_SEED, key=box_secret)


def staff_verify_key(box_secret: bytes) -> bytes:
    return signing_verify_key(staff_signing_seed(box_secret))


# --- signing and verifying ------------------------------------------------------------------

def sign_endorsement(seed: bytes, *, org: str, role: str, office: str, box_public: bytes,
                     verify_key: bytes, issued: str) -> Endorsement:
    endorser, secret = sodium.crypto_sign_seed_keypair(_seed(seed))
    unsigned = Endorsement(org, role, office, box_public, verify_key, endorser, issued)
    signature = sodium.crypto_sign(unsigned.statement(), secret)[:_SIGNATURE]
    return Endorsement(org, role, office, box_public, verify_key, endorser, issued, signature)


def _seed(seed: bytes) -> bytes:
    if not isinstance(seed, bytes) or len(seed) != _SEED:
        raise CryptoError(f"signing seed must be {_SEED} bytes")
    return seed


def verify_endorsement(endorsement: Endorsement) -> None:
    statement = endorsement.statement()
    signature = endorsement.signature
    if not isinstance(signature, bytes) or len(signature) != _SIGNATURE:
        raise CryptoError("endorsement signature must be 64 bytes")
    try:
        sodium.crypto_sign_open(signature + statement, endorsement.endorser)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.CryptoError) as exc:
        raise CryptoError("endorsement signature does not verify") from exc


def verify_chain(trust_public_key: bytes, recipient: bytes, chain: list[Endorsement] | tuple,
                 *, org: str | None = None) -> Endorsement:
    """Check that `recipient` (an X25519 public key) is vouched for, link by link, starting at
    the organisation's trust key. Returns the last link (its role and office say what the
    recipient may receive); raises CryptoError otherwise."""
    _check_key(trust_public_key, "trust key")
    _check_key(recipient, "recipient public key")
    if not isinstance(chain, (list, tuple)) or not chain:
        raise CryptoError("endorsement chain is empty")
    if len(chain) > MAX_CHAIN:
        raise CryptoError("endorsement chain is too long")
    expected_endorser = trust_public_key
    expected_org = org if org is not None else chain[0].org
    for position, link in enumerate(chain):
        if not isinstance(link, Endorsement):
            raise CryptoError("endorsement chain holds something that is not an endorsement")
        if link.org != expected_org:
            raise CryptoError("endorsement is for another organisation")
        if link.endorser != expected_endorser:
            raise CryptoError("endorsement chain is broken: a link is not signed by the key before it")
        verify_endorsement(link)
        last = position == len(chain) - 1
        if not last and link.role not in ENDORSING_ROLES:
            raise CryptoError("endorsement chain passes through a key that may not endorse")
        if link.role == "recovery" and position != 0:
            raise CryptoError("only the trust key itself may endorse the recovery key")
        expected_endorser = link.verify_key
    final = chain[-1]
    if final.box_public != recipient:
        raise CryptoError("endorsement chain is for another key")
    return final


# --- the wire form (JSON objects, standard base64) -------------------------------------------

def endorsement_json(e: Endorsement) -> dict:
    enc = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return {"org": e.org, "role": e.role, "office": e.office, "public_key": enc(e.box_public),
            "verify_key": enc(e.verify_key), "endorser": enc(e.endorser), "issued": e.issued,
            "signature": enc(e.signature)}


def endorsement_from_json(data: object) -> Endorsement:
    if not isinstance(data, dict):
        raise CryptoError("endorsement must be a JSON object")

    def text(name: str) -> str:
        value = data.get(name)
        if not isinstance(value, str):
            raise CryptoError(f"endorsement: {name} must be text")
        return value

    def raw(name: str) -> bytes:
        try:
            return base64.b64decode(text(name), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise CryptoError(f"endorsement: {name} is not valid base64") from exc

    return Endorsement(text("org"), text("role"), text("office"), raw("public_key"), raw("verify_key"),
                       raw("endorser"), text("issued"), raw("signature"))


def chain_from_json(data: object) -> list[Endorsement]:
    if not isinstance(data, list):
        raise CryptoError("endorsement chain must be a list")
    if len(data) > MAX_CHAIN:
        raise CryptoError("endorsement chain is too long")
    return [endorsement_from_json(item) for item in data]
