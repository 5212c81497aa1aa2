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

import queue
import struct
from collections.abc import Iterator
from typing import BinaryIO

import nacl.bindings as sodium
import nacl.utils
# PyNaCl's own cffi module, which its bindings call: the same libsodium, here with buffers the
# caller owns, so no frame is copied on its way in or out (and the call releases the GIL).
from nacl._sodium import ffi, lib

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
_MIN_BUFFER = 1024 * 1024 + 64  # a frame buffer holds at least a 1 MiB message, so most are reused
_TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
_TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL

WRONG_PASSPHRASE = "wrong backup passphrase, or the file's header was altered"  # nosec B105  # a message
ALTERED = "the backup file was altered or damaged"
TRUNCATED = "the backup file is truncated"


def _passphrase_bytes(passphrase: str) -> bytes:
    if not isinstance(passphrase, str) or not passphrase:
        raise CryptoError("backup passphrase must be a non-empty string")
    return passphrase.encode("utf-8")


class DirectWriter:
    """Writes each frame at once, in the caller's thread: what a BackupWriter uses unless it is
    given another writer (whistle.infra.background_writer writes in a thread of its own)."""

    def __init__(self, sink: BinaryIO):
        self._sink = sink

    def put(self, data, on_written=None) -> None:
        self._sink.write(data)
        if on_written is not None:
            on_written(data)

    def close(self) -> None:
        self._sink.flush()


class BackupWriter:
    """Writes the header at once, then one frame per message; finish() writes the last one.

    Each message is encrypted straight from the caller's buffer (bytes, bytearray or a
    contiguous memoryview, which may be reused as soon as `write` returns) into one of a few
    frame buffers, and handed to `out`, which may write it in a thread of its own while the next
    one is encrypted (crypto itself does no I/O but the sink's write). Use it as a context
    manager (or call close()) so such a thread ends also when the caller fails midway."""

    def __init__(self, sink: BinaryIO, passphrase: str, params: KdfParams, *, depth: int = 4, out=None):
        check_params(params)
        salt = nacl.utils.random(SALT_SIZE)
        key = argon2id(_passphrase_bytes(passphrase), salt, params)
        self._state = ffi.new("unsigned char[]", lib.crypto_secretstream_xchacha20poly1305_statebytes())
        ss_header = ffi.new("unsigned char[]", _SS_HEADER_SIZE)
        if lib.crypto_secretstream_xchacha20poly1305_init_push(self._state, ss_header, key) != 0:
            raise CryptoError("cannot start the backup stream")
        self._header = _PARAMS.pack(MAGIC, params.opslimit, params.memlimit) + salt + ffi.buffer(ss_header)[:]
        self._first = True
        self._finished = False
        sink.write(self._header)
        sink.flush()
        # Buffers go round: taken here, filled, written by the thread, handed back.
        self._free: queue.Queue = queue.Queue()
        self._depth = depth
        self._made = 0
        # `out` writes the frames (put(data, on_written), close()): the caller's thread-backed
        # writer (whistle.infra.background_writer), or straight into the sink.
        self._out = out if out is not None else DirectWriter(sink)

    def __enter__(self) -> "BackupWriter":
        return self

    def __exit__(self, exc_type, *_exc) -> None:
        try:
            self.close()
        except BaseException:
            if exc_type is None:
                raise
            # else the caller's own error is the one that matters

    def _buffer(self, size: int) -> bytearray:
        while True:
            if self._made < self._depth + 1 and self._free.empty():
                self._made += 1
                return bytearray(max(size, _MIN_BUFFER))
            buf = self._free.get()
            if len(buf) >= size:
                return buf
            self._made -= 1  # too small for this message: let it go, make a larger one

    def _push(self, message, tag: int) -> None:
        if self._finished:
            raise CryptoError("backup writer already finished")
        if not isinstance(message, (bytes, bytearray, memoryview)) or len(message) > MAX_MESSAGE:
            raise CryptoError(f"a backup message must be bytes of at most {MAX_MESSAGE}")
        length = len(message) + _ABYTES
        buf = self._buffer(_LENGTH.size + length)
        _LENGTH.pack_into(buf, 0, length)
        ad = self._header if self._first else ffi.NULL
        rc = lib.crypto_secretstream_xchacha20poly1305_push(
            self._state, ffi.from_buffer("unsigned char[]", buf, require_writable=True) + _LENGTH.size,
            ffi.NULL, ffi.from_buffer(message), len(message), ad, len(self._header) if self._first else 0, tag)
        if rc != 0:
            raise CryptoError("cannot encrypt a backup message")
        self._first = False
        self._out.put(memoryview(buf)[:_LENGTH.size + length], self._give_back(buf))

    def _give_back(self, buf: bytearray):
        return lambda _view: self._free.put(buf)

    def write(self, message) -> None:
        self._push(message, _TAG_MESSAGE)

    def finish(self, message) -> None:
        """The last message; returns once every frame is written to the sink."""
        self._push(message, _TAG_FINAL)
        self._finished = True
        self._out.close()

    def close(self) -> None:
        """End the writer thread (after an error, dropping what was not written yet)."""
        self._finished = True
        self._out.close()


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


def read_backup(source: BinaryIO, passphrase: str) -> Iterator[bytearray]:
    """Yield the messages as each is authenticated (each a new bytearray the caller may keep).
    The iterator raises CryptoError on a wrong passphrase, any altered byte, reordered or
    dropped frames, truncation, or data after the last message; the content is only known
    complete once it ended without raising."""
    header, params = read_header(source)
    salt = header[_PARAMS.size : _PARAMS.size + SALT_SIZE]
    key = argon2id(_passphrase_bytes(passphrase), salt, params)
    state = ffi.new("unsigned char[]", lib.crypto_secretstream_xchacha20poly1305_statebytes())
    if lib.crypto_secretstream_xchacha20poly1305_init_pull(state, header[-_SS_HEADER_SIZE:], key) != 0:
        raise CryptoError(ALTERED)
    tag = ffi.new("unsigned char *")
    frame = bytearray(_MIN_BUFFER)
    first = True
    while True:
        raw_length = source.read(_LENGTH.size)
        if len(raw_length) < _LENGTH.size:
            raise CryptoError(TRUNCATED)
        (length,) = _LENGTH.unpack(raw_length)
        if not _ABYTES <= length <= MAX_MESSAGE + _ABYTES:
            raise CryptoError(WRONG_PASSPHRASE if first else ALTERED)
        if len(frame) < length:
            frame = bytearray(length)
        view = memoryview(frame)[:length]
        if _read_into(source, view) != length:
            raise CryptoError(TRUNCATED)
        message = bytearray(length - _ABYTES)
        rc = lib.crypto_secretstream_xchacha20poly1305_pull(
            state, ffi.from_buffer("unsigned char[]", message, require_writable=True), ffi.NULL, tag,
            ffi.from_buffer(view), length, header if first else ffi.NULL, len(header) if first else 0)
        if rc != 0:
            # The first frame is where a wrong key shows; later ones can only be damage.
            raise CryptoError(WRONG_PASSPHRASE if first else ALTERED)
        first = False
        if tag[0] not in (_TAG_MESSAGE, _TAG_FINAL):
            raise CryptoError(ALTERED)
        if tag[0] == _TAG_FINAL:
            # Checked before the last message is handed out, as callers act on that one.
            if source.read(1):
                raise CryptoError("data after the end of the backup file")
            yield message
            return
        yield message


def _read_into(source: BinaryIO, view: memoryview) -> int:
    """Fill `view` from `source` (a short read is not the end of a file); the bytes read."""
    done = 0
    while done < len(view):
        got = source.readinto(view[done:]) if hasattr(source, "readinto") else None
        if got is None:
            chunk = source.read(len(view) - done)
            view[done:done + len(chunk)] = chunk
            got = len(chunk)
        if not got:
            break
        done += got
    return done
