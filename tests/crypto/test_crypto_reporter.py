import pytest

import crypto
from crypto import MINIMUM, CryptoError, KdfParams

CODE = "7K3Q-9XZ2-M4PD-V8HW"


def test_derivation_is_deterministic_and_normalisation_insensitive():
    a = crypto.derive_reporter_keys(CODE, "deventer", MINIMUM)
    b = crypto.derive_reporter_keys(" 7k3q 9xz2 m4pd v8hw ", "deventer", MINIMUM)
    assert a == b
    assert len(a.locator) == 16 and len(a.locator_hex) == 32
    assert len(a.box_public) == len(a.box_secret) == len(a.sign_public) == 32
    assert len(a.sign_secret) == 64
    assert "box_secret" not in repr(a) and a.box_secret.hex() not in repr(a)


def test_other_org_or_code_gives_other_keys():
    a = crypto.derive_reporter_keys(CODE, "deventer", MINIMUM)
    assert crypto.derive_reporter_keys(CODE, "zwolle", MINIMUM).locator != a.locator
    assert crypto.derive_reporter_keys("7K3Q-9XZ2-M4PD-V8HX", "deventer", MINIMUM).locator != a.locator


def test_bad_inputs():
    with pytest.raises(CryptoError):
        crypto.derive_master(b"7K3Q9XZ2M4PDV8H", "deventer", MINIMUM)  # 15 bytes
    with pytest.raises(CryptoError):
        crypto.derive_master(CODE, "", MINIMUM)
    with pytest.raises(CryptoError):
        crypto.derive_master(CODE, "deventer", KdfParams(opslimit=0, memlimit=8192))
    with pytest.raises(CryptoError):
        crypto.derive_master(CODE, "deventer", KdfParams(opslimit=1, memlimit=2**50))
    with pytest.raises(CryptoError):
        crypto.reporter_keys_from_master(b"x" * 31)


def test_login_round_trip_and_failures():
    keys = crypto.derive_reporter_keys(CODE, "deventer", MINIMUM)
    other = crypto.derive_reporter_keys(crypto.new_receipt_code(), "deventer", MINIMUM)
    challenge = bytes(range(32))
    sig = crypto.sign_login(keys.sign_secret, challenge)
    crypto.verify_login(keys.sign_public, challenge, sig)
    bad = bytearray(sig)
    bad[5] ^= 1
    for args in [
        (keys.sign_public, challenge, bytes(bad)),
        (other.sign_public, challenge, sig),
        (keys.sign_public, bytes(32), sig),
        (keys.sign_public, challenge, sig[:63]),
        (keys.sign_public, challenge[:31], sig),
        (keys.sign_public[:31], challenge, sig),
    ]:
        with pytest.raises(CryptoError):
            crypto.verify_login(*args)
