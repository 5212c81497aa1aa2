"""Split-key session secrets.

The client holds a random token (cookie or bearer header); the database holds
only token_digest(token) to find the session and a blob sealed under a key
derived from the token. A copy of the database alone opens nothing.
"""

import nacl.bindings as sodium
import nacl.exceptions
import nacl.utils

from .errors import CryptoError

TOKEN_SIZE = 32
_NONCE_SIZE = sodium.crypto_secretbox_NONCEBYTES  # 24
_blake2b = sodium.crypto_generichash_blake2b_salt_personal


def _check_token(token: bytes) -> None:
    if not isinstance(token, bytes) or len(token) != TOKEN_SIZE:
        raise CryptoError(f"session token must be {TOKEN_SIZE} bytes")


def _session_key(token: bytes) -> bytes:
    # A different domain than token_digest, so the stored digest is not the key.
    return _blake2b(token, digest_size=32, key=b"whistle/v1/session-key")


def new_session_token() -> bytes:
    return nacl.utils.random(TOKEN_SIZE)


def token_digest(token: bytes) -> bytes:
    _check_token(token)
    return _blake2b(b"whistle/v1/token-id" + token, digest_size=32)


def seal_for_session(token: bytes, secret: bytes) -> bytes:
    _check_token(token)
    if not isinstance(secret, bytes):
        raise CryptoError("session secret must be bytes")
    nonce = nacl.utils.random(_NONCE_SIZE)
    return nonce + sodium.crypto_secretbox(secret, nonce, _session_key(token))


def open_for_session(token: bytes, blob: bytes) -> bytes:
    _check_token(token)
    if not isinstance(blob, bytes) or len(blob) < _NONCE_SIZE + sodium.crypto_secretbox_MACBYTES:
        raise CryptoError("session blob is too short")
    try:
        return sodium.crypto_secretbox_open(blob[_NONCE_SIZE:], blob[:_NONCE_SIZE], _session_key(token))
    except nacl.exceptions.CryptoError as exc:
        raise CryptoError("session blob cannot be opened with this token") from exc
