"""nginx in front of one or more `whistle serve`, rendered from deploy/nginx/whistle.conf, for
the benches and tests (tests/abuse/test_slow_clients.py, bench/abuse.py).

It runs as a child process with its own prefix (pid, error log, temporary directories) in a
fresh temporary directory; never as root: when the bench runs as root, nginx is started as
`nobody`, who owns the prefix. `NginxProxy.available()` is False where nginx is not installed."""
from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import free_port, stop_process_group, wait_until_answering  # noqa: E402
from deploy.nginx.render import make_prefix, render  # noqa: E402

NGINX_CANDIDATES = ("nginx", "/usr/sbin/nginx")


def nginx_binary() -> str | None:
    for name in NGINX_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class NginxProxy:
    upstreams: list[str]  # "127.0.0.1:8080" per `whistle serve`
    prefix: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="whistle-nginx-")))
    proc: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return nginx_binary() is not None

    def __post_init__(self) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.config = self.prefix / "nginx.conf"
        self.log_path = self.prefix / "error.log"

    def start(self) -> "NginxProxy":
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed")
        make_prefix(self.prefix)
        self.config.write_text(render(listen=f"127.0.0.1:{self.port}", upstreams=self.upstreams,
                                      prefix=self.prefix))
        self.log_path.touch()
        preexec = None
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            for path in [self.prefix, *self.prefix.rglob("*")]:
                os.chown(path, nobody.pw_uid, nobody.pw_gid)

            def preexec() -> None:  # never nginx as root: the bench's nginx is an unprivileged child
                os.setgroups([])
                os.setgid(nobody.pw_gid)
                os.setuid(nobody.pw_uid)
        self.proc = subprocess.Popen(
            [binary, "-p", str(self.prefix), "-c", str(self.config), "-e", str(self.log_path),
             "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, preexec_fn=preexec,
            start_new_session=True)
        wait_until_answering(self.base + "/", self.proc, self.log_path)
        return self

    def body_temp_files(self) -> list[Path]:
        """What nginx spooled of request bodies (must stay empty: proxy_request_buffering off)."""
        return [p for p in (self.prefix / "client_body_temp").rglob("*") if p.is_file()]

    def files(self) -> list[Path]:
        return [p for p in self.prefix.rglob("*") if p.is_file()]

    def stop(self) -> None:
        if self.proc is not None:
            stop_process_group(self.proc)
            self.proc = None
        shutil.rmtree(self.prefix, ignore_errors=True)

    def __enter__(self) -> "NginxProxy":
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *_exc) -> None:
        self.stop()
