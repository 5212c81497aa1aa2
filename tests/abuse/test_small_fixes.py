"""Issue 11 point 7: the clients refuse KDF parameters outside protocol section 4's bounds;
errors log no time finer than the date and nothing of which melder page failed; the data
directory is 0700 and its files 0600 whatever the umask; download names lose their path;
405 answers carry Allow."""
from __future__ import annotations

import json
import logging
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

import crypto
from whistle.web.downloads import download_name
from whistle.web.errors import DATE_ONLY
from tests.live_server import HtmlSession, LiveServer
from tests.first_login import FIRST, first_login

ROOT = Path(__file__).resolve().parents[2]

KDFS = {
    "minimum": {"algorithm": "argon2id13", "opslimit": 1, "memlimit": 8192},
    "ops_above_4": {"algorithm": "argon2id13", "opslimit": 5, "memlimit": 8192},
    "ops_0": {"algorithm": "argon2id13", "opslimit": 0, "memlimit": 8192},
    "mem_above_1gib": {"algorithm": "argon2id13", "opslimit": 1, "memlimit": 1073741824 * 2},
    "mem_below_min": {"algorithm": "argon2id13", "opslimit": 1, "memlimit": 4096},
    "ops_fraction": {"algorithm": "argon2id13", "opslimit": 1.5, "memlimit": 8192},
}


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node to run the browser's protocol code")
def test_the_browser_client_refuses_kdf_parameters_outside_the_bounds():
    done = subprocess.run(["node", str(ROOT / "tests/abuse/kdf_bounds.js"), str(ROOT), json.dumps(KDFS)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout.strip().splitlines()[-1])
    assert answers == {name: ("accepted" if name == "minimum" else "format") for name in KDFS}


def test_the_python_client_refuses_kdf_parameters_outside_the_bounds(world, reporter_api):
    world.org("deventer")
    world.staff("deventer")
    melder = reporter_api()
    intake = melder.fetch_intake()
    for name, kdf in KDFS.items():
        melder.intake = {**intake, "kdf": {**intake["kdf"], **kdf}}
        if name == "minimum":
            melder.submit({"what": "binnen de grenzen"})
        else:
            with pytest.raises(crypto.CryptoError):
                melder.submit({"what": "buiten de grenzen"})


def test_an_error_a_melder_triggers_is_logged_by_date_and_kind_only(client, world, caplog, monkeypatch):
    world.org("deventer")
    from whistle.services.melder import intake

    def broken(*_a, **_k):
        raise RuntimeError("boom")
    monkeypatch.setattr(intake, "intake_info", broken)
    with caplog.at_level(logging.ERROR, logger="whistle"):
        assert client.get("/api/v1/orgs/deventer/intake").status_code == 500
    [record] = [r for r in caplog.records if r.name == "whistle"]
    line = DATE_ONLY.format(record)
    assert "get_intake" not in line and "/api" not in line and "intake" not in line
    assert record.exc_info is None  # a traceback would name the view
    assert line.startswith("[") and len(line.split("]")[0]) == len("[2026-01-01")


def test_download_names_lose_their_path():
    assert download_name("../../etc/passwd") == "passwd"
    assert download_name("C:\\Users\\melder\\rapport.pdf") == "rapport.pdf"
    assert download_name("map/") == "bijlage"
    assert download_name("..") == "bijlage"
    assert download_name('a"b\r\nc.txt') == "abc.txt"


def test_a_405_carries_allow(client, world):
    world.org("deventer")
    r = client.put("/api/v1/orgs/deventer/intake")
    assert r.status_code == 405
    assert set(r.headers["Allow"].replace(" ", "").split(",")) >= {"GET"}


def modes_under(data: Path) -> dict[str, int]:
    return {str(p.relative_to(data.parent)): stat.S_IMODE(p.lstat().st_mode)
            for p in [data, *data.rglob("*")]
            if p.name != "whistle.toml"}  # the operator's own configuration, written by this test


@pytest.mark.no_postgres
def test_the_data_directory_is_the_owners_alone_whatever_the_umask(tmp_path):
    data = tmp_path / "data"
    old = os.umask(0o022)
    try:
        server = LiveServer(data)
        assert server.cli("db", "upgrade").returncode == 0
        assert server.cli("org", "create", "deventer", "--name", "Gemeente Deventer").returncode == 0
        assert server.cli("user", "create", "--org", "deventer", "--role", "counsellor", "--email",
                          "vp@deventer.example", "--password-stdin", stdin=FIRST + "\n").returncode == 0
        # the member's first login makes their key pair, endorsed so it receives (issue 10)
        first_login(server.env, "vp@deventer.example", "a long enough passphrase")
        server.start()
        try:
            web = HtmlSession(server.base)
            status, _ = web.post_form("/o/deventer/melden", {"what": "een melding met bijlage"},
                                      files=[("attachments", "notitie.txt", b"de bijlage")])
            assert status == 200
            running = modes_under(data)  # while it runs: the WAL and shared-memory files too
        finally:
            server.stop()
    finally:
        os.umask(old)
    for modes in (running, modes_under(data)):
        for name, mode in modes.items():
            if (tmp_path / name).is_dir():
                assert mode == 0o700, (name, oct(mode))
            else:
                assert mode & 0o077 == 0, (name, oct(mode))
    names = " ".join(running)
    for expected in ("whistle.sqlite3-wal", "whistle.sqlite3-shm", "attachments/.incoming", "secret_key"):
        assert expected in names, names
    assert len([n for n in running if n.startswith("data/attachments/") and ".incoming" not in n]) == 1
