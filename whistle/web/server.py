"""The production WSGI server behind `whistle serve`: gunicorn with threaded workers.

Why gunicorn: it hands the request body to the application as it arrives on the socket, so a
file posted through the no-JavaScript form is encrypted chunk by chunk before anything touches
the disk (see whistle/web/uploads.py). waitress, which we used first, reads every body larger
than 512 KiB into a temporary file before the application sees it: that would be the melder's
plaintext on disk.

Logging: no access log, and the error log goes through a filter that removes anything shaped
like a network address, since gunicorn names the client in some warnings."""
from __future__ import annotations

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

    def access(self, resp, req, environ, request_time) -> None:  # noqa: D102
        return None


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
    workers share its in-memory session key (docs/operations.md)."""
    engine = app.extensions["whistle_engine"]

    def post_fork(_server, _worker) -> None:
        # Each worker opens its own database connections; none inherited over fork.
        engine.dispose(close=False)

    WhistleServer(app, {
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
