"""The production WSGI server behind `whistle serve`: gunicorn with threaded workers.

Why gunicorn: it hands the request body to the application as it arrives on the socket, so a
file posted through the no-JavaScript form is encrypted chunk by chunk before anything touches
the disk (see whistle/infra/attachment_intake.py). waitress, which we used first, reads every body larger
than 512 KiB into a temporary file before the application sees it: that would be the melder's
plaintext on disk.

Logging: no access log, and the error log goes through a filter that removes anything shaped
like a network address, since gunicorn names the client in some warnings."""
from __future__ import annotations

import io
import logging
import re
import time
from typing import Callable

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger
from werkzeug.exceptions import RequestTimeout

ADDRESS = re.compile(
    r"\b(?:\d{1,3}\.){3}\d{1,3}\b"                       # IPv4
    r"|\b(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}\b"    # IPv6
)


def redact(text: str) -> str:
    return ADDRESS.sub("[adres verwijderd]", text)


class _RedactAddresses(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        return True


class PrivateLogger(Logger):
    """gunicorn's logger without an access log and without client addresses."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        self.error_log.addFilter(_RedactAddresses())
        for handler in self.error_log.handlers:
            handler.addFilter(_RedactAddresses())
            # The date only: a warning about a melder's connection must not date it to the second.
            handler.setFormatter(logging.Formatter("[%(asctime)s] [%(levelname)s] %(message)s", "%Y-%m-%d"))

    def access(self, resp, req, environ, request_time) -> None:  # noqa: D102
        return None


# What the application's reads of a request body are rounded up to (see LargeBodyReads).
BODY_READ = 1024 * 1024
# Slow bodies (docs/operations.md): a body that stalls this long between two reads is dropped,
# and after the grace period a body must have arrived at MIN_BODY_RATE on average. A melder on
# a poor mobile connection sends tens of KiB a second; a trickle holding a thread sends bytes.
BODY_IDLE_SECONDS = 10.0
BODY_GRACE_SECONDS = 10.0
MIN_BODY_RATE = 4 * 1024  # bytes per second, averaged from the first read


class SlowBody(RequestTimeout):
    description = "request body too slow"


class _RawBody(io.RawIOBase):
    def __init__(self, body, clock=time.monotonic) -> None:
        self._body = body
        self._clock = clock
        self._start: float | None = None
        self._received = 0
        self.slow = False  # the body was dropped as too slow: the connection must close

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        now = self._clock()
        if self._start is None:
            self._start = now
        elapsed = now - self._start
        if elapsed > BODY_GRACE_SECONDS and self._received < MIN_BODY_RATE * elapsed:
            self.slow = True
            raise SlowBody()
        try:
            data = self._body.read(len(buffer))
        except TimeoutError:  # the socket's idle timeout (large_body_reads)
            self.slow = True
            raise SlowBody() from None
        self._received += len(data)
        buffer[:len(data)] = data
        return len(data)


def large_body_reads(app):
    """Werkzeug's multipart parser and the attachment store read a body 64 KiB at a time. On
    each such read gunicorn's body reader receives up to 1 MiB ahead and then copies all it
    holds twice to hand out 64 KiB: a no-JS upload cost 8 CPU s/GiB, three times the cipher
    (docs/performance.md). A buffered reader in between asks gunicorn for a MiB at a time and
    serves the small reads from memory. It never reads past the body: gunicorn's reader ends
    at Content-Length (or the last chunk).

    The same reader holds slow bodies to a minimum rate (answered 408), and while the
    application runs, the client's socket has an idle timeout, so a body that stops arriving
    frees its thread. The timeout is lifted before the response is sent: a download to a slow
    reader is bounded by the proxy's send_timeout, not by this."""
    def wrapped(environ, start_response):
        raw = _RawBody(environ["wsgi.input"])
        environ["wsgi.input"] = io.BufferedReader(raw, BODY_READ)
        sock = environ.get("gunicorn.socket")
        if sock is not None:
            sock.settimeout(BODY_IDLE_SECONDS)

        def start(status, headers, exc_info=None):
            # The rest of a dropped body must not be read as the next request, nor waited for:
            # gunicorn closes the connection after this answer (a Connection header it ignores).
            if raw.slow and hasattr(getattr(start_response, "__self__", None), "force_close"):
                start_response.__self__.force_close()
            return start_response(status, headers, exc_info)
        try:
            return app(environ, start)
        finally:
            if sock is not None:
                sock.settimeout(None)
    return wrapped


class WhistleServer(BaseApplication):
    def __init__(self, app, options: dict) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def serve(app, *, host: str, port: int, threads: int = 256, workers: int = 1,
          after_fork: Callable[[], None] | None = None) -> None:
    """Serve until stopped. The app is built before the workers fork (it is passed in), so all
    workers share its in-memory session key (docs/operations.md). Any Flask app will do: the
    benchmark serves its bare-Flask ceiling through here too (bench/bare_flask.py)."""
    engine = app.extensions.get("whistle_engine")

    def post_fork(_server, _worker) -> None:
        # Each worker opens its own database connections; none inherited over fork.
        if engine is not None:
            engine.dispose(close=False)
        # Threads do not survive a fork: what runs in the background (the scheduled jobs)
        # starts here, in the worker, with the worker's own connections.
        if after_fork is not None:
            after_fork()

    WhistleServer(large_body_reads(app), {
        "post_fork": post_fork,
        "bind": f"{host}:{port}",
        "worker_class": "gthread",
        "workers": workers,
        "threads": threads,
        "accesslog": None,
        "logger_class": PrivateLogger,
        "loglevel": "warning",
        # A long upload or download is not a hung worker: gthread workers notify the
        # arbiter from their main loop, so this only bounds a stuck worker.
        "timeout": 120,
        "graceful_timeout": 10,
        "keepalive": 5,
        # Room for the sealed attachment record in its request header (docs/protocol.md).
        "limit_request_field_size": 16384,
        # Proxy headers are trusted only through the application's own setting.
        "forwarded_allow_ips": "",
        "proc_name": "whistle",
    }).run()
