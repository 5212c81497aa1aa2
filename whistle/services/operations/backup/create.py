"""Making a backup: one consistent snapshot of every table while the server runs, then the
attachment bodies the snapshot's rows name, written to a new file that appears only when
complete."""
from __future__ import annotations

import os
import secrets
import sqlite3
import struct
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO, Iterator

from sqlalchemy import MetaData, event, select, text
from sqlalchemy.engine import Connection, make_url

import crypto
from whistle.infra.background_writer import BackgroundWriter, sync_step
from whistle.infra import migrate
from whistle.infra.attachments import fsync_dir
from whistle.infra.db import make_engine
from whistle.services.operations.backup.codec import (
    BATCH_BYTES, COPY_CHUNK, COPY_FORMAT, FILE_CHUNK, FORMAT, IMAGE_CHUNK, SKIPPED_TABLES, BackupError, BackupSummary, check_passphrase,
    column_codec, copy_statement, encode_value, message,
)
from whistle.settings import Settings


@contextmanager
def snapshot(url: str) -> Iterator[Connection]:
    """One read transaction over the whole database."""
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":
        # pysqlite only begins a transaction before a write; a snapshot needs one BEGIN
        # before the first read, so take over transaction control.
        @event.listens_for(engine, "connect")
        def _manual(dbapi_conn, _record):
            dbapi_conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(conn):
            conn.exec_driver_sql("BEGIN")
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                if engine.dialect.name == "postgresql":
                    conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                yield conn
    finally:
        engine.dispose()


def _database_exists(settings: Settings) -> bool:
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        return True
    path = Path(url.database or "")
    return path.is_file() and path.stat().st_size > 0


def create(settings: Settings, target: Path, passphrase: str, params: crypto.KdfParams,
           today: date, *, portable: bool = False) -> BackupSummary:
    """Write an encrypted backup to `target`, a new file. It appears only when complete. On
    SQLite it holds the database file's image, on PostgreSQL each table's COPY stream, unless
    `portable` asks for the logical dump (rows), which restores into either."""
    check_passphrase(passphrase)
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists already: choose a new file name")
    if not target.parent.is_dir():
        raise BackupError(f"folder {target.parent} does not exist")
    if not _database_exists(settings):
        raise BackupError("there is no database to back up (run `whistle db upgrade` first?)")
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            sqlite_file = _sqlite_file(settings)
            if sqlite_file is not None and not portable:
                summary = _write_image(settings, sqlite_file, fh, passphrase, params, today)
            else:
                summary = _write(settings, fh, passphrase, params, today, portable=portable)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            # A link, not a rename: never overwrite a file that appeared in the meantime.
            os.link(partial, target)
        except FileExistsError:
            raise BackupError(f"{target} exists already: choose a new file name") from None
        fsync_dir(target.parent)
    finally:
        partial.unlink(missing_ok=True)
    return summary


def _encrypted(fh: BinaryIO, passphrase: str, params: crypto.KdfParams) -> crypto.BackupWriter:
    """The encrypted stream into `fh`, its frames written by a thread of their own while the
    next one is encrypted (at most four wait: memory stays flat)."""
    return crypto.BackupWriter(fh, passphrase, params, depth=4, out=BackgroundWriter(fh, 4, sync_step(fh)))


def _write(settings: Settings, fh: BinaryIO, passphrase: str, params: crypto.KdfParams,
           today: date, *, portable: bool) -> BackupSummary:
    """The logical dump: on PostgreSQL each table's COPY stream unless `portable`, else rows as
    JSON (which restore into SQLite or PostgreSQL alike)."""
    counts: dict[str, int] = {}
    attachment_ids: list[str] = []
    with _encrypted(fh, passphrase, params) as writer:
        with snapshot(settings.database_url) as conn:
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            if revision != migrate.head_revision():
                raise BackupError("the database is not at the latest schema: run `whistle db upgrade`")
            copy = conn.dialect.name == "postgresql" and not portable
            manifest = {"format": FORMAT, "revision": revision, "created_on": today.isoformat(),
                        "dialect": conn.dialect.name}
            if copy:
                manifest["copy"] = COPY_FORMAT
            writer.write(message(b"M", manifest))
            meta = MetaData()
            meta.reflect(bind=conn)
            for table in meta.sorted_tables:
                if table.name in SKIPPED_TABLES:
                    continue
                if copy:
                    counts[table.name] = _copy_table(conn, table, writer)
                else:
                    counts[table.name] = _write_rows(conn, table, writer, attachment_ids)
            if copy:
                attachment_ids = list(conn.execute(text("SELECT id FROM attachments ORDER BY id")).scalars())
        _write_bodies(settings, writer, attachment_ids)
        writer.finish(message(b"E", {"tables": counts, "files": len(attachment_ids)}))
    return BackupSummary(revision, today.isoformat(), counts, len(attachment_ids))


def _write_rows(conn: Connection, table, writer: crypto.BackupWriter, attachment_ids: list[str]) -> int:
    """One table as T, then R batches of JSON rows; its row count."""
    columns = [(c.name, column_codec(c.type)) for c in table.columns]
    writer.write(message(b"T", {"table": table.name, "columns": columns}))
    count = 0
    key = list(table.primary_key.columns) or list(table.columns)
    rows = conn.execution_options(yield_per=500).execute(select(table).order_by(*key))
    batch: list[list] = []
    size = 0
    for row in rows:
        encoded = [encode_value(value, codec) for value, (_name, codec) in zip(row, columns)]
        batch.append(encoded)
        # An estimate of the row's JSON size, without encoding it twice.
        size += sum(len(v) + 3 if isinstance(v, str) else 8 for v in encoded)
        count += 1
        if table.name == "attachments":
            attachment_ids.append(row._mapping["id"])
        if size >= BATCH_BYTES:
            writer.write(message(b"R", {"rows": batch}))
            batch, size = [], 0
    if batch:
        writer.write(message(b"R", {"rows": batch}))
    return count


def _copy_table(conn: Connection, table, writer: crypto.BackupWriter) -> int:
    """One PostgreSQL table as C, then its `COPY ... TO STDOUT (FORMAT binary)` stream in D
    messages (cut anywhere: COPY FROM takes it back in any pieces); its row count. The COPY
    runs on the snapshot's own connection, so inside its transaction."""
    names = [c.name for c in table.columns]
    writer.write(message(b"C", {"table": table.name, "columns": names}))
    buffer = bytearray(b"D")
    with conn.connection.driver_connection.cursor() as cursor:
        with cursor.copy(copy_statement(table.name, names, "TO STDOUT")) as stream:
            for data in stream:  # a row at a time, as libpq hands them over
                buffer += data
                if len(buffer) > COPY_CHUNK:
                    _write_pieces(writer, buffer)
                    del buffer[1:]
        count = cursor.rowcount
    if len(buffer) > 1:
        _write_pieces(writer, buffer)
    return count


def _write_pieces(writer: crypto.BackupWriter, buffer: bytearray) -> None:
    """A D message; one row longer than a few MiB is cut into pieces of COPY_CHUNK."""
    if len(buffer) <= 4 * COPY_CHUNK:
        writer.write(buffer)
        return
    view = memoryview(buffer)
    for at in range(1, len(buffer), COPY_CHUNK):
        writer.write(b"D" + view[at:at + COPY_CHUNK])


def _sqlite_file(settings: Settings) -> Path | None:
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


# How often the file's own snapshot is tried before falling back to a private copy made with
# SQLite's backup API (a server that never lets the WAL be emptied).
SNAPSHOT_ATTEMPTS = 20


def _write_image(settings: Settings, database: Path, fh: BinaryIO, passphrase: str,
                 params: crypto.KdfParams, today: date) -> BackupSummary:
    """The SQLite file as one consistent image, streamed from the database file itself.

    The technique Litestream uses: fold the WAL into the file (`wal_checkpoint(TRUNCATE)`),
    then open a read transaction and check that the WAL is still empty. Such a reader reads the
    database file alone (WAL read mark 0), and while it is open no checkpoint may write into
    that file (a checkpoint needs the exclusive lock on read mark 0), so the file's first
    `page_count` pages are the snapshot, byte for byte; writers meanwhile only append to the
    WAL. The pages of the tables a backup leaves out (sessions, login challenges) are replaced
    as they stream: each b-tree's root becomes an empty leaf and its other pages join the free
    list, zeroed, so those rows never reach the backup. When the WAL cannot be found empty
    (a server writing without pause) the image is taken with SQLite's backup API instead."""
    # Closing a descriptor of the database file drops every POSIX lock this process holds on
    # it (SQLite's own warning): the one descriptor the image is read through stays open until
    # the SQLite connection is closed.
    fd = os.open(database, os.O_RDONLY)
    try:
        conn = sqlite3.connect(database, isolation_level=None, timeout=2)
        try:
            for _attempt in range(SNAPSHOT_ATTEMPTS):
                try:
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
                except sqlite3.OperationalError:
                    pass  # busy: the check below decides
                conn.execute("BEGIN")
                try:
                    plan = _plan_image(conn, database, fd)
                    if plan is not None:
                        return _stream_image(settings, conn, fd, plan, fh, passphrase, params, today)
                finally:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                time.sleep(0.05)
        finally:
            conn.close()
    finally:
        os.close(fd)
    return _write_copied_image(settings, database, fh, passphrase, params, today)


@dataclass
class _ImagePlan:
    revision: str
    page_size: int
    page_count: int
    counts: dict[str, int]
    attachment_ids: list[str]
    pages: dict[int, bytes] = field(default_factory=dict)  # page number (1-based) -> replacement


def _plan_image(conn: sqlite3.Connection, database: Path, fd: int) -> _ImagePlan | None:
    """Inside the open read transaction: None when this snapshot is not the file alone (the
    WAL holds frames), else what to stream and which pages to replace."""
    rows = conn.execute("SELECT type, name, tbl_name, rootpage FROM sqlite_master").fetchall()
    # The read transaction has begun (it read page 1). A WAL that is empty now was empty when
    # it began: nothing can empty a WAL while a reader that uses it is open.
    wal = Path(f"{database}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return None
    if conn.execute("PRAGMA auto_vacuum").fetchone()[0] != 0:
        return None  # pointer-map pages would have to follow the freed pages: not attempted
    revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    if revision != migrate.head_revision():
        raise BackupError("the database is not at the latest schema: run `whistle db upgrade`")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    page_count = conn.execute("PRAGMA page_count").fetchone()[0]
    names = [name for kind, name, _t, _r in rows if kind == "table" and not name.startswith("sqlite_")]
    counts = {name: conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]  # nosec B608  # names from sqlite_master
              for name in names if name not in SKIPPED_TABLES}
    attachment_ids = [r[0] for r in conn.execute("SELECT id FROM attachments ORDER BY id")]
    plan = _ImagePlan(revision, page_size, page_count, counts, attachment_ids)
    left_out = SKIPPED_TABLES - {"alembic_version"}
    header = _read_page(fd, 1, page_size)
    usable = page_size - header[20]
    first_trunk, free_count = struct.unpack_from(">II", header, 32)
    freed: list[int] = []
    for _kind, name, table, root in rows:
        if table not in left_out or not root:
            continue
        empty = bytearray(page_size)
        empty[0] = _read_page(fd, root, page_size)[0] | 0x08  # the same kind of b-tree, as a leaf
        struct.pack_into(">H", empty, 5, usable % 65536)  # no cells: their area starts at the end
        plan.pages[root] = bytes(empty)
        freed += [p for (p,) in conn.execute("SELECT pageno FROM dbstat WHERE name = ?", (name,))
                  if p != root]
    # Each other page of those trees becomes a free-list trunk page with no leaves, chained in
    # front of the list there was; everything else on it is zeros.
    for i, page in enumerate(freed):
        trunk = bytearray(page_size)
        struct.pack_into(">I", trunk, 0, freed[i + 1] if i + 1 < len(freed) else first_trunk)
        plan.pages[page] = bytes(trunk)
    if freed:
        first = bytearray(header)
        struct.pack_into(">II", first, 32, freed[0], free_count + len(freed))
        plan.pages[1] = bytes(first)
    return plan


def _read_page(fd: int, number: int, page_size: int) -> bytes:
    data = os.pread(fd, page_size, (number - 1) * page_size)
    if len(data) != page_size:
        raise BackupError("the database file is shorter than its page count (damaged?)")
    return data


def _stream_image(settings: Settings, conn: sqlite3.Connection, fd: int, plan: _ImagePlan, fh: BinaryIO,
                  passphrase: str, params: crypto.KdfParams, today: date) -> BackupSummary:
    with _encrypted(fh, passphrase, params) as writer:
        writer.write(message(b"M", {"format": FORMAT, "revision": plan.revision, "created_on": today.isoformat(),
                                     "dialect": "sqlite", "image": True}))
        writer.write(message(b"I", {"size": plan.page_size * plan.page_count}))
        # Read straight into the message buffer (its kind byte first), which the writer
        # encrypts at once: the buffer is free again as soon as write() returns.
        per_chunk = max(1, IMAGE_CHUNK // plan.page_size)
        buffer = bytearray(1 + per_chunk * plan.page_size)
        buffer[0:1] = b"D"
        view = memoryview(buffer)
        for first in range(1, plan.page_count + 1, per_chunk):
            pages = min(per_chunk, plan.page_count + 1 - first)
            length = pages * plan.page_size
            if os.preadv(fd, [view[1:1 + length]], (first - 1) * plan.page_size) != length:
                raise BackupError("the database file is shorter than its page count (damaged?)")
            for number in range(first, first + pages):
                replacement = plan.pages.get(number)
                if replacement is not None:
                    at = 1 + (number - first) * plan.page_size
                    view[at:at + plan.page_size] = replacement
            writer.write(view[:1 + length])
        conn.execute("COMMIT")  # the snapshot is streamed: checkpoints may write into the file again
        _write_bodies(settings, writer, plan.attachment_ids)
        writer.finish(message(b"E", {"tables": plan.counts, "files": len(plan.attachment_ids)}))
    return BackupSummary(plan.revision, today.isoformat(), plan.counts, len(plan.attachment_ids))


def _write_copied_image(settings: Settings, database: Path, fh: BinaryIO, passphrase: str,
                 params: crypto.KdfParams, today: date) -> BackupSummary:
    """The fallback: SQLite's backup API copies every page of one
    snapshot into a private file beside the database, the tables a backup leaves out are
    emptied there (their pages overwritten), and that file is streamed into the backup."""
    image = database.with_name(f".{database.name}.backup-{secrets.token_hex(6)}")
    fd = os.open(image, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        source = sqlite3.connect(database, timeout=30)
        copy = sqlite3.connect(image, isolation_level=None)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
            copy.execute("PRAGMA secure_delete=ON")
            names = [r[0] for r in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
            revision = copy.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            if revision != migrate.head_revision():
                raise BackupError("the database is not at the latest schema: run `whistle db upgrade`")
            copy.execute("BEGIN")
            for name in names:
                if name in SKIPPED_TABLES and name != "alembic_version":
                    copy.execute(f'DELETE FROM "{name}"')  # nosec B608  # a name from sqlite_master
            copy.execute("COMMIT")
            counts = {name: copy.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]  # nosec B608  # names from sqlite_master
                      for name in names if name not in SKIPPED_TABLES}
            attachment_ids = [r[0] for r in copy.execute("SELECT id FROM attachments ORDER BY id")]
        finally:
            copy.close()
            source.close()
        with _encrypted(fh, passphrase, params) as writer:
            writer.write(message(b"M", {"format": FORMAT, "revision": revision, "created_on": today.isoformat(),
                                         "dialect": "sqlite", "image": True}))
            with open(image, "rb") as body:
                writer.write(message(b"I", {"size": os.fstat(body.fileno()).st_size}))
                _write_data(writer, body, IMAGE_CHUNK)
            image.unlink()
            _write_bodies(settings, writer, attachment_ids)
            writer.finish(message(b"E", {"tables": counts, "files": len(attachment_ids)}))
    finally:
        image.unlink(missing_ok=True)
    return BackupSummary(revision, today.isoformat(), counts, len(attachment_ids))


def _write_bodies(settings: Settings, writer: crypto.BackupWriter, attachment_ids: list[str]) -> None:
    # Bodies never change once their row is committed, so copying them after the snapshot
    # still gives the bodies as of the snapshot.
    for attachment_id in attachment_ids:
        path = settings.attachments_dir / attachment_id
        try:
            body = open(path, "rb", buffering=0)
        except FileNotFoundError:
            raise BackupError(f"attachment body {attachment_id} is missing from {settings.attachments_dir} "
                              "(deleted while the backup ran? run the backup again)") from None
        with body:
            writer.write(message(b"F", {"id": attachment_id, "size": os.fstat(body.fileno()).st_size}))
            _write_data(writer, body, FILE_CHUNK)


def _write_data(writer: crypto.BackupWriter, body: BinaryIO, chunk: int) -> None:
    """The rest of `body` as D messages, read straight into one reused message buffer."""
    buffer = bytearray(1 + chunk)
    buffer[0:1] = b"D"
    view = memoryview(buffer)
    while True:
        got = body.readinto(view[1:])
        if not got:
            return
        writer.write(view[:1 + got])
