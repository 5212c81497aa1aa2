import re

import pytest

import crypto
from crypto import CryptoError


def test_wrap_unwrap_round_trip():
    pk, sk = crypto.new_box_keypair()
    assert crypto.public_from_secret(sk) == pk
    key = crypto.new_case_key()
    assert len(key) == 32 and key != crypto.new_case_key()
    commitment = crypto.key_commitment(key)
    sealed = crypto.wrap_case_key(key, pk)
    assert crypto.unwrap_case_key(sealed, pk, sk, commitment) == key


def test_unwrap_refuses_a_key_that_does_not_match_the_commitment():
    # A malicious submitter wraps a different key for this recipient.
    pk, sk = crypto.new_box_keypair()
    honest, other = crypto.new_case_key(), crypto.new_case_key()
    sealed = crypto.wrap_case_key(other, pk)
    with pytest.raises(CryptoError, match="commitment"):
        crypto.unwrap_case_key(sealed, pk, sk, crypto.key_commitment(honest))
    with pytest.raises(CryptoError):
        crypto.check_commitment(other, crypto.key_commitment(honest))
    with pytest.raises(CryptoError):
        crypto.check_commitment(honest, crypto.key_commitment(honest)[:31])


def test_unwrap_with_wrong_key_pair_or_tampered_blob():
    pk, sk = crypto.new_box_keypair()
    pk2, sk2 = crypto.new_box_keypair()
    key = crypto.new_case_key()
    commitment = crypto.key_commitment(key)
    sealed = crypto.wrap_case_key(key, pk)
    with pytest.raises(CryptoError):
        crypto.unwrap_case_key(sealed, pk2, sk2, commitment)
    flipped = bytearray(sealed)
    flipped[40] ^= 1
    for blob in (bytes(flipped), sealed[:-1], b""):
        with pytest.raises(CryptoError):
            crypto.unwrap_case_key(blob, pk, sk, commitment)
    # sealing something that is not a 32-byte key is refused after opening
    import nacl.bindings as s

    with pytest.raises(CryptoError):
        crypto.unwrap_case_key(s.crypto_box_seal(key + b"x", pk), pk, sk, commitment)


def test_bad_lengths():
    with pytest.raises(CryptoError):
        crypto.wrap_case_key(b"k" * 31, crypto.new_box_keypair()[0])
    with pytest.raises(CryptoError):
        crypto.wrap_case_key(crypto.new_case_key(), b"p" * 31)
    with pytest.raises(CryptoError):
        crypto.public_from_secret(b"s" * 33)
    with pytest.raises(CryptoError):
        crypto.key_commitment(b"")
    with pytest.raises(CryptoError):
        crypto.fingerprint(b"p" * 31)


def test_fingerprint_format():
    pk, _ = crypto.new_box_keypair()
    fp = crypto.fingerprint(pk)
    assert re.fullmatch(r"[0-9a-f]{4}( [0-9a-f]{4}){9}", fp)
    assert fp != crypto.fingerprint(crypto.new_box_keypair()[0])
