"""Deleted ciphertext does not linger in the SQLite file: every connection has secure_delete
on, and after a delete and a checkpoint the bytes are in neither the database nor its WAL. The
control (a connection with secure_delete off) shows the scan would find them otherwise."""
from __future__ import annotations

import os
import sqlite3
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from tests.retention.test_purge import TERM
from whistle.infra.db import make_engine
from whistle.models import Record

pytestmark = pytest.mark.no_postgres


def sqlite_path(settings) -> Path:
    return Path(settings.database_url.removeprefix("sqlite:///"))


def file_bytes(path: Path) -> bytes:
    wal = Path(str(path) + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def marker() -> bytes:
    return b"MARKER-" + os.urandom(16).hex().encode() + b"-END"


def test_every_connection_has_secure_delete_on(settings, engine):
    seen = []

    def check():
        with engine.connect() as conn:
            seen.append(conn.execute(text("PRAGMA secure_delete")).scalar())

    # Several pooled connections at once, from several threads, and a fresh engine's too.
    held = [engine.connect() for _ in range(3)]
    threads = [threading.Thread(target=check) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seen += [c.execute(text("PRAGMA secure_delete")).scalar() for c in held]
    for c in held:
        c.close()
    other = make_engine(settings.database_url)
    with other.connect() as conn:
        seen.append(conn.execute(text("PRAGMA secure_delete")).scalar())
        seen.append(conn.execute(text("PRAGMA foreign_keys")).scalar())
    other.dispose()
    assert seen == [1] * (len(seen))


def scan_after_delete(path: Path, secure: bool) -> tuple[bool, bool]:
    """(found before the delete, found after it) for a blob written, deleted and checkpointed
    through a plain connection with secure_delete as given."""
    blob = marker() * 40
    conn = sqlite3.connect(path)
    try:
        conn.execute(f"PRAGMA secure_delete={'ON' if secure else 'OFF'}")
        conn.execute("CREATE TABLE IF NOT EXISTS scratch (id INTEGER PRIMARY KEY, body BLOB)")
        conn.execute("INSERT INTO scratch (body) VALUES (?)", (blob,))
        conn.execute("INSERT INTO scratch (body) VALUES (?)", (b"keeps the page in use" * 10,))
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        before = blob[:40] in file_bytes(path)
        conn.execute("DELETE FROM scratch WHERE body = ?", (blob,))
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return before, blob[:40] in file_bytes(path)
    finally:
        conn.close()


def test_a_deleted_blob_is_gone_from_the_file_and_the_scan_would_see_it_otherwise(tmp_path):
    assert scan_after_delete(tmp_path / "control.sqlite3", secure=False) == (True, True)
    assert scan_after_delete(tmp_path / "secure.sqlite3", secure=True) == (True, False)


def test_the_purge_leaves_no_ciphertext_of_the_case_in_the_file(closed, db, clock, settings, factory, engine):
    from whistle.services.operations import retention
    with db() as s:
        pieces = [bytes(c)[24:64] for c in s.scalars(select(Record.ciphertext).where(Record.case_id == closed.case_id))]
    path = sqlite_path(settings)
    with engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    assert pieces and all(p in file_bytes(path) for p in pieces)
    clock.advance(days=TERM)
    assert retention.run_daily(factory, settings, clock).deleted == [closed.ref]
    with engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    data = file_bytes(path)
    assert not any(p in data for p in pieces)
