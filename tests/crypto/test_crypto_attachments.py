import os

import pytest

import crypto
from crypto import CHUNK_SIZE, ENCRYPTED_CHUNK_SIZE, HEADER_SIZE, CryptoError

SIZES = [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE, 3 * CHUNK_SIZE + 5]


def pieces(data: bytes, size: int):
    return [data[i : i + size] for i in range(0, len(data), size)] or [b""]


def encrypt(key, plain, slice_size=CHUNK_SIZE):
    return b"".join(crypto.encrypt_stream(key, pieces(plain, slice_size)))


def decrypt(key, body, slice_size=10**9):
    return b"".join(crypto.decrypt_stream(key, pieces(body, slice_size)))


@pytest.mark.parametrize("size", SIZES)
def test_round_trip_and_size(size):
    key = crypto.new_file_key()
    plain = os.urandom(size)
    body = encrypt(key, plain)
    assert len(body) == crypto.encrypted_size(size)
    assert decrypt(key, body) == plain


@pytest.mark.parametrize("size", SIZES)
def test_object_api_with_odd_slices(size):
    key = crypto.new_file_key()
    plain = os.urandom(size)
    enc = crypto.AttachmentEncryptor(key)
    body = enc.header + b"".join(enc.update(p) for p in pieces(plain, 1000)) + enc.finish()
    assert len(body) == crypto.encrypted_size(size)
    dec = crypto.AttachmentDecryptor(key, body[:HEADER_SIZE])
    out = b"".join(dec.update(p) for p in pieces(body[HEADER_SIZE:], 4096))
    dec.finish()
    assert out == plain


def test_encrypted_size_rule():
    assert crypto.encrypted_size(0) == HEADER_SIZE + 17
    assert crypto.encrypted_size(CHUNK_SIZE) == HEADER_SIZE + ENCRYPTED_CHUNK_SIZE
    assert crypto.encrypted_size(CHUNK_SIZE + 1) == HEADER_SIZE + ENCRYPTED_CHUNK_SIZE + 18
    with pytest.raises(CryptoError):
        crypto.encrypted_size(-1)


def test_odd_slices_rechunk_identically():
    key = crypto.new_file_key()
    plain = os.urandom(3 * CHUNK_SIZE + 123)
    body = encrypt(key, plain, 1000)
    assert len(body) == crypto.encrypted_size(len(plain))
    for slice_size in (1000, 7, ENCRYPTED_CHUNK_SIZE, ENCRYPTED_CHUNK_SIZE + 1, 10**9):
        assert decrypt(key, body, slice_size) == plain
    # empty input pieces are harmless
    assert decrypt(key, b"".join(crypto.encrypt_stream(key, [b"", plain[:5], b"", plain[5:]]))) == plain


def test_encryptor_decryptor_objects():
    key = crypto.new_file_key()
    plain = os.urandom(2 * CHUNK_SIZE + 10)
    enc = crypto.AttachmentEncryptor(key)
    assert len(enc.header) == HEADER_SIZE
    first = enc.update(plain[:CHUNK_SIZE])
    assert first == b""  # held back: it might be the last chunk
    second = enc.update(plain[CHUNK_SIZE:])
    assert len(second) == 2 * ENCRYPTED_CHUNK_SIZE  # both full chunks are followed by more data
    last = enc.finish()
    assert len(last) == 10 + 17
    with pytest.raises(CryptoError):
        enc.update(b"more")
    with pytest.raises(CryptoError):
        enc.finish()
    dec = crypto.AttachmentDecryptor(key, enc.header)
    out = dec.update(second) + dec.update(last)
    dec.finish()
    assert out == plain


def _chunks(body):
    rest = body[HEADER_SIZE:]
    return body[:HEADER_SIZE], [rest[i : i + ENCRYPTED_CHUNK_SIZE] for i in range(0, len(rest), ENCRYPTED_CHUNK_SIZE)]


def _fails(key, body):
    with pytest.raises(CryptoError):
        decrypt(key, body)


def test_tampering_is_detected():
    key = crypto.new_file_key()
    body = encrypt(key, os.urandom(3 * CHUNK_SIZE + 100))
    header, chunks = _chunks(body)
    assert len(chunks) == 4
    for pos in (0, HEADER_SIZE + 5, HEADER_SIZE + ENCRYPTED_CHUNK_SIZE + 99, len(body) - 1):
        flipped = bytearray(body)
        flipped[pos] ^= 1
        _fails(key, bytes(flipped))
    _fails(crypto.new_file_key(), body)  # wrong key
    _fails(key, header + chunks[1] + chunks[0] + chunks[2] + chunks[3])  # reordered
    _fails(key, header + chunks[0] + chunks[2] + chunks[3])  # chunk dropped
    _fails(key, header + b"".join(chunks[:3]))  # final chunk dropped
    _fails(key, body[:-1])  # truncated inside the final chunk
    _fails(key, body + b"x")  # data after FINAL
    _fails(key, body + chunks[3])  # final chunk replayed
    _fails(key, header[:10])  # no complete header
    _fails(key, b"")
    # body of another file with the same key
    _fails(key, header + _chunks(encrypt(key, os.urandom(CHUNK_SIZE + 100)))[1][1])


def test_truncation_at_full_chunk_boundary_of_an_exact_multiple():
    key = crypto.new_file_key()
    body = encrypt(key, os.urandom(2 * CHUNK_SIZE))
    header, chunks = _chunks(body)
    assert len(chunks) == 2 and all(len(c) == ENCRYPTED_CHUNK_SIZE for c in chunks)
    _fails(key, header + chunks[0])
    assert decrypt(key, body) == decrypt(key, body, 1000)


def test_decryptor_errors_after_plaintext_was_returned():
    key = crypto.new_file_key()
    plain = os.urandom(2 * CHUNK_SIZE + 1)
    body = encrypt(key, plain)
    header, chunks = _chunks(body)
    dec = crypto.AttachmentDecryptor(key, header)
    assert dec.update(chunks[0] + chunks[1]) == plain[: 2 * CHUNK_SIZE]
    with pytest.raises(CryptoError, match="truncated"):
        dec.finish()
    dec = crypto.AttachmentDecryptor(key, header)
    dec.update(b"".join(chunks))
    with pytest.raises(CryptoError):
        dec.update(b"\x00")
    with pytest.raises(CryptoError):
        dec.finish()  # a decryptor that failed stays failed


def test_failed_trial_pull_leaves_stream_state_intact():
    # The decryptor relies on libsodium checking the MAC before it changes
    # the stream state; a partial final chunk must not poison the stream.
    key = crypto.new_file_key()
    plain = os.urandom(CHUNK_SIZE + 300)
    body = encrypt(key, plain)
    dec = crypto.AttachmentDecryptor(key, body[:HEADER_SIZE])
    start = HEADER_SIZE + ENCRYPTED_CHUNK_SIZE - 50  # last bytes of chunk 1, then the tail, byte by byte
    out = dec.update(body[HEADER_SIZE:start])
    out += b"".join(dec.update(body[i : i + 1]) for i in range(start, len(body)))
    dec.finish()
    assert out == plain


def test_bad_key_and_header():
    with pytest.raises(CryptoError):
        crypto.AttachmentEncryptor(b"k" * 31)
    with pytest.raises(CryptoError):
        crypto.AttachmentDecryptor(crypto.new_file_key(), b"h" * 23)
