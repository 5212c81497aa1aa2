"""A real `whistle serve` process on loopback, set up through the CLI, for tests that must see
what the product writes to disk and to its logs."""
from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

FAST_KDF = "[reporter_kdf]\nopslimit = 1\nmemlimit = 8192\n[staff_kdf]\nopslimit = 1\nmemlimit = 8192\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, data_dir: Path, extra_config: str = "") -> None:
        self.data_dir = data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        # Top-level keys first: after FAST_KDF's tables they would belong to [staff_kdf].
        (data_dir / "whistle.toml").write_text(extra_config + FAST_KDF)
        self.env = {**os.environ, "WHISTLE_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
        self.env.pop("WHISTLE_DATABASE_URL", None)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir.parent / "server.log"
        self.proc: subprocess.Popen | None = None

    def cli(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "whistle.cli", *args], input=stdin, env=self.env,
                              capture_output=True, text=True, timeout=120)

    def start(self) -> "LiveServer":
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "whistle.cli", "serve", "--port", str(self.port)],
                                     env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.base + "/", timeout=1)
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not start: " + self.log_path.read_text())

    def stop(self) -> None:
        if self.proc:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.log.close()


class HtmlSession:
    """A cookie-keeping client that fills in CSRF tokens, like a browser without JavaScript."""
    CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=60) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def post_form(self, path: str, fields: dict, *, form_page: str | None = None,
                  files: list[tuple[str, str, bytes]] = ()) -> tuple[int, str]:
        _, page = self.get(form_page or path)
        fields = {"csrf_token": self.CSRF.search(page).group(1), **fields}
        boundary = "----whistletest" + os.urandom(8).hex()
        parts = []
        for k, v in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
        for field, name, content in files:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
                         f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        req = urllib.request.Request(self.base + path, data=body, method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        try:
            with self.opener.open(req, timeout=60) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def log_in_staff(self, email: str, passphrase: str) -> tuple[int, str]:
        """Passphrase, then the second factor. On a first login the enrolment page shows the
        secret; the code is computed from it as an authenticator app would, and the secret is
        kept on this session for later logins."""
        import pyotp
        status, page = self.post_form("/vp/login", {"email": email, "passphrase": passphrase})
        shown = re.search(r'class="totp-secret">([A-Z2-7 ]+)<', page)
        if shown:
            self.totp_secret = shown.group(1).replace(" ", "")
            return self.post_form("/vp/login/inrichten", {"code": pyotp.TOTP(self.totp_secret).now()})
        if "/vp/login/tweede-stap" in page:
            return self.post_form("/vp/login/tweede-stap", {"code": pyotp.TOTP(self.totp_secret).now()})
        return status, page
