"""Cleaning a melder's file in a child process (whistle.infra.metadata_child) under CPU,
memory and wall-time limits, charged by what it will decode before it decodes (issue 11:
a 321 KB PNG of 80 megapixels cost 615 MiB in the server's own process).

1. The child reads the file's header and reports its charge: the bytes its pixels decode to
   (an image) or a multiple of its size (a PDF). Above metadata.MAX_DECODE_BYTES it is refused.
2. At most work_slots.DECODE_CHILDREN children live at once (each waits for a place, at most
   DECODE_WAIT seconds). The charge, times what decoding takes over, is reserved from the
   server's decode memory (work_slots.decode_memory): children together decode within it; a
   large file waits its turn, at most DECODE_WAIT seconds, then is refused.
3. With a CPU slot, the child decodes under its own RLIMIT_AS and RLIMIT_CPU; the parent kills
   it past WALL_SECONDS. A child that dies or is killed means the file is refused.

A refusal raises metadata.Refused with a Dutch clause; a damaged file metadata.Unreadable. The
plaintext travels over pipes only: the child may not write a file and dumps no core."""
from __future__ import annotations

import json
import os
import selectors
import struct
import subprocess  # nosec B404  # our own child, a fixed argument list
import sys
import time
from pathlib import Path

from whistle.infra import metadata
from whistle.infra.work_slots import DecodeBusy, cpu_slot, decode_children, decode_memory

WALL_SECONDS = 60.0       # from the header to the answer, and again for the decoding; RLIMIT_CPU bounds the work
DECODE_WAIT = 60.0        # for the decode memory to come free
DECODE_OVERHEAD = 2.5     # resident memory per byte of charge while decoding and saving
_ROOT = str(Path(metadata.__file__).resolve().parents[2])

TOO_COSTLY = "de afbeelding is te groot om veilig te openen ({mp} megapixel; wij openen er tot {max_mp})"
PDF_TOO_COSTLY = "het document is te groot om veilig te openen"
OVER_LIMITS = "het openen kostte meer tijd of geheugen dan wij ervoor hebben"
BUSY = "de server is nu te druk om het bestand op te schonen; probeer het over een paar minuten opnieuw"


def clean(data: bytes) -> tuple[bytes, metadata.Outcome]:
    """As metadata.clean, in a child process under limits. Raises metadata.Refused or
    metadata.Unreadable; returns the data unchanged (UNSUPPORTED) for a kind we do not clean."""
    if not metadata.cleanable(data[:metadata.SNIFF_BYTES]):
        return data, metadata.Outcome(metadata.UNSUPPORTED, metadata.OTHER)
    if not decode_children.acquire(timeout=DECODE_WAIT):
        raise metadata.Refused(BUSY)
    try:
        return _clean_in_child(data)
    finally:
        decode_children.release()


def _clean_in_child(data: bytes) -> tuple[bytes, metadata.Outcome]:
    child = _Child()
    try:
        charge, kind = child.start(data)
        if charge > metadata.MAX_DECODE_BYTES:
            raise metadata.Refused(_too_costly(charge, kind))
        try:
            with decode_memory.reserve(memory_for(charge), DECODE_WAIT), cpu_slot():
                return child.run()
        except DecodeBusy:
            raise metadata.Refused(BUSY) from None
    finally:
        child.close()


def memory_for(charge: int) -> int:
    return int(DECODE_OVERHEAD * charge)


def _too_costly(charge: int, kind: str) -> str:
    if kind == metadata.PDF:
        return PDF_TOO_COSTLY
    return TOO_COSTLY.format(mp=max(1, charge // 1_000_000), max_mp=metadata.MAX_DECODE_BYTES // 3_000_000)


class _Child:
    def __init__(self) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (_ROOT, os.environ.get("PYTHONPATH")) if p)}
        self.proc = subprocess.Popen(  # nosec B603  # our own child module; no input reaches the arguments
            [sys.executable, "-m", "whistle.infra.metadata_child"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, close_fds=True)
        self.deadline = time.monotonic() + WALL_SECONDS
        self._selector = selectors.DefaultSelector()
        self._selector.register(self.proc.stdout, selectors.EVENT_READ)

    def start(self, data: bytes) -> tuple[int, str]:
        try:
            self.proc.stdin.write(struct.pack(">Q", len(data)) + data)
            self.proc.stdin.flush()
        except OSError:
            raise metadata.Refused(OVER_LIMITS) from None
        tag = self._read(1)
        if tag == b"E":
            raise metadata.Unreadable(self._read_part().decode(errors="replace"))
        if tag != b"C":
            raise metadata.Refused(OVER_LIMITS)
        (charge,) = struct.unpack(">Q", self._read(8))
        return charge, metadata.PDF if self._read(1) == b"p" else metadata.IMAGE

    def run(self) -> tuple[bytes, metadata.Outcome]:
        # The wall time runs from here for the decoding itself: waiting for memory is not its cost.
        self.deadline = time.monotonic() + WALL_SECONDS
        try:
            self.proc.stdin.write(b"G")
            self.proc.stdin.close()
        except OSError:
            raise metadata.Refused(OVER_LIMITS) from None
        tag = self._read(1)
        if tag == b"E":
            raise metadata.Unreadable(self._read_part().decode(errors="replace"))
        if tag != b"R":
            raise metadata.Refused(OVER_LIMITS)
        outcome = json.loads(self._read_part())
        cleaned = self._read_part()
        return cleaned, metadata.Outcome(outcome["status"], outcome["kind"], tuple(outcome["removed"]))

    def _read_part(self) -> bytes:
        (n,) = struct.unpack(">Q", self._read(8))
        return self._read(n)

    def _read(self, n: int) -> bytes:
        """n bytes from the child before the deadline; Refused when it ends or runs out of time."""
        fd = self.proc.stdout.fileno()
        parts, got = [], 0
        while got < n:
            left = self.deadline - time.monotonic()
            if left <= 0 or not self._selector.select(left):
                raise metadata.Refused(OVER_LIMITS)
            chunk = os.read(fd, min(n - got, 1024 * 1024))
            if not chunk:
                raise metadata.Refused(OVER_LIMITS)  # the child died: a limit, or the decoder
            parts.append(chunk)
            got += len(chunk)
        return b"".join(parts)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._selector.close()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
