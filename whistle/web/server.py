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

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

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


class _RawBody(io.RawIOBase):
    def __init__(self, body) -> None:
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._body.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def large_body_reads(app):
    """Werkzeug's multipart parser and the attachment store read a body 64 KiB at a time. On
    each such read gunicorn's body reader receives up to 1 MiB ahead and then copies all it
    holds twice to hand out 64 KiB: a no-JS upload cost 8 CPU s/GiB, three times the cipher
    (docs/performance.md). A buffered reader in between asks gunicorn for a MiB at a time and
    serves the small reads from memory. It never reads past the body: gunicorn's reader ends
    at Content-Length (or the last chunk)."""
    def wrapped(environ, start_response):
        environ["wsgi.input"] = io.BufferedReader(_RawBody(environ["wsgi.input"]), BODY_READ)
        return app(environ, start_response)
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


def serve(app, *, host: str, port: int, threads: int = 8, workers: int = 1) -> None:
    """Serve until stopped. The app is built before the workers fork (it is passed in), so all
    workers share its in-memory session key (docs/operations.md). Any Flask app will do: the
    benchmark serves its bare-Flask ceiling through here too (bench/bare_flask.py)."""
    engine = app.extensions.get("whistle_engine")

    def post_fork(_server, _worker) -> None:
        # Each worker opens its own database connections; none inherited over fork.
        if engine is not None:
            engine.dispose(close=False)

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
