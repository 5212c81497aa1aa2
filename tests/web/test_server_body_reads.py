"""whistle.web.server.large_body_reads: the application's small reads of a request body reach
gunicorn's body reader as reads of a MiB (bench/attachments.py found 64 KiB reads cost three
times the cipher's CPU), and never take a byte past the body, which on a keep-alive connection
is the next request. Uses gunicorn's own body and length readers over an in-memory source."""
from __future__ import annotations

import hashlib
import os

import pytest

from gunicorn.http.body import Body, LengthReader
from gunicorn.http.unreader import IterUnreader

from whistle.web.server import BODY_READ, large_body_reads

NEXT_REQUEST = b"GET /melder/zaak HTTP/1.1\r\nHost: x\r\n\r\n"


class CountingBody(Body):
    def __init__(self, reader) -> None:
        super().__init__(reader)
        self.asked: list[int] = []

    def read(self, size=None):
        self.asked.append(size)
        return super().read(size)


def gunicorn_body(payload: bytes, piece: int = 64 * 1024):
    """A body as gunicorn builds it, from a source that delivers the payload and then the next
    pipelined request in pieces, as a socket would."""
    wire = payload + NEXT_REQUEST
    unreader = IterUnreader(wire[i:i + piece] for i in range(0, len(wire), piece))
    return CountingBody(LengthReader(unreader, len(payload))), unreader


def run(app, body) -> list[bytes]:
    return list(large_body_reads(app)({"wsgi.input": body}, lambda *_a: None))


def test_small_reads_reach_gunicorn_as_reads_of_a_mib_and_stop_at_the_body():
    payload = os.urandom(3 * BODY_READ + 12345)
    body, unreader = gunicorn_body(payload)
    seen = hashlib.sha256()

    def app(environ, _start):
        while chunk := environ["wsgi.input"].read(64 * 1024):  # as Werkzeug's parser reads
            seen.update(chunk)
        return [b"ok"]

    assert run(app, body) == [b"ok"]
    assert seen.digest() == hashlib.sha256(payload).digest()
    # Without the buffer gunicorn is asked 64 KiB at a time: 50 reads here.
    assert body.asked[:3] == [BODY_READ] * 3, body.asked
    assert min(body.asked) > 64 * 1024 and len(body.asked) <= 8, body.asked
    # Nothing past Content-Length was taken: the next request is still there, whole.
    assert unreader.read(len(NEXT_REQUEST)) == NEXT_REQUEST


def test_readinto_readline_and_read_all_still_work():
    payload = b"line one\r\nline two\r\n" + os.urandom(2 * BODY_READ)
    body, unreader = gunicorn_body(payload, piece=1000)

    def app(environ, _start):
        stream = environ["wsgi.input"]
        first = stream.readline()
        buffer = bytearray(10)
        n = stream.readinto(buffer)
        rest = stream.read()
        return [first, bytes(buffer[:n]), rest]

    first, ten, rest = run(app, body)
    assert first + ten + rest == payload
    assert first == b"line one\r\n" and ten == b"line two\r\n"
    assert unreader.read(len(NEXT_REQUEST)) == NEXT_REQUEST


def test_an_empty_body_reads_as_empty():
    body, unreader = gunicorn_body(b"")

    def app(environ, _start):
        return [environ["wsgi.input"].read(), environ["wsgi.input"].read(64 * 1024)]

    assert run(app, body) == [b"", b""]
    assert unreader.read(len(NEXT_REQUEST)) == NEXT_REQUEST


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class _Trickle:
    """A body source that delivers `rate` bytes per (fake) second of the clock."""

    def __init__(self, clock: _Clock, rate: int, total: int) -> None:
        self.clock, self.rate, self.left = clock, rate, total

    def read(self, size):
        self.clock.now += 1.0
        n = min(size, self.rate, self.left)
        self.left -= n
        return b"a" * n


def test_a_body_below_the_minimum_rate_is_dropped_after_the_grace_period_and_a_fast_one_is_not():
    import io

    from werkzeug.exceptions import RequestTimeout

    from whistle.web.server import BODY_GRACE_SECONDS, MIN_BODY_RATE, _RawBody

    clock = _Clock()
    slow = _RawBody(_Trickle(clock, MIN_BODY_RATE // 4, 10**9), clock=clock)
    reader = io.BufferedReader(slow, 1024)
    with pytest.raises(RequestTimeout):
        while reader.read(1024):
            pass
    assert slow.slow and clock.now <= BODY_GRACE_SECONDS + 2  # dropped soon after the grace period
    clock = _Clock()
    steady = _RawBody(_Trickle(clock, MIN_BODY_RATE * 2, 200 * MIN_BODY_RATE), clock=clock)
    assert len(io.BufferedReader(steady, 1024).read()) == 200 * MIN_BODY_RATE and not steady.slow


@pytest.mark.slow
def test_a_stalled_body_is_answered_408_and_the_connection_closed():
    """Straight to `whistle serve` (no proxy): a body that stops arriving frees its thread after
    the idle timeout, answered 408, and gunicorn closes the connection."""
    import socket
    import time

    from bench.common import ORG, WhistleServer
    from whistle.web import server as server_module

    with WhistleServer(fast_kdf=True) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=60) as s:
            s.sendall(f"POST /o/{ORG}/melden HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
                      "boundary=xx\r\nContent-Length: 100000\r\n\r\n--xx\r\n".encode())
            start = time.monotonic()
            answer = b""
            while more := s.recv(4096):
                answer += more
            waited = time.monotonic() - start
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert server_module.BODY_IDLE_SECONDS - 1 < waited < server_module.BODY_IDLE_SECONDS + 5
