"""Case keys: creation, wrapping to recipients, key commitment, fingerprints."""

import hmac

import nacl.bindings as sodium
import nacl.exceptions
import nacl.utils

from .errors import CryptoError

KEY_SIZE = 32
PUBLIC_KEY_SIZE = sodium.crypto_box_PUBLICKEYBYTES  # 32
SECRET_KEY_SIZE = sodium.crypto_box_SECRETKEYBYTES  # 32
COMMITMENT_SIZE = 32
_blake2b = sodium.crypto_generichash_blake2b_salt_personal


def _check(value: bytes, size: int, what: str) -> None:
    if not isinstance(value, bytes) or len(value) != size:
        raise CryptoError(f"{what} must be {size} bytes")


def new_case_key() -> bytes:
    return nacl.utils.random(KEY_SIZE)


def key_commitment(case_key: bytes) -> bytes:
    # Poly1305 does not commit to the key; this does (see protocol "Key commitment").
    _check(case_key, KEY_SIZE, "case key")
    return _blake2b(b"whistle/v1/commit", digest_size=COMMITMENT_SIZE, key=case_key)


def check_commitment(case_key: bytes, commitment: bytes) -> None:
    _check(commitment, COMMITMENT_SIZE, "key commitment")
    if not hmac.compare_digest(key_commitment(case_key), commitment):
        raise CryptoError("case key does not match the key commitment")


def wrap_case_key(case_key: bytes, recipient_public: bytes) -> bytes:
    _check(case_key, KEY_SIZE, "case key")
    _check(recipient_public, PUBLIC_KEY_SIZE, "recipient public key")
    try:
        return sodium.crypto_box_seal(case_key, recipient_public)
    except nacl.exceptions.CryptoError as exc:
        raise CryptoError("wrapping the case key failed") from exc


def unwrap_case_key(
    sealed: bytes, recipient_public: bytes, recipient_secret: bytes, commitment: bytes
) -> bytes:
    _check(recipient_public, PUBLIC_KEY_SIZE, "recipient public key")
    _check(recipient_secret, SECRET_KEY_SIZE, "recipient secret key")
    if not isinstance(sealed, bytes):
        raise CryptoError("sealed key must be bytes")
    try:
        case_key = sodium.crypto_box_seal_open(sealed, recipient_public, recipient_secret)
    except nacl.exceptions.CryptoError as exc:
        raise CryptoError("sealed case key cannot be opened with this key pair") from exc
    if len(case_key) != KEY_SIZE:
        raise CryptoError("sealed case key has the wrong length")
    check_commitment(case_key, commitment)
    return case_key


def new_box_keypair() -> tuple[bytes, bytes]:
    return sodium.crypto_box_keypair()


def public_from_secret(secret: bytes) -> bytes:
    _check(secret, SECRET_KEY_SIZE, "secret key")
    return sodium.crypto_scalarmult_base(secret)


def fingerprint(public_key: bytes) -> str:
    _check(public_key, PUBLIC_KEY_SIZE, "public key")
    digest = _blake2b(b"whistle/v1/fingerprint" + public_key, digest_size=20).hex()
    # Groups of four are easy to read aloud and compare on paper.
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))
