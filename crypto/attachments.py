"""Attachments: crypto_secretstream_xchacha20poly1305 with a fresh key per file.

Body = header(24) || chunks. Every chunk holds exactly CHUNK_SIZE plaintext
bytes except the last, which holds 1..CHUNK_SIZE bytes (0 only for an empty
file) and is the only chunk tagged FINAL. The FINAL tag is what makes
truncation detectable, so the encryptor holds back one chunk until it knows
whether more data follows. Memory stays O(CHUNK_SIZE) in both directions.
"""

from collections.abc import Iterable, Iterator

import nacl.bindings as sodium
import nacl.exceptions
import nacl.utils

from .errors import CryptoError

CHUNK_SIZE = 65536
_ABYTES = sodium.crypto_secretstream_xchacha20poly1305_ABYTES  # 17
ENCRYPTED_CHUNK_SIZE = CHUNK_SIZE + _ABYTES
HEADER_SIZE = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES  # 24
KEY_SIZE = sodium.crypto_secretstream_xchacha20poly1305_KEYBYTES  # 32
_TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
_TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL


def _check_key(file_key: bytes) -> None:
    if not isinstance(file_key, bytes) or len(file_key) != KEY_SIZE:
        raise CryptoError(f"file key must be {KEY_SIZE} bytes")


def new_file_key() -> bytes:
    return nacl.utils.random(KEY_SIZE)


def encrypted_size(plain_size: int) -> int:
    if not isinstance(plain_size, int) or plain_size < 0:
        raise CryptoError("plaintext size must be a non-negative integer")
    chunks = max(1, -(-plain_size // CHUNK_SIZE))
    return HEADER_SIZE + plain_size + chunks * _ABYTES


class AttachmentEncryptor:
    def __init__(self, file_key: bytes):
        _check_key(file_key)
        self._state = sodium.crypto_secretstream_xchacha20poly1305_state()
        self.header = sodium.crypto_secretstream_xchacha20poly1305_init_push(self._state, file_key)
        self._buffer = bytearray()
        self._finished = False

    def _push(self, plain: bytes, tag: int) -> bytes:
        return sodium.crypto_secretstream_xchacha20poly1305_push(self._state, plain, None, tag)

    def update(self, data: bytes) -> bytes:
        if self._finished:
            raise CryptoError("attachment encryptor already finished")
        self._buffer += data
        out = bytearray()
        # Strictly more than one chunk buffered: only then is this chunk not the last.
        while len(self._buffer) > CHUNK_SIZE:
            out += self._push(bytes(self._buffer[:CHUNK_SIZE]), _TAG_MESSAGE)
            del self._buffer[:CHUNK_SIZE]
        return bytes(out)

    def finish(self) -> bytes:
        if self._finished:
            raise CryptoError("attachment encryptor already finished")
        self._finished = True
        last = self._push(bytes(self._buffer), _TAG_FINAL)
        self._buffer.clear()
        return last


def encrypt_stream(file_key: bytes, chunks: Iterable[bytes]) -> Iterator[bytes]:
    encryptor = AttachmentEncryptor(file_key)
    yield encryptor.header
    for data in chunks:
        out = encryptor.update(data)
        if out:
            yield out
    yield encryptor.finish()


class AttachmentDecryptor:
    """Incremental decryption of an attachment body (after its header).

    update() returns the plaintext of every chunk as soon as it is
    authenticated. Non-final chunks are always ENCRYPTED_CHUNK_SIZE bytes, so a
    shorter tail can only be the FINAL chunk: update() tries to open it, and
    keeps buffering if it does not authenticate yet. That is safe because
    libsodium checks the MAC before it changes the stream state (pinned by a
    test). Each probe costs one Poly1305 pass over the buffered tail, so feed
    slices of a few KiB or more; decrypt_stream probes only once, at the end.
    The file is complete only once finish() returned without raising.
    """

    def __init__(self, file_key: bytes, header: bytes):
        _check_key(file_key)
        if not isinstance(header, bytes) or len(header) != HEADER_SIZE:
            raise CryptoError(f"attachment header must be {HEADER_SIZE} bytes")
        self._state = sodium.crypto_secretstream_xchacha20poly1305_state()
        try:
            sodium.crypto_secretstream_xchacha20poly1305_init_pull(self._state, header, file_key)
        except nacl.exceptions.CryptoError as exc:
            raise CryptoError("attachment header is invalid") from exc
        self._buffer = bytearray()
        self._final_seen = False
        self._failed = False

    def _fail(self, message: str) -> CryptoError:
        self._failed = True
        return CryptoError(message)

    def _try_pull(self, chunk: bytes) -> tuple[bytes, int] | None:
        try:
            return sodium.crypto_secretstream_xchacha20poly1305_pull(self._state, chunk, None)
        except nacl.exceptions.CryptoError:
            return None

    def _accept(self, tag: int) -> None:
        if tag == _TAG_FINAL:
            self._final_seen = True
        elif tag != _TAG_MESSAGE:
            # We never write PUSH or REKEY tags; anything else is not ours.
            raise self._fail("attachment chunk has an unexpected tag")

    def update(self, data: bytes) -> bytes:
        return self._update(data, probe_tail=True)

    def finish(self) -> None:
        if self._failed:
            raise CryptoError("attachment decryption already failed")
        # A damaged short last chunk also ends up here: it never authenticated.
        if not self._final_seen or self._buffer:
            raise self._fail("truncated")

    def _update(self, data: bytes, probe_tail: bool) -> bytes:
        if self._failed:
            raise CryptoError("attachment decryption already failed")
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise CryptoError("attachment data must be bytes")
        if self._final_seen:
            if data:
                raise self._fail("data after the final attachment chunk")
            return b""
        self._buffer += data
        out = bytearray()
        while len(self._buffer) >= ENCRYPTED_CHUNK_SIZE and not self._final_seen:
            pulled = self._try_pull(bytes(self._buffer[:ENCRYPTED_CHUNK_SIZE]))
            if pulled is None:
                raise self._fail(
                    "attachment chunk failed authentication: tampered, reordered or wrong key"
                )
            del self._buffer[:ENCRYPTED_CHUNK_SIZE]
            self._accept(pulled[1])
            out += pulled[0]
        if probe_tail:
            out += self._pull_tail()
        if self._final_seen and self._buffer:
            raise self._fail("data after the final attachment chunk")
        return bytes(out)

    def _pull_tail(self) -> bytes:
        # Costs one Poly1305 pass over the buffered tail; callers that know
        # where the input ends (decrypt_stream) probe only once, at the end.
        if self._final_seen or len(self._buffer) < _ABYTES:
            return b""
        pulled = self._try_pull(bytes(self._buffer))
        if pulled is None:
            return b""
        if pulled[1] != _TAG_FINAL:
            raise self._fail("short attachment chunk that is not the final one")
        self._buffer.clear()
        self._accept(pulled[1])
        return pulled[0]


def decrypt_stream(file_key: bytes, chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Yield plaintext as it is authenticated.

    The error for truncation or tampering can come after some plaintext was
    already yielded: callers must not treat the output as complete (show it,
    store it, hand it on as the file) until the iterator finished without
    raising.
    """
    header = bytearray()
    decryptor = None
    for data in chunks:
        if decryptor is None:
            need = HEADER_SIZE - len(header)
            header += data[:need]
            data = data[need:]
            if len(header) < HEADER_SIZE:
                continue
            decryptor = AttachmentDecryptor(file_key, bytes(header))
        out = decryptor._update(data, probe_tail=False)
        if out:
            yield out
    if decryptor is None:
        raise CryptoError("truncated")
    last = decryptor._pull_tail()
    if last:
        yield last
    decryptor.finish()
