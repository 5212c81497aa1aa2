import struct

import pytest

import crypto
from crypto import MINIMUM, CryptoError, KdfParams

PASS = "lange zin die alleen Fatima kent"


def test_round_trip_and_format():
    public, locked = crypto.new_staff_keypair(PASS, MINIMUM)
    assert locked[:4] == b"WSK1"
    assert struct.unpack(">IQ", locked[4:16]) == (MINIMUM.opslimit, MINIMUM.memlimit)
    assert len(locked) == 4 + 4 + 8 + 16 + 24 + 32 + 16
    secret = crypto.unlock_staff_secret(locked, PASS)
    assert crypto.public_from_secret(secret) == public
    # the wrapped case key of this staff member opens with the unlocked secret
    key = crypto.new_case_key()
    sealed = crypto.wrap_case_key(key, public)
    assert crypto.unwrap_case_key(sealed, public, secret, crypto.key_commitment(key)) == key


def test_relock_gives_fresh_salt_and_nonce():
    _, sk = crypto.new_box_keypair()
    a = crypto.lock_staff_secret(sk, PASS, MINIMUM)
    b = crypto.lock_staff_secret(sk, PASS, MINIMUM)
    assert a != b
    assert crypto.unlock_staff_secret(a, PASS) == crypto.unlock_staff_secret(b, PASS) == sk


def test_wrong_passphrase_and_tampering():
    _, locked = crypto.new_staff_keypair(PASS, MINIMUM)
    with pytest.raises(CryptoError, match="wrong passphrase or damaged key"):
        crypto.unlock_staff_secret(locked, PASS + " ")
    for i in (20, 40, len(locked) - 1):  # salt, nonce, box
        flipped = bytearray(locked)
        flipped[i] ^= 1
        with pytest.raises(CryptoError):
            crypto.unlock_staff_secret(bytes(flipped), PASS)
    # changing the stored limits changes the derived key
    other_ops = bytearray(locked)
    other_ops[4:8] = struct.pack(">I", 2)
    with pytest.raises(CryptoError):
        crypto.unlock_staff_secret(bytes(other_ops), PASS)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda b: b[:-1],
        lambda b: b + b"\x00",
        lambda b: b"WSK2" + b[4:],
        lambda b: b[:8] + struct.pack(">Q", 2**40) + b[16:],  # absurd memlimit: refused, not attempted
        lambda b: b[:4] + struct.pack(">I", 0) + b[8:],
        lambda b: b"",
    ],
    ids=["short", "long", "magic", "huge-memlimit", "zero-ops", "empty"],
)
def test_malformed_blobs(mangle):
    _, locked = crypto.new_staff_keypair(PASS, MINIMUM)
    with pytest.raises(CryptoError):
        crypto.unlock_staff_secret(mangle(locked), PASS)


def test_bad_inputs():
    _, sk = crypto.new_box_keypair()
    with pytest.raises(CryptoError):
        crypto.lock_staff_secret(sk, "", MINIMUM)
    with pytest.raises(CryptoError):
        crypto.lock_staff_secret(sk[:31], PASS, MINIMUM)
    with pytest.raises(CryptoError):
        crypto.lock_staff_secret(sk, PASS, KdfParams(opslimit=1, memlimit=1024))
