"""The child process that removes metadata from one file (whistle.infra.metadata_sandbox starts
it; never run by hand). Decoding an image or PDF a stranger sent is the riskiest thing the
server does with plaintext: here it happens in a process of its own, under limits it sets on
itself before it reads a byte:

- no core dump and no file written (RLIMIT_CORE, RLIMIT_FSIZE 0): a crash leaves no plaintext
  on disk;
- a lower priority (nice 10), so other pages keep their CPU while it decodes;
- CPU seconds (RLIMIT_CPU) and, once the file's charge is known, address space (RLIMIT_AS):
  a decoder that runs away is stopped by the kernel.

The exchange over stdin/stdout, every length a big-endian unsigned 64-bit integer:
    parent: length, file                     child: b"C" charge kind-byte   (or b"E" length message)
    parent: b"G" (go on; anything else ends it)
    child:  b"R" length outcome-json length cleaned-file   (or b"E" length message)
"""
from __future__ import annotations

import json
import os
import resource
import struct
import sys

CPU_SECONDS = 20
# The interpreter, Pillow and pypdf before any file: address space, not memory used.
BASE_ADDRESS_SPACE = 384 * 1024 * 1024
# Decoding takes the pixels about three times over (decoded, copied without metadata, turned).
ADDRESS_SPACE_FACTOR = 3


def _limit(which: int, value: int) -> None:
    resource.setrlimit(which, (value, value))


def _read_exact(stream, n: int) -> bytes:
    data = stream.read(n)
    if len(data) != n:
        raise SystemExit(3)
    return data


def _send(out, tag: bytes, *parts: bytes) -> None:
    out.write(tag + b"".join(struct.pack(">Q", len(p)) + p for p in parts))
    out.flush()


def main() -> int:
    os.nice(10)  # decoding yields the CPU to the pages other people are loading
    _limit(resource.RLIMIT_CORE, 0)
    _limit(resource.RLIMIT_FSIZE, 0)
    _limit(resource.RLIMIT_CPU, CPU_SECONDS)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    from PIL import Image

    from whistle.infra import metadata
    Image.MAX_IMAGE_PIXELS = None  # the charge below decides, from the header, before decoding
    (size,) = struct.unpack(">Q", _read_exact(stdin, 8))
    data = _read_exact(stdin, size)
    try:
        charge, kind = metadata.decode_charge(data)
    except metadata.Unreadable as exc:
        _send(stdout, b"E", str(exc).encode())
        return 0
    stdout.write(b"C" + struct.pack(">Q", charge) + (b"p" if kind == metadata.PDF else b"i"))
    stdout.flush()
    if stdin.read(1) != b"G":
        return 0
    _limit(resource.RLIMIT_AS, BASE_ADDRESS_SPACE + ADDRESS_SPACE_FACTOR * charge)
    try:
        cleaned, outcome = metadata.clean_here(data)
    except metadata.Unreadable as exc:
        _send(stdout, b"E", str(exc).encode())
        return 0
    del data
    _send(stdout, b"R", json.dumps({"status": outcome.status, "kind": outcome.kind,
                                    "removed": list(outcome.removed)}).encode(), cleaned)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
