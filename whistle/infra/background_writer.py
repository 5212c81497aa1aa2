"""Writes buffers to a file in a thread of its own (the encrypted backup's frames, a restored
body), so the disk works while the caller encrypts or decrypts the next one. Machinery with no
rules: crypto.BackupWriter takes it as its `out`."""
from __future__ import annotations

import os
import queue
import stat
import threading
from typing import BinaryIO

# fdatasync after each this many bytes of a regular file, so its last fsync has little left.
SYNC_EVERY = 64 * 1024 * 1024


class BackgroundWriter:
    """Writes buffers to a file object in a thread of its own, in order, so the disk works while
    the caller encrypts or decrypts the next frame (libsodium and file writes release the GIL).
    At most `depth` buffers wait; `put` blocks beyond that, so memory stays flat. A buffer handed
    to `put` must not change until `on_written` is called for it. With `sync_every`, the thread
    also calls fdatasync after each that many bytes, so a large file's last fsync does not have
    all of it still to write. The first error of the thread is raised by the next `put` or by
    `close`; once it failed, the rest is dropped."""

    def __init__(self, sink: BinaryIO, depth: int = 4, sync_every: int = 0):
        self._sink = sink
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._sync_every = sync_every
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="backup-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        unsynced = 0
        while True:
            item = self._queue.get()
            if item is None:
                return
            data, on_written = item
            if self._error is None:
                try:
                    self._sink.write(data)
                    unsynced += len(data)
                    if self._sync_every and unsynced >= self._sync_every:
                        self._sink.flush()
                        os.fdatasync(self._sink.fileno())
                        unsynced = 0
                except BaseException as exc:  # noqa: BLE001  # handed to the caller's thread
                    self._error = exc
            if on_written is not None:
                on_written(data)

    def put(self, data, on_written=None) -> None:
        if self._error is not None:
            raise self._error
        if self._closed:
            raise RuntimeError("backup writer already closed")
        self._queue.put((data, on_written))

    def close(self) -> None:
        """Wait until every buffer is written; raise the thread's error if it had one."""
        if not self._closed:
            self._closed = True
            self._queue.put(None)
            self._thread.join()
        if self._error is not None:
            raise self._error


def sync_step(sink: BinaryIO) -> int:
    """fdatasync every 64 MiB when the sink is a regular file; nothing for anything else."""
    try:
        return SYNC_EVERY if stat.S_ISREG(os.fstat(sink.fileno()).st_mode) else 0
    except (AttributeError, OSError, ValueError):
        return 0
