"""Argon2id parameters and password hashing, shared by reporter and staff keys."""

from dataclasses import dataclass

import nacl.bindings as sodium
import nacl.exceptions

from .errors import CryptoError

SALT_SIZE = sodium.crypto_pwhash_SALTBYTES  # 16


@dataclass(frozen=True)
class KdfParams:
    opslimit: int
    memlimit: int


# Production default for reporters and staff.
INTERACTIVE = KdfParams(
    opslimit=sodium.crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
    memlimit=sodium.crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE,
)
# Tests only: the weakest parameters libsodium accepts, so test runs stay fast.
# Never publish these in an intake answer or use them for a real key.
MINIMUM = KdfParams(
    opslimit=sodium.crypto_pwhash_argon2id_OPSLIMIT_MIN,
    memlimit=sodium.crypto_pwhash_argon2id_MEMLIMIT_MIN,
)
# Upper bound we accept from stored blobs, so a damaged or hostile blob cannot
# make a worker allocate terabytes.
SENSITIVE = KdfParams(
    opslimit=sodium.crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE,
    memlimit=sodium.crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE,
)


def check_params(params: KdfParams) -> KdfParams:
    if not isinstance(params, KdfParams):
        raise CryptoError("KDF parameters must be a KdfParams")
    for name in ("opslimit", "memlimit"):
        value = getattr(params, name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise CryptoError(f"KDF {name} must be an integer")
        if not getattr(MINIMUM, name) <= value <= getattr(SENSITIVE, name):
            raise CryptoError(f"KDF {name} out of the accepted range")
    return params


def argon2id(password: bytes, salt: bytes, params: KdfParams, size: int = 32) -> bytes:
    check_params(params)
    if len(salt) != SALT_SIZE:
        raise CryptoError(f"salt must be {SALT_SIZE} bytes")
    try:
        return sodium.crypto_pwhash_alg(
            size, password, salt, params.opslimit, params.memlimit,
            sodium.crypto_pwhash_ALG_ARGON2ID13,
        )
    except nacl.exceptions.CryptoError as exc:
        raise CryptoError("key derivation failed") from exc
