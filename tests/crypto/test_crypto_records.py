import pytest

import crypto
from crypto import PADDING_BLOCK, RECORD_KINDS, CryptoError

LOC = "0123456789abcdef0123456789abcdef"
OTHER_LOC = "fedcba9876543210fedcba9876543210"
RECORD = {"text": "Er wordt gefraudeerd bij inkoop — €12.000", "category": None, "n": [1, 2]}


def test_round_trip_every_kind():
    key = crypto.new_case_key()
    for kind in RECORD_KINDS:
        blob = crypto.seal_record(key, kind, LOC, RECORD)
        assert crypto.open_record(key, kind, LOC, blob) == RECORD


def test_padding_hides_length_and_nonces_are_fresh():
    key = crypto.new_case_key()
    short = crypto.seal_record(key, "message", LOC, {"t": "a"})
    longer = crypto.seal_record(key, "message", LOC, {"t": "a" * 900})
    assert len(short) == len(longer) == 24 + PADDING_BLOCK + 16
    big = crypto.seal_record(key, "message", LOC, {"t": "a" * 2000})
    assert (len(big) - 40) % PADDING_BLOCK == 0
    assert crypto.seal_record(key, "message", LOC, {"t": "a"}) != short


def test_ad():
    assert crypto.record_ad("report", LOC) == b"whistle/v1/report/" + LOC.encode()
    for kind, loc in [("reports", LOC), ("report", LOC.upper()), ("report", LOC[:-1]), ("report", LOC + "0"), ("report", "g" * 32)]:
        with pytest.raises(CryptoError):
            crypto.record_ad(kind, loc)


def test_tampering_and_misbinding_fail():
    key = crypto.new_case_key()
    blob = crypto.seal_record(key, "report", LOC, RECORD)
    for i in (0, 30, len(blob) - 1):  # nonce, ciphertext, tag
        flipped = bytearray(blob)
        flipped[i] ^= 0x01
        with pytest.raises(CryptoError):
            crypto.open_record(key, "report", LOC, bytes(flipped))
    with pytest.raises(CryptoError):
        crypto.open_record(key, "report", OTHER_LOC, blob)  # moved to another case
    with pytest.raises(CryptoError):
        crypto.open_record(key, "message", LOC, blob)  # relabelled as another kind
    with pytest.raises(CryptoError):
        crypto.open_record(crypto.new_case_key(), "report", LOC, blob)  # wrong case key
    for short in (b"", blob[:39], blob[:-1]):
        with pytest.raises(CryptoError):
            crypto.open_record(key, "report", LOC, short)


def _seal_raw(key, kind, loc, payload):
    """Seal arbitrary bytes as the protocol would, bypassing the JSON step."""
    from crypto import records

    import nacl.bindings as s  # noqa: only to forge malformed-but-authentic records

    nonce = bytes(24)
    return nonce + s.crypto_aead_xchacha20poly1305_ietf_encrypt(payload, records.record_ad(kind, loc), nonce, key)


@pytest.mark.parametrize(
    "payload",
    [b"\x00" * PADDING_BLOCK, b'{"a":1}', b"[1,2]\x80" + b"\x00" * 1018, b"\xff\xfe\x80" + b"\x00" * 1021, b"not json\x80" + b"\x00" * 1015],
    ids=["bad-padding", "unpadded", "json-array", "not-utf8", "not-json"],
)
def test_authentic_but_malformed_records_are_refused(payload):
    key = crypto.new_case_key()
    with pytest.raises(CryptoError):
        crypto.open_record(key, "report", LOC, _seal_raw(key, "report", LOC, payload))


def test_bad_seal_inputs():
    key = crypto.new_case_key()
    with pytest.raises(CryptoError):
        crypto.seal_record(key[:31], "report", LOC, RECORD)
    with pytest.raises(CryptoError):
        crypto.seal_record(key, "report", LOC, ["not", "a", "dict"])
    with pytest.raises(CryptoError):
        crypto.seal_record(key, "report", LOC, {"x": object()})
    with pytest.raises(CryptoError):
        crypto.seal_record(key, "report", LOC, RECORD, nonce=b"short")


def test_a_record_that_cannot_be_utf8_is_a_crypto_error():
    import pytest
    from crypto import CryptoError, new_case_key, seal_record
    with pytest.raises(CryptoError):
        seal_record(new_case_key(), "message", "0" * 32, {"text": "\ud800"})


def test_check_record_accepts_every_sealed_size():
    key = crypto.new_case_key()
    for text in ("", "a" * 900, "a" * 2000):
        blob = crypto.seal_record(key, "message", LOC, {"t": text})
        assert crypto.check_record(blob) is blob
    for blocks in (1, 2, 50):  # the shape alone decides: the smallest and larger sizes
        assert crypto.check_record(b"x" * (24 + blocks * PADDING_BLOCK + 16))


@pytest.mark.parametrize("size", [0, 24 + 16, 24 + 16 + 1, 24 + PADDING_BLOCK + 15,
                                  24 + PADDING_BLOCK + 17, 24 + 2 * PADDING_BLOCK - 1 + 16])
def test_check_record_refuses_what_cannot_be_a_padded_record(size):
    with pytest.raises(CryptoError, match="not a sealed, padded record"):
        crypto.check_record(b"x" * size)


def test_check_record_refuses_other_types():
    for value in ("x" * (24 + PADDING_BLOCK + 16), bytearray(24 + PADDING_BLOCK + 16), None):
        with pytest.raises(CryptoError, match="must be bytes"):
            crypto.check_record(value)
