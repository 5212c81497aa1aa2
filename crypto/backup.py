"""Backup files: a sequence of messages under a key derived from a backup passphrase.

File layout (integers big-endian):

    offset  size  field
    0       4     magic b"WBK1"
    4       4     opslimit (u32)
    8       8     memlimit (u64)
    16      16    Argon2id salt
    32      24    crypto_secretstream_xchacha20poly1305 header
    56      ...   frames: length (u32) || secretstream ciphertext of one message

key = crypto_pwhash Argon2id13, 32 bytes, of the passphrase (UTF-8) with the salt and
limits above. The first message carries the whole 56-byte file header as associated data,
so every byte of the file is authenticated; the last message, and only it, is tagged FINAL,
so a truncated file is refused. The frame lengths are not authenticated on their own: a
changed length cuts a message in the wrong place and its MAC then fails.

What the messages mean is the caller's business (whistle.services.operations.backup); this module only
guarantees that the reader yields exactly the writer's messages, in order, or raises.
"""

import struct
from collections.abc import Iterator
from typing import BinaryIO

import nacl.bindings as sodium
import nacl.exceptions
import nacl.utils

from .errors import CryptoError
from .kdf import SALT_SIZE, KdfParams, argon2id, check_params

MAGIC = b"WBK1"
_PARAMS = struct.Struct(">4sIQ")
_LENGTH = struct.Struct(">I")
_SS_HEADER_SIZE = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES  # 24
_ABYTES = sodium.crypto_secretstream_xchacha20poly1305_ABYTES  # 17
HEADER_SIZE = _PARAMS.size + SALT_SIZE + _SS_HEADER_SIZE  # 56
# Bounds what a damaged or hostile length field can make the reader allocate.
MAX_MESSAGE = 8 * 1024 * 1024
_TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
_TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL

WRONG_PASSPHRASE = "wrong backup passphrase, or the file's header was altered"  # nosec B105  # a message
ALTERED = "the backup file was altered or damaged"
TRUNCATED = "the backup file is truncated"


def _passphrase_bytes(passphrase: str) -> bytes:
    if not isinstance(passphrase, str) or not passphrase:
        raise CryptoError("backup passphrase must be a non-empty string")
    return passphrase.encode("utf-8")


class BackupWriter:
    """Writes the header at once, then one frame per message; finish() writes the last one."""

    def __init__(self, sink: BinaryIO, passphrase: str, params: KdfParams):
        check_params(params)
        salt = nacl.utils.random(SALT_SIZE)
        key = argon2id(_passphrase_bytes(passphrase), salt, params)
        self._state = sodium.crypto_secretstream_xchacha20poly1305_state()
        ss_header = sodium.crypto_secretstream_xchacha20poly1305_init_push(self._state, key)
        self._header = _PARAMS.pack(MAGIC, params.opslimit, params.memlimit) + salt + ss_header
        self._sink = sink
        self._first = True
        self._finished = False
        sink.write(self._header)

    def _push(self, message: bytes, tag: int) -> None:
        if self._finished:
            raise CryptoError("backup writer already finished")
        if not isinstance(message, (bytes, bytearray, memoryview)) or len(message) > MAX_MESSAGE:
            raise CryptoError(f"a backup message must be bytes of at most {MAX_MESSAGE}")
        ad = self._header if self._first else None
        self._first = False
        frame = sodium.crypto_secretstream_xchacha20poly1305_push(self._state, bytes(message), ad, tag)
        self._sink.write(_LENGTH.pack(len(frame)))
        self._sink.write(frame)

    def write(self, message: bytes) -> None:
        self._push(message, _TAG_MESSAGE)

    def finish(self, message: bytes) -> None:
        self._push(message, _TAG_FINAL)
        self._finished = True


def read_header(source: BinaryIO) -> tuple[bytes, KdfParams]:
    """The file header and its KDF limits; raises CryptoError when it is not a backup file."""
    header = source.read(HEADER_SIZE)
    if len(header) < HEADER_SIZE:
        raise CryptoError("not a Whistle backup file (too short)")
    magic, opslimit, memlimit = _PARAMS.unpack_from(header)
    if magic != MAGIC:
        raise CryptoError("not a Whistle backup file (unknown format)")
    try:
        params = check_params(KdfParams(opslimit=opslimit, memlimit=memlimit))
    except CryptoError:
        raise CryptoError("the backup file's header was altered (KDF limits out of range)") from None
    return header, params


def _read_exactly(source: BinaryIO, size: int) -> bytes:
    data = source.read(size)
    if len(data) != size:
        raise CryptoError(TRUNCATED)
    return data


def read_backup(source: BinaryIO, passphrase: str) -> Iterator[bytes]:
    """Yield the messages as each is authenticated. The iterator raises CryptoError on a
    wrong passphrase, any altered byte, reordered or dropped frames, truncation, or data after
    the last message; the content is only known complete once it ended without raising."""
    header, params = read_header(source)
    salt = header[_PARAMS.size : _PARAMS.size + SALT_SIZE]
    key = argon2id(_passphrase_bytes(passphrase), salt, params)
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    try:
        sodium.crypto_secretstream_xchacha20poly1305_init_pull(state, header[-_SS_HEADER_SIZE:], key)
    except nacl.exceptions.CryptoError as exc:
        raise CryptoError(ALTERED) from exc
    first = True
    while True:
        raw_length = source.read(_LENGTH.size)
        if len(raw_length) < _LENGTH.size:
            raise CryptoError(TRUNCATED)
        (length,) = _LENGTH.unpack(raw_length)
        if not _ABYTES <= length <= MAX_MESSAGE + _ABYTES:
            raise CryptoError(WRONG_PASSPHRASE if first else ALTERED)
        frame = _read_exactly(source, length)
        try:
            message, tag = sodium.crypto_secretstream_xchacha20poly1305_pull(
                state, frame, header if first else None)
        except nacl.exceptions.CryptoError:
            # The first frame is where a wrong key shows; later ones can only be damage.
            raise CryptoError(WRONG_PASSPHRASE if first else ALTERED) from None
        first = False
        if tag not in (_TAG_MESSAGE, _TAG_FINAL):
            raise CryptoError(ALTERED)
        if tag == _TAG_FINAL:
            # Checked before the last message is handed out, as callers act on that one.
            if source.read(1):
                raise CryptoError("data after the end of the backup file")
            yield message
            return
        yield message
