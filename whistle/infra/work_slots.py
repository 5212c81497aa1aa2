"""Slots for the heavy work a request may do: server-side Argon2id (the no-JavaScript melder
path, staff login: about 150 ms of CPU and 64 MiB each) and decoding an image or PDF to clean
its metadata (a 12-megapixel photo: about 130 MiB). More of these at once than there are cores
buys no throughput, only memory: with 8 threads, 8 x 64 MiB or more. A slot per core keeps the
rate and caps the memory (bench/submissions.py, bench/attachments.py, docs/performance.md)."""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from typing import Iterator


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


SLOTS = max(1, _cores())
_slots = threading.BoundedSemaphore(SLOTS)


@contextmanager
def cpu_slot() -> Iterator[None]:
    with _slots:
        yield


class DecodeBusy(Exception):
    """The decode memory did not come free in time."""


class _Budget:
    """Bytes of memory handed out to decoding children (whistle.infra.metadata_sandbox), each
    charged by what it will decode before it decodes: the children together stay within the
    budget, and a large charge waits its turn instead of adding to the others."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.used = 0
        self._cond = threading.Condition()

    @contextmanager
    def reserve(self, nbytes: int, timeout: float) -> Iterator[None]:
        nbytes = min(nbytes, self.total)  # a charge above the whole is refused by the caller
        with self._cond:
            if not self._cond.wait_for(lambda: self.used + nbytes <= self.total, timeout):
                raise DecodeBusy()
            self.used += nbytes
        try:
            yield
        finally:
            with self._cond:
                self.used -= nbytes
                self._cond.notify_all()


# The children decoding images or PDFs, per server process: at most DECODE_CHILDREN alive (each
# about 35 MiB before it decodes), and what they decode within DECODE_MEMORY together
# (docs/performance.md: eight image bombs in parallel stay within 512 MiB above idle).
DECODE_CHILDREN = 4
DECODE_MEMORY = 360 * 1024 * 1024  # 2.5 x the largest charge: one 50 MP photo, or one 80 MP bomb at a time
decode_children = threading.BoundedSemaphore(DECODE_CHILDREN)
decode_memory = _Budget(DECODE_MEMORY)
