"""What an attacker sends, for tests/abuse and bench/abuse.py: oversized bodies (chunked or
with a Content-Length, JSON or multipart), over raw sockets so nothing in between buffers."""
from __future__ import annotations

import base64
import os
import socket
import threading
import time

MiB = 1024 * 1024

# (method, path, content type, chunked?) of the oversized bodies; each is far past its view's limit.
OVERSIZED = [
    ("/api/v1/reporter/challenge", "application/json", True),
    ("/api/v1/reporter/challenge", "application/json", False),
    ("/api/v1/orgs/{org}/reports", "application/json", True),
    ("/o/{org}/melden", "multipart/form-data; boundary=xx", True),
    ("/vp/login", "multipart/form-data; boundary=xx", True),
    ("/vp/login", "application/x-www-form-urlencoded", True),
    ("/o/{org}/terug", "application/x-www-form-urlencoded", False),
    ("/api/v1/orgs/{org}/reports", "application/json", False),
    ("/o/{org}/melden", "multipart/form-data; boundary=xx", False),
    ("/o/{org}/terug", "multipart/form-data; boundary=xx", True),
]


def _body_piece(content_type: str, first: bool) -> bytes:
    if content_type.startswith("multipart") and first:
        # One form field that never ends: the parser must stop at the form's memory limit.
        return b'--xx\r\nContent-Disposition: form-data; name="what"\r\n\r\n' + b"a" * (MiB - 60)
    if content_type == "application/json" and first:
        return b'{"locator": "' + b"a" * (MiB - 13)
    return b"a" * MiB


def _drain(s: socket.socket) -> bytes:
    got = b""
    while True:
        try:
            chunk = s.recv(65536)
        except OSError:
            return got
        if not chunk:
            return got
        got += chunk


def send_oversized(port: int, path: str, content_type: str, chunked: bool, total: int,
                   forwarded_for: str = "127.0.0.1") -> tuple[int | None, int]:
    """Send up to `total` bytes of body, stopping as soon as the server answers. Returns the
    answer's status (None if the server only closed) and how many body bytes were sent."""
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    head = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Type: {content_type}"]
    head.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {total}")
    s.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
    sent, answer = 0, b""
    if not chunked:
        # A server that refuses by the Content-Length alone answers before any body arrives;
        # wait for that first, as a client sending `Expect: 100-continue` would (sending into a
        # socket the server has closed resets it, and the answer with it).
        s.settimeout(2)
        try:
            answer = s.recv(65536)
        except (socket.timeout, ConnectionResetError):
            pass
    s.setblocking(False)
    try:
        if answer:
            total = 0
        while sent < total:
            piece = _body_piece(content_type, sent == 0)
            data = b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece
            view = memoryview(data)
            while view:
                try:
                    n = s.send(view)
                    view = view[n:]
                except BlockingIOError:
                    time.sleep(0.002)
                try:
                    answer += s.recv(65536)
                except BlockingIOError:
                    pass
                if answer:
                    break
            if answer:
                break
            sent += len(piece)
        deadline = time.time() + 30
        while b"\r\n" not in answer and time.time() < deadline:
            try:
                chunk = s.recv(65536)
                if not chunk:
                    break
                answer += chunk
            except BlockingIOError:
                time.sleep(0.01)
    except (ConnectionResetError, BrokenPipeError):
        # The server answered and closed while we were still sending: its answer may already
        # be in our receive buffer (Linux hands queued data out before the reset's error).
        answer += _drain(s)
    finally:
        s.close()
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else None
    return status, sent


def oversized_flood(port: int, org: str, total: int = 256 * MiB) -> list[tuple[str, bool, int | None, int]]:
    """The ten OVERSIZED bodies at once; (path, chunked, status, bytes sent) for each."""
    results: list = [None] * len(OVERSIZED)

    def one(i, path, content_type, chunked):
        p = path.format(org=org)
        results[i] = (p, chunked, *send_oversized(port, p, content_type, chunked, total))

    threads = [threading.Thread(target=one, args=(i, *spec)) for i, spec in enumerate(OVERSIZED)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


# Junk the way a flooder sends it: the shape of a sealed submission, random bytes inside.
def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def junk_record() -> bytes:
    return os.urandom(24 + 1024 + 16)  # passes the length check, opens under no key


def junk_submission(intake: dict) -> dict:
    return {
        "version": 1,
        "locator": os.urandom(16).hex(),
        "reporter_box_public_key": b64(os.urandom(32)),
        "reporter_sign_public_key": b64(os.urandom(32)),
        "report": b64(junk_record()),
        "key_commitment": b64(os.urandom(32)),
        "keys": [{"recipient": r["key_id"], "sealed_key": b64(os.urandom(80))} for r in intake["recipients"]],
        "reporter_sealed_key": b64(os.urandom(80)),
    }


class SlowClients:
    """`headers` connections trickling their request header (one more header line every
    `interval` seconds, never the blank line that ends it) and `bodies` connections trickling
    a body (a complete header with a Content-Length, then one byte every `interval`), half of
    them to the no-JS form and half to the API intake. A connection the server drops is
    opened again, so the count stays up for as long as the attack runs."""

    def __init__(self, port: int, org: str, headers: int, bodies: int, interval: float = 1.0) -> None:
        self.port, self.org, self.interval = port, org, interval
        self.kinds = ["headers"] * headers + ["form", "api"] * (bodies // 2) + ["form"] * (bodies % 2)
        self.reopened = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _open(self, kind: str) -> socket.socket | None:
        try:
            s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            if kind == "headers":
                s.sendall(f"GET /o/{self.org}/melden HTTP/1.1\r\nHost: x\r\n".encode())
            else:
                path, ctype = ((f"/o/{self.org}/melden", "multipart/form-data; boundary=xx") if kind == "form"
                               else (f"/api/v1/orgs/{self.org}/reports", "application/json"))
                s.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {ctype}\r\n"
                          f"Content-Length: 100000\r\n\r\n".encode())
            s.setblocking(False)
            return s
        except OSError:
            return None

    def start(self) -> "SlowClients":
        self.socks = [(kind, self._open(kind)) for kind in self.kinds]
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            for i, (kind, s) in enumerate(self.socks):
                try:
                    if s is None:
                        raise OSError
                    s.send(b"X-Trickle: 1\r\n" if kind == "headers" else b"a")
                except OSError:
                    if s is not None:
                        s.close()
                    self.reopened += 1
                    self.socks[i] = (kind, self._open(kind))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        for _kind, s in self.socks:
            if s is not None:
                s.close()

    def __enter__(self) -> "SlowClients":
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()
