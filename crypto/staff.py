"""Staff key pairs: an X25519 secret key kept only locked under a passphrase.

Locked blob format (all integers big-endian):

    offset  size  field
    0       4     magic b"WSK1"
    4       4     opslimit (u32)
    8       8     memlimit (u64)
    16      16    Argon2id salt
    32      24    secretbox nonce
    56      48    crypto_secretbox(secret key, nonce, key)   (32 + 16 MAC)

key = crypto_pwhash Argon2id13, 32 bytes, of the passphrase (UTF-8) with the
salt and limits above. The limits travel in the blob so they can be raised
later without breaking old keys; unlock only accepts limits between MINIMUM
and libsodium's SENSITIVE values, so a damaged blob cannot exhaust memory.
The header is not authenticated separately: changing any of it changes the
derived key, and the secretbox MAC then fails.
"""

import struct

import nacl.bindings as sodium
import nacl.exceptions
import nacl.utils

from .errors import CryptoError
from .kdf import SALT_SIZE, KdfParams, argon2id, check_params

MAGIC = b"WSK1"
_HEADER = struct.Struct(">4sIQ")
_NONCE_SIZE = sodium.crypto_secretbox_NONCEBYTES  # 24
_SECRET_SIZE = sodium.crypto_box_SECRETKEYBYTES  # 32
LOCKED_SIZE = _HEADER.size + SALT_SIZE + _NONCE_SIZE + _SECRET_SIZE + sodium.crypto_secretbox_MACBYTES
_WRONG = "wrong passphrase or damaged key"


def _passphrase_bytes(passphrase: str) -> bytes:
    if not isinstance(passphrase, str) or not passphrase:
        raise CryptoError("passphrase must be a non-empty string")
    return passphrase.encode("utf-8")


def lock_staff_secret(secret: bytes, passphrase: str, params: KdfParams) -> bytes:
    if not isinstance(secret, bytes) or len(secret) != _SECRET_SIZE:
        raise CryptoError(f"secret key must be {_SECRET_SIZE} bytes")
    check_params(params)
    salt = nacl.utils.random(SALT_SIZE)
    nonce = nacl.utils.random(_NONCE_SIZE)
    key = argon2id(_passphrase_bytes(passphrase), salt, params)
    header = _HEADER.pack(MAGIC, params.opslimit, params.memlimit)
    return header + salt + nonce + sodium.crypto_secretbox(secret, nonce, key)


def unlock_staff_secret(locked: bytes, passphrase: str) -> bytes:
    password = _passphrase_bytes(passphrase)
    if not isinstance(locked, bytes) or len(locked) != LOCKED_SIZE:
        raise CryptoError("locked staff key has the wrong length")
    magic, opslimit, memlimit = _HEADER.unpack_from(locked)
    if magic != MAGIC:
        raise CryptoError("locked staff key has an unknown format")
    params = check_params(KdfParams(opslimit=opslimit, memlimit=memlimit))
    rest = locked[_HEADER.size :]
    salt, nonce, box = rest[:SALT_SIZE], rest[SALT_SIZE : SALT_SIZE + _NONCE_SIZE], rest[SALT_SIZE + _NONCE_SIZE :]
    key = argon2id(password, salt, params)
    try:
        return sodium.crypto_secretbox_open(box, nonce, key)
    except nacl.exceptions.CryptoError as exc:
        raise CryptoError(_WRONG) from exc


def new_staff_keypair(passphrase: str, params: KdfParams) -> tuple[bytes, bytes]:
    public, secret = sodium.crypto_box_keypair()
    return public, lock_staff_secret(secret, passphrase, params)
