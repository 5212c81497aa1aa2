"""Crash safety of the embedded default (SQLite WAL + attachment files): clients keep
submitting meldingen (API and no-JS form, with attachments), sending messages and uploading
attachments while the server is SIGKILLed at random moments, more than a hundred times. After
every kill the database passes its integrity check; at the end nothing a client was told had
succeeded is lost (read back and decrypted through the API, with the melder's code), no case
or attachment is half there, the only leftovers are files no row points to (which the sweep
removes), and `whistle audit verify` passes."""
from __future__ import annotations

import http.client
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select

import crypto
from tests.conftest import code_from_receipt
from tests.first_login import FIRST, first_login
from tests.live_server import HtmlSession, LiveServer, free_port
from whistle.infra.db import make_engine, make_session_factory, transaction
from whistle.models import Attachment, AuditEvent, Case, CaseKey, Record
from whistle.reporter_client import HttpTransport, ProtocolError, ReporterClient, unb64
from whistle.infra.attachments import sweep_stale

pytestmark = [pytest.mark.slow, pytest.mark.no_postgres]

KILLS = 100
ORG = "deventer"
STAFF_PASS = "a long enough passphrase"
NO_LIMITS = "challenges_per_client = 1000000\nintake_cases_per_hour = 1000000\n"


class ShortTransport(HttpTransport):
    """A dead server answers at once (refused or reset); a short timeout only guards a hang."""

    def request(self, method, path, *, body=None, headers=None):
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=20) as r:  # noqa: S310 (loopback)
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()


@dataclass
class Acknowledged:
    """What the server said 201 (or showed a receipt) for: all of it must survive."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    cases: dict[str, str] = field(default_factory=dict)                   # code -> report text
    messages: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    uploads: dict[str, dict[str, bytes]] = field(default_factory=lambda: defaultdict(dict))
    form_cases: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # code -> (text, file)
    interrupted: Counter = field(default_factory=Counter)
    refused: list = field(default_factory=list)   # answers from a live server that were not 2xx


def client_loop(stop: threading.Event, base: str, ack: Acknowledged, kind: str, seed: int) -> None:
    rnd = random.Random(seed)
    logged_in: dict[str, ReporterClient] = {}  # sessions outlive the server process
    n = 0
    while not stop.is_set():
        n += 1
        marker = f"{kind}-{seed}-{n}"
        try:
            if kind == "submit":
                melder = ReporterClient(ShortTransport(base), ORG)
                melder.submit({"what": marker})
                with ack.lock:
                    ack.cases[melder.code] = marker
            elif kind == "form":
                web = HtmlSession(base)
                content = os.urandom(rnd.randint(1, 150_000))
                status, page = web.post_form(f"/o/{ORG}/melden", {"what": marker},
                                             files=[("attachments", "stuk.bin", content)])
                if status != 200:
                    ack.refused.append((kind, status))
                    continue
                with ack.lock:
                    ack.form_cases[code_from_receipt(page)] = (marker, content)
            else:
                with ack.lock:
                    waiting = [c for c in ack.cases if c not in logged_in]
                if len(logged_in) < 4 and waiting:
                    code = rnd.choice(waiting)
                    melder = ReporterClient(ShortTransport(base), ORG)
                    melder.log_in(code)
                    melder.case()
                    logged_in[code] = melder
                if not logged_in:
                    stop.wait(0.05)
                    continue
                code = rnd.choice(list(logged_in))
                melder = logged_in[code]
                if kind == "message":
                    melder.send_message(marker)
                    with ack.lock:
                        ack.messages[code].append(marker)
                else:
                    content = os.urandom(rnd.randint(1, 200_000))
                    answer = melder.upload(marker, "application/octet-stream", [content], len(content))
                    with ack.lock:
                        ack.uploads[code][answer["id"]] = content
        except ProtocolError as exc:
            ack.refused.append((kind, exc.status))
        except (OSError, ValueError, http.client.HTTPException) as exc:
            # The server is down (refused) or died under the request (reset, cut-off answer);
            # while it is down, do not starve its restart of CPU.
            down = isinstance(getattr(exc, "reason", exc), ConnectionRefusedError)
            ack.interrupted["refused" if down else kind] += 1
            stop.wait(0.03)


def wait_listening(port: int, timeout: float = 30) -> None:
    """Until the server's socket accepts connections; requests queue from then on."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.01)
    raise AssertionError("the server did not start")


def wait_dead(group: int) -> None:
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.005)
    raise AssertionError(f"server group {group} did not die")


def integrity(db_path) -> None:
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def test_sigkill_at_random_moments_loses_nothing_acknowledged(tmp_path):
    server = LiveServer(tmp_path / "data")
    # This test's one client address logs in and submits far more than a person would.
    config = server.data_dir / "whistle.toml"
    config.write_text(NO_LIMITS + config.read_text())
    assert server.cli("db", "upgrade").returncode == 0
    assert server.cli("org", "create", ORG, "--name", "Gemeente Deventer").returncode == 0
    r = server.cli("user", "create", "--org", ORG, "--role", "counsellor", "--email", "vp@deventer.example",
                   "--password-stdin", stdin=FIRST + "\n")
    assert r.returncode == 0, r.stderr
    first_login(server.env, "vp@deventer.example", STAFF_PASS)
    db_path = server.data_dir / "whistle.sqlite3"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    forker = subprocess.Popen([sys.executable, "-m", "tests.resilience.forking_server", str(server.log_path)],
                              env=server.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    ack, stop = Acknowledged(), threading.Event()
    clients = [threading.Thread(target=client_loop, args=(stop, base, ack, kind, i), daemon=True)
               for i, kind in enumerate(["submit", "message", "upload", "form"])]
    rnd = random.Random(20250301)
    kills = during_start = 0
    starting = 0.0
    started = time.time()
    try:
        for t in clients:
            t.start()
        while kills < KILLS:
            forker.stdin.write(f"{port}\n")
            forker.stdin.flush()
            pid = int(forker.stdout.readline())
            if rnd.random() < 0.15:
                time.sleep(rnd.uniform(0, 0.3))   # somewhere in start-up (and its sweep)
                during_start += 1
            else:
                t = time.time()
                wait_listening(port)
                starting += time.time() - t
                # Mostly short lives; now and then a longer one, so that flows of several
                # requests (a form and its page, a login) also complete on a busy machine.
                time.sleep(rnd.uniform(0.5, 1.5) if rnd.random() < 0.07 else rnd.uniform(0.05, 0.4))
            os.killpg(pid, signal.SIGKILL)  # the server and any worker it forked
            kills += 1
            wait_dead(pid)
            integrity(db_path)
    finally:
        stop.set()
        for t in clients:
            t.join(timeout=30)
        forker.stdin.close()
        forker.wait(timeout=10)
    loop_seconds = time.time() - started
    print(f"{kills} kills ({during_start} during start-up) in {loop_seconds:.0f}s ({starting:.0f}s waiting for start-up); "
          f"acknowledged: {len(ack.cases)} API cases, {len(ack.form_cases)} form cases, "
          f"{sum(map(len, ack.messages.values()))} messages, {sum(map(len, ack.uploads.values()))} uploads; "
          f"interrupted: {dict(ack.interrupted)}; refused: {ack.refused}")
    assert kills >= 100
    # The kills really landed in the middle of work of every kind, and work got done.
    assert sum(n for k, n in ack.interrupted.items() if k != "refused") >= 20
    assert len(ack.cases) >= 10 and len(ack.form_cases) >= 2
    assert sum(map(len, ack.messages.values())) >= 5 and sum(map(len, ack.uploads.values())) >= 5
    # A live server never refused a well-formed request; only dead ones failed.
    assert ack.refused == []

    check_database(server, db_path)
    check_acknowledged_work_through_a_restarted_server(server, ack)
    r = server.cli("audit", "verify")
    assert r.returncode == 0, r.stdout + r.stderr


def check_database(server: LiveServer, db_path) -> None:
    """No case or attachment half there; files without rows are the only leftovers."""
    integrity(db_path)
    attachments_dir = server.data_dir / "attachments"
    engine = make_engine(f"sqlite:///{db_path}")
    with transaction(make_session_factory(engine)) as s:
        cases = list(s.scalars(select(Case)))
        for case in cases:
            kinds = Counter(s.scalars(select(Record.kind).where(Record.case_id == case.id)))
            assert kinds["report"] == 1, case.ref
            assert s.scalar(select(func.count()).where(CaseKey.case_id == case.id)) >= 1, case.ref
        events = Counter(s.scalars(select(AuditEvent.event)))
        assert events["case_received"] == len(cases)
        assert events["message_from_melder"] == s.scalar(
            select(func.count()).select_from(Record).where(Record.kind == "message", Record.author == "reporter"))
        received_with = sum(json.loads(d).get("attachments", 0) for d in s.scalars(
            select(AuditEvent.details).where(AuditEvent.event == "case_received")))
        rows = {a.id: a.size for a in s.scalars(select(Attachment))}
        assert events["attachment_from_melder"] + received_with == len(rows)
        for attachment_id, size in rows.items():
            body = attachments_dir / attachment_id
            assert body.is_file() and body.stat().st_size == size, attachment_id
        bodies = {p.name for p in attachments_dir.iterdir() if p.is_file()}
        parts = list((attachments_dir / ".incoming").iterdir())
        orphans = bodies - set(rows)
        print(f"{len(cases)} cases, {len(rows)} attachments; left behind: {len(orphans)} bodies "
              f"without a row, {len(parts)} half uploads")
        # What a crash leaves is swept once old enough (here: as if the grace time had passed),
        # and the sweep takes nothing a row points to.
        assert sweep_stale(s, attachments_dir, now=time.time() + 3600) == len(orphans) + len(parts)
    engine.dispose()
    assert {p.name for p in attachments_dir.iterdir() if p.is_file()} == set(rows)
    assert list((attachments_dir / ".incoming").iterdir()) == []


def check_acknowledged_work_through_a_restarted_server(server: LiveServer, ack: Acknowledged) -> None:
    """A real `whistle serve` after the last crash gives every melder all they were told was stored."""
    server.start()
    try:
        intake = ReporterClient(HttpTransport(server.base), ORG).fetch_intake()
        work = [(code, text, ack.messages.get(code, []), ack.uploads.get(code, {}))
                for code, text in ack.cases.items()]
        work += [(code, text, [], {None: content}) for code, (text, content) in ack.form_cases.items()]
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda item: check_case(server.base, intake, *item), work))
    finally:
        server.stop()


def check_case(base: str, intake: dict, code: str, text: str, messages: list[str],
               uploads: dict[str | None, bytes]) -> None:
    """One melder's case read back and decrypted with their code (uploads: id -> content;
    the id None stands for the one file of a form melding)."""
    melder = ReporterClient(HttpTransport(base), ORG, intake=intake)
    melder.log_in(code)
    data = melder.case()
    loc = melder.keys.locator_hex
    bodies = [(r["kind"], crypto.open_record(melder.case_key, r["kind"], loc, unb64(r["ciphertext"])))
              for r in data["records"]]
    assert [b for k, b in bodies if k == "report"] == [{"what": text}], code
    assert set(messages) <= {b["text"] for k, b in bodies if k == "message"}, code
    listed = {a["id"]: a for a in data["attachments"]}
    if None in uploads:
        assert len(listed) == 1, code
        uploads = {next(iter(listed)): uploads[None]}
    for attachment_id, content in uploads.items():
        header = crypto.open_record(melder.case_key, "attachment", loc, unb64(listed[attachment_id]["header"]))
        status, _h, raw = melder.transport.request(
            "GET", f"/api/v1/reporter/case/attachments/{attachment_id}",
            headers={"Authorization": f"Bearer {melder.token}"})
        assert status == 200, code
        assert b"".join(crypto.decrypt_stream(unb64(header["key"]), [raw])) == content, code
