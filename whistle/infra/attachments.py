"""Encrypted attachment bodies on disk. A body is written to a temporary file in
`upload_dir` (never readable: it is ciphertext from the first byte), flushed to disk, and moved
into `attachments_dir` under its random id before the database row that makes it visible is
committed. A crash leaves at worst an orphan file no row points to, which `sweep_stale`
removes (at `whistle serve` start); a row never points to a missing or half-written file."""
from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from typing import BinaryIO, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

import crypto
from whistle.models import Attachment
from whistle.services.errors import InvalidInput, TooLarge

READ_SIZE = crypto.ENCRYPTED_CHUNK_SIZE


def new_attachment_id() -> str:
    return secrets.token_hex(16)


def _dirs(attachments_dir: Path) -> Path:
    incoming = attachments_dir / ".incoming"
    incoming.mkdir(parents=True, exist_ok=True, mode=0o700)
    for d in (attachments_dir, incoming):  # mkdir's mode passes through the umask
        if d.stat().st_mode & 0o077:
            d.chmod(0o700)
    return incoming


class EncryptedUpload:
    """A temporary file that receives ciphertext; `commit_to` moves it into place."""

    def __init__(self, attachments_dir: Path, limit: int) -> None:
        self.attachments_dir = attachments_dir
        self.limit = limit
        self.size = 0
        self.path = _dirs(attachments_dir) / (new_attachment_id() + ".part")
        self._fh: BinaryIO | None = os.fdopen(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")

    def write(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            self.discard()
            raise TooLarge("De bijlage is te groot.")
        assert self._fh is not None
        self._fh.write(data)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
            self._fh = None

    def commit_to(self, attachment_id: str) -> None:
        self.close()
        os.replace(self.path, self.attachments_dir / attachment_id)
        # The rename itself must reach the disk before the row that points to it commits;
        # otherwise a power cut could leave a committed row without its body.
        fsync_dir(self.attachments_dir)

    def discard(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        self.path.unlink(missing_ok=True)


def check_stream_shape(size: int) -> None:
    """A secretstream body is a 24-byte header and chunks of which only the last may be short;
    refuse anything else before it is stored (the server cannot decrypt to check more)."""
    body = size - crypto.HEADER_SIZE
    rest = body % crypto.ENCRYPTED_CHUNK_SIZE
    if body < 17 or (rest != 0 and rest < 17):
        raise InvalidInput("De bijlage is geen geldig versleuteld bestand.")


def receive_encrypted(attachments_dir: Path, stream: BinaryIO, limit: int) -> EncryptedUpload:
    """Copy a client-encrypted body to a temporary file in bounded memory."""
    upload = EncryptedUpload(attachments_dir, limit)
    try:
        while chunk := stream.read(READ_SIZE):
            upload.write(chunk)
        upload.close()
        check_stream_shape(upload.size)
    except BaseException:
        upload.discard()
        raise
    return upload


def open_body(attachments_dir: Path, attachment_id: str) -> Iterator[bytes]:
    with open(attachments_dir / attachment_id, "rb") as fh:
        while chunk := fh.read(READ_SIZE):
            yield chunk


def remove(attachments_dir: Path, attachment_id: str) -> None:
    (attachments_dir / attachment_id).unlink(missing_ok=True)


def fsync_dir(path: Path) -> None:
    """Make a rename or new file in `path` survive a power cut."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# Longer than any upload can sit between its last write and its commit: a stuck gunicorn
# worker is restarted after 2 minutes and a commit waits at most 30 seconds for SQLite's lock.
ORPHAN_GRACE_SECONDS = 15 * 60


def sweep_stale(session: Session, attachments_dir: Path, *, grace_seconds: float = ORPHAN_GRACE_SECONDS,
                now: float | None = None) -> int:
    """Remove what a crash left behind, safely while other workers run: half uploads in
    .incoming and bodies no row points to, each only once untouched for `grace_seconds`
    (a body is moved in just before its row commits; the rename sets its ctime). Returns the
    number of files removed."""
    now = time.time() if now is None else now
    incoming = _dirs(attachments_dir)
    stale_parts = [p for p in incoming.iterdir() if p.is_file() and now - p.stat().st_mtime > grace_seconds]
    bodies = {p.name: p for p in attachments_dir.iterdir()
              if p.is_file() and now - max(p.stat().st_mtime, p.stat().st_ctime) > grace_seconds}
    # Rows are read after the files were listed: a body committed in between is kept.
    known: set[str] = set()
    names = sorted(bodies)
    for i in range(0, len(names), 500):
        known.update(session.scalars(select(Attachment.id).where(Attachment.id.in_(names[i:i + 500]))))
    removed = 0
    for path in stale_parts + [p for name, p in bodies.items() if name not in known]:
        path.unlink(missing_ok=True)
        removed += 1
    return removed

