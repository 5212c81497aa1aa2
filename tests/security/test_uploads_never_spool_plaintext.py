"""A file posted through the no-JavaScript form is encrypted while it arrives. Half-way
through a large upload, no file that any server process holds open, and nothing in its
temporary directory, contains the file's plaintext (a server that spools request bodies to a
temporary file, as waitress does past 512 KiB, fails this)."""
import http.client
import os
import re
import secrets
import time
from pathlib import Path

import pytest

from tests.first_login import FIRST, first_login
from tests.live_server import HtmlSession, LiveServer

pytestmark = pytest.mark.no_postgres


def server_pids(root_pid: int) -> list[int]:
    pids = [root_pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == root_pid:
                pids.append(int(entry.name))
    return pids


def open_regular_files(pids):
    for pid in pids:
        fd_dir = Path(f"/proc/{pid}/fd")
        for fd in fd_dir.iterdir():
            try:
                if os.path.isfile(fd):  # follows the link, works for deleted files too
                    yield f"{pid}:{os.readlink(fd)}", fd.read_bytes()
            except OSError:
                continue


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc")
def test_half_an_upload_is_nowhere_in_plaintext(tmp_path):
    server = LiveServer(tmp_path / "data")
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    server.env["TMPDIR"] = str(tmpdir)
    assert server.cli("db", "upgrade").returncode == 0
    assert server.cli("org", "create", "deventer", "--name", "Gemeente Deventer").returncode == 0
    assert server.cli("user", "create", "--org", "deventer", "--role", "counsellor", "--email",
                      "vp@deventer.example", "--password-stdin", stdin=FIRST + "\n").returncode == 0
    first_login(server.env, "vp@deventer.example", "a long enough passphrase")
    server.start()
    try:
        web = HtmlSession(server.base)
        _, page = web.get("/o/deventer/melden")
        token = HtmlSession.CSRF.search(page).group(1)
        marker = f"PLAINTEXT{secrets.token_hex(8)}".encode()
        boundary = "----spooltest"
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"what\"\r\n\r\nzie bijlage\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"groot.bin\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n").encode()
        chunk = (marker + b" ") * 4096  # ~100 KiB
        parts, tail = 40, f"\r\n--{boundary}--\r\n".encode()
        length = len(head) + parts * len(chunk) + len(tail)
        cookie = "; ".join(f"{c.name}={c.value}" for c in web.jar)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        conn.putrequest("POST", "/o/deventer/melden")
        conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        conn.putheader("Content-Length", str(length))
        conn.putheader("Cookie", cookie)
        conn.endheaders()
        conn.send(head)
        for _ in range(parts // 2):
            conn.send(chunk)
        time.sleep(1.0)  # let the server take in what was sent
        seen = [name for name, data in open_regular_files(server_pids(server.proc.pid)) if marker in data]
        spooled = [p for p in tmpdir.rglob("*") if p.is_file() and marker in p.read_bytes()]
        for _ in range(parts - parts // 2):
            conn.send(chunk)
        conn.send(tail)
        response = conn.getresponse()
        body = response.read().decode()
        assert response.status == 200, body[:500]
        assert re.search(r'class="code"', body)
    finally:
        server.stop()
    assert seen == [] and spooled == []
