"""`whistle serve`, started in milliseconds so a test can kill it a hundred times: this process
imports everything once, then forks a fresh server (the real `whistle serve` command, in a new
process with its own engine and threads) for every port it reads on standard input, answering
with the child's pid. Each server leads a process group of its own (with any workers it
forks), which the crash test SIGKILLs as a whole.

Run as `python -m tests.resilience.forking_server LOGFILE` with WHISTLE_DATA_DIR set; it ends
when its standard input closes."""
from __future__ import annotations

import ctypes
import importlib
import os
import signal
import sys

import alembic.command  # noqa: F401 - what a starting server imports, imported once here

import whistle.cli
import whistle.infra.migrate  # noqa: F401
import whistle.infra.attachments  # noqa: F401
import whistle.web.api  # noqa: F401
import whistle.web.app  # noqa: F401
import whistle.web.counsellor  # noqa: F401
import whistle.web.reporter  # noqa: F401


def warm_up() -> None:
    """Do once what every start does, so the lazy imports and the migration scripts are
    loaded before the fork; nothing stays open (the engines are disposed)."""
    from whistle.infra.db import make_engine
    from whistle.settings import settings_from_env
    for server_module in ("whistle.web.server", "waitress.server"):
        try:
            importlib.import_module(server_module)
        except ImportError:
            pass
    settings = settings_from_env()
    engine = make_engine(settings.database_url)
    whistle.infra.migrate.is_current(engine)
    engine.dispose()
    app = whistle.web.app.create_app(settings)
    app.extensions["whistle_engine"].dispose()


PR_SET_CHILD_SUBREAPER = 36


def main(log_path: str) -> None:
    warm_up()
    # Workers orphaned by a killed server come to us rather than to a PID 1 that may never
    # reap them, and with SIGCHLD ignored the kernel reaps every child at once: a killed
    # server's group is then truly gone.
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    for line in sys.stdin:
        port = int(line)
        pid = os.fork()
        if pid == 0:
            os.setpgid(0, 0)
            log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            os.dup2(log, 1)
            os.dup2(log, 2)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            try:
                whistle.cli.main(["serve", "--port", str(port), "--threads", "4"])
            finally:
                os._exit(1)
        # Set on both sides, so the group exists before its pid is handed out.
        try:
            os.setpgid(pid, pid)
        except OSError:
            pass  # the child got there first (or is gone already)
        print(pid, flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
