import pytest

import crypto
from crypto import CryptoError


def test_round_trip():
    token = crypto.new_session_token()
    assert len(token) == 32 and token != crypto.new_session_token()
    secret = b"derived reporter keys, serialised"
    blob = crypto.seal_for_session(token, secret)
    assert secret not in blob
    assert crypto.open_for_session(token, blob) == secret
    assert crypto.seal_for_session(token, secret) != blob  # random nonce
    assert crypto.open_for_session(token, crypto.seal_for_session(token, b"")) == b""


def test_digest_is_stable_and_not_the_key():
    token = crypto.new_session_token()
    digest = crypto.token_digest(token)
    assert len(digest) == 32 and digest == crypto.token_digest(token)
    assert digest != crypto.token_digest(crypto.new_session_token())
    blob = crypto.seal_for_session(token, b"secret")
    # what the database stores must not open the blob
    import nacl.bindings as s

    with pytest.raises(Exception):
        s.crypto_secretbox_open(blob[24:], blob[:24], digest)


def test_wrong_token_and_tampering():
    token = crypto.new_session_token()
    blob = crypto.seal_for_session(token, b"secret")
    with pytest.raises(CryptoError):
        crypto.open_for_session(crypto.new_session_token(), blob)
    flipped = bytearray(blob)
    flipped[-1] ^= 1
    for bad in (bytes(flipped), blob[:39], b""):
        with pytest.raises(CryptoError):
            crypto.open_for_session(token, bad)
    for bad_token in (token[:31], b"", token + b"x"):
        with pytest.raises(CryptoError):
            crypto.token_digest(bad_token)
        with pytest.raises(CryptoError):
            crypto.open_for_session(bad_token, blob)
