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
