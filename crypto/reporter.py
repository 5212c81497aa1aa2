"""Reporter keys: everything a reporter has is derived from the receipt code.

salt   = BLAKE2b-128(b"whistle/v1/reporter/" + org slug)
master = Argon2id13(normalised code, salt, published opslimit/memlimit), 32 bytes
sub-keys are keyed BLAKE2b of an ASCII label with key = master.
"""

from dataclasses import dataclass

import nacl.bindings as sodium
import nacl.exceptions

from .codes import check_normalised, normalise_code
from .errors import CryptoError
from .kdf import INTERACTIVE, MINIMUM, KdfParams, argon2id

__all__ = [
    "INTERACTIVE", "KdfParams", "LOGIN_CONTEXT", "MINIMUM", "REPLACE_CONTEXT", "ReporterKeys",
    "derive_master", "derive_reporter_keys", "replacement_message", "reporter_keys_from_master",
    "reporter_salt", "sign_login", "sign_replacement", "verify_login", "verify_replacement",
]

_blake2b = sodium.crypto_generichash_blake2b_salt_personal
LOGIN_CONTEXT = b"whistle/v1/login:"
# Replacing the code (protocol Extensions E.10): signed with the current and with the new key.
REPLACE_CONTEXT = b"whistle/v1/replace-code:"
CHALLENGE_SIZE = 32
LOCATOR_SIZE = 16
MASTER_SIZE = 32


def reporter_salt(org_slug: str) -> bytes:
    if not isinstance(org_slug, str) or not org_slug:
        raise CryptoError("organisation slug must be a non-empty string")
    return _blake2b(b"whistle/v1/reporter/" + org_slug.encode("utf-8"), digest_size=16)


def derive_master(code: str | bytes, org_slug: str, params: KdfParams) -> bytes:
    if isinstance(code, str):
        password = normalise_code(code)
    else:
        password = check_normalised(code)
    return argon2id(password, reporter_salt(org_slug), params, MASTER_SIZE)


@dataclass(frozen=True)
class ReporterKeys:
    locator: bytes
    box_public: bytes
    box_secret: bytes
    sign_public: bytes
    sign_secret: bytes

    @property
    def locator_hex(self) -> str:
        return self.locator.hex()

    def __repr__(self) -> str:
        # Keep secrets out of tracebacks and debug output.
        return f"ReporterKeys(locator={self.locator_hex})"


def reporter_keys_from_master(master: bytes) -> ReporterKeys:
    if not isinstance(master, bytes) or len(master) != MASTER_SIZE:
        raise CryptoError(f"master key must be {MASTER_SIZE} bytes")
    locator = _blake2b(b"locator", digest_size=LOCATOR_SIZE, key=master)
    box_public, box_secret = sodium.crypto_box_seed_keypair(
        _blake2b(b"box", digest_size=32, key=master)
    )
    sign_public, sign_secret = sodium.crypto_sign_seed_keypair(
        _blake2b(b"sign", digest_size=32, key=master)
    )
    return ReporterKeys(locator, box_public, box_secret, sign_public, sign_secret)


def derive_reporter_keys(code: str | bytes, org_slug: str, params: KdfParams) -> ReporterKeys:
    return reporter_keys_from_master(derive_master(code, org_slug, params))


def _check_challenge(challenge: bytes) -> None:
    if not isinstance(challenge, bytes) or len(challenge) != CHALLENGE_SIZE:
        raise CryptoError(f"challenge must be {CHALLENGE_SIZE} bytes")


def sign_login(sign_secret: bytes, challenge: bytes) -> bytes:
    _check_challenge(challenge)
    if not isinstance(sign_secret, bytes) or len(sign_secret) != sodium.crypto_sign_SECRETKEYBYTES:
        raise CryptoError("signing key must be 64 bytes")
    try:
        signed = sodium.crypto_sign(LOGIN_CONTEXT + challenge, sign_secret)
    except nacl.exceptions.CryptoError as exc:
        raise CryptoError("signing failed") from exc
    # crypto_sign returns signature || message; the protocol sends it detached.
    return signed[: sodium.crypto_sign_BYTES]


def verify_login(sign_public: bytes, challenge: bytes, signature: bytes) -> None:
    _check_challenge(challenge)
    if not isinstance(sign_public, bytes) or len(sign_public) != sodium.crypto_sign_PUBLICKEYBYTES:
        raise CryptoError("signing public key must be 32 bytes")
    if not isinstance(signature, bytes) or len(signature) != sodium.crypto_sign_BYTES:
        raise CryptoError("signature must be 64 bytes")
    try:
        sodium.crypto_sign_open(signature + LOGIN_CONTEXT + challenge, sign_public)
    except nacl.exceptions.CryptoError as exc:
        raise CryptoError("login signature is not valid") from exc


def replacement_message(challenge: bytes, locator: bytes, box_public: bytes, sign_public: bytes) -> bytes:
    """What both signatures of a code replacement cover: the context, the challenge and the new
    code's locator and public keys, so neither signature can be reused for other new keys."""
    _check_challenge(challenge)
    for value, size, name in ((locator, LOCATOR_SIZE, "locator"),
                              (box_public, sodium.crypto_box_PUBLICKEYBYTES, "box public key"),
                              (sign_public, sodium.crypto_sign_PUBLICKEYBYTES, "signing public key")):
        if not isinstance(value, bytes) or len(value) != size:
            raise CryptoError(f"new {name} must be {size} bytes")
    return REPLACE_CONTEXT + challenge + locator + box_public + sign_public


def sign_replacement(sign_secret: bytes, challenge: bytes, new_keys: ReporterKeys) -> bytes:
    """A detached Ed25519 signature over replacement_message(...) with `sign_secret` (the current
    code's key for `signature`, the new code's for `new_signature`)."""
    message = replacement_message(challenge, new_keys.locator, new_keys.box_public, new_keys.sign_public)
    if not isinstance(sign_secret, bytes) or len(sign_secret) != sodium.crypto_sign_SECRETKEYBYTES:
        raise CryptoError("signing key must be 64 bytes")
    try:
        return sodium.crypto_sign(message, sign_secret)[: sodium.crypto_sign_BYTES]
    except nacl.exceptions.CryptoError as exc:
        raise CryptoError("signing failed") from exc


def verify_replacement(sign_public: bytes, message: bytes, signature: bytes) -> None:
    if not isinstance(sign_public, bytes) or len(sign_public) != sodium.crypto_sign_PUBLICKEYBYTES:
        raise CryptoError("signing public key must be 32 bytes")
    if not isinstance(signature, bytes) or len(signature) != sodium.crypto_sign_BYTES:
        raise CryptoError("signature must be 64 bytes")
    if not isinstance(message, bytes) or not message.startswith(REPLACE_CONTEXT):
        raise CryptoError("not a code replacement message")
    try:
        sodium.crypto_sign_open(signature + message, sign_public)
    except nacl.exceptions.CryptoError as exc:
        raise CryptoError("code replacement signature is not valid") from exc
