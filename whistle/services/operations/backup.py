"""Encrypted backups of an installation: every table that matters and every attachment body,
in one file that reveals nothing without the backup passphrase (crypto.backup).

`create` takes one consistent snapshot while the server runs: all tables are read in a
single read transaction (SQLite WAL snapshot; PostgreSQL REPEATABLE READ, read only), then
the bodies named by the snapshot's attachment rows are copied (bodies never change once
committed). The dump is logical (rows per table, with the Alembic revision), so it restores
into SQLite or PostgreSQL alike.

`restore` only fills an empty target (no database, no attachment bodies), and only after
the whole file authenticated: rows go into a staging database (a new SQLite file, or one
uncommitted PostgreSQL transaction) and bodies into a staging folder, which are moved into
place at the end. An altered, truncated or foreign file, or a wrong passphrase, changes
nothing.

Messages inside the encrypted stream: one kind byte, then JSON or raw bytes.
  M {format, revision, created_on, dialect}    first
  T {table, columns: [[name, codec], ...]}      then R {rows: [[...], ...]} batches
  F {id, size}                                  then D chunks of that body
  E {tables: {name: rows}, files: n}            last (the only FINAL message)
"""
from __future__ import annotations

import base64
import json
import os
import re
import secrets
import shutil
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO, Iterator

from alembic import command
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import MetaData, event, inspect, select, text
from sqlalchemy import types as sqltypes
from sqlalchemy.engine import Connection, make_url

import crypto
from whistle.infra import migrate
from whistle.infra.db import make_engine
from whistle.infra.attachments import fsync_dir
from whistle.settings import Settings

FORMAT = 1
MIN_PASSPHRASE = 16
# Sessions and login challenges are short-lived and useless after a restore; leaving them
# out keeps even their sealed blobs out of every backup copy.
SKIPPED_TABLES = frozenset({"alembic_version", "reporter_challenges", "reporter_sessions",
                            "staff_sessions"})
BATCH_BYTES = 1024 * 1024
FILE_CHUNK = 1024 * 1024
MAX_BODY = 1 << 40
ATTACHMENT_ID = re.compile(r"^[0-9a-f]{32}$")
KINDS = {b"M", b"T", b"R", b"F", b"D", b"E"}


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why. Nothing was changed."""


@dataclass(frozen=True)
class BackupSummary:
    revision: str
    created_on: str
    tables: dict[str, int]
    files: int


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise BackupError(f"the backup passphrase must have at least {MIN_PASSPHRASE} characters "
                          "(the file can be attacked offline: use a long passphrase)")


# --- values ---------------------------------------------------------------------------------

def _codec(column_type) -> str:
    if isinstance(column_type, sqltypes.LargeBinary):
        return "bytes"
    if isinstance(column_type, sqltypes.DateTime):
        return "datetime"
    if isinstance(column_type, sqltypes.Date):
        return "date"
    if isinstance(column_type, sqltypes.Boolean):
        return "bool"
    return "plain"


def _encode(value, codec: str):
    if value is None:
        return None
    if codec == "bytes":
        return base64.b64encode(bytes(value)).decode("ascii")
    if codec in ("date", "datetime"):
        return value.isoformat()
    if codec == "bool":
        return bool(value)
    if isinstance(value, (bool, int, float, str)):
        return value
    raise BackupError(f"cannot back up a value of type {type(value).__name__}")


def _decode(value, codec: str):
    if value is None:
        return None
    if codec == "bytes":
        return base64.b64decode(value, validate=True)
    if codec == "date":
        return date.fromisoformat(value)
    if codec == "datetime":
        return datetime.fromisoformat(value)
    if codec == "bool":
        return bool(value)
    return value


def _message(kind: bytes, payload: dict) -> bytes:
    return kind + json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


# --- create -----------------------------------------------------------------------------------

@contextmanager
def _snapshot(url: str) -> Iterator[Connection]:
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
           today: date) -> BackupSummary:
    """Write an encrypted backup to `target`, a new file. It appears only when complete."""
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
            summary = _write(settings, fh, passphrase, params, today)
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


def _write(settings: Settings, fh: BinaryIO, passphrase: str, params: crypto.KdfParams,
           today: date) -> BackupSummary:
    writer = crypto.BackupWriter(fh, passphrase, params)
    counts: dict[str, int] = {}
    attachment_ids: list[str] = []
    with _snapshot(settings.database_url) as conn:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if revision != migrate.head_revision():
            raise BackupError("the database is not at the latest schema: run `whistle db upgrade`")
        writer.write(_message(b"M", {"format": FORMAT, "revision": revision,
                                     "created_on": today.isoformat(),
                                     "dialect": conn.dialect.name}))
        meta = MetaData()
        meta.reflect(bind=conn)
        for table in meta.sorted_tables:
            if table.name in SKIPPED_TABLES:
                continue
            columns = [(c.name, _codec(c.type)) for c in table.columns]
            writer.write(_message(b"T", {"table": table.name, "columns": columns}))
            counts[table.name] = 0
            key = list(table.primary_key.columns) or list(table.columns)
            rows = conn.execution_options(yield_per=500).execute(select(table).order_by(*key))
            batch: list[list] = []
            size = 0
            for row in rows:
                encoded = [_encode(value, codec) for value, (_name, codec) in zip(row, columns)]
                batch.append(encoded)
                size += len(json.dumps(encoded))
                counts[table.name] += 1
                if table.name == "attachments":
                    attachment_ids.append(row._mapping["id"])
                if size >= BATCH_BYTES:
                    writer.write(_message(b"R", {"rows": batch}))
                    batch, size = [], 0
            if batch:
                writer.write(_message(b"R", {"rows": batch}))
    # Bodies never change once their row is committed, so copying them after the snapshot
    # still gives the bodies as of the snapshot.
    for attachment_id in attachment_ids:
        path = settings.attachments_dir / attachment_id
        try:
            body = open(path, "rb")
        except FileNotFoundError:
            raise BackupError(f"attachment body {attachment_id} is missing from {settings.attachments_dir} "
                              "(deleted while the backup ran? run the backup again)") from None
        with body:
            writer.write(_message(b"F", {"id": attachment_id, "size": os.fstat(body.fileno()).st_size}))
            while chunk := body.read(FILE_CHUNK):
                writer.write(b"D" + chunk)
    writer.finish(_message(b"E", {"tables": counts, "files": len(attachment_ids)}))
    return BackupSummary(revision, today.isoformat(), counts, len(attachment_ids))


# --- restore ----------------------------------------------------------------------------------

def _sqlite_path(settings: Settings) -> Path | None:
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise BackupError("restore needs a database file, not an in-memory database")
    return Path(url.database)


def check_empty_target(settings: Settings) -> None:
    """Refuse a target that holds a database or attachment bodies: restore never merges."""
    attachments = settings.attachments_dir
    if attachments.exists():
        for entry in attachments.iterdir():
            if entry.name == ".incoming" and entry.is_dir() and not any(entry.iterdir()):
                continue
            raise BackupError(f"the data directory is not empty: {attachments} holds files; "
                              "restore only into an empty data directory")
    path = _sqlite_path(settings)
    if path is not None:
        for candidate in (path, path.with_name(path.name + "-wal")):
            if candidate.exists():
                raise BackupError(f"the data directory is not empty: {candidate} exists; "
                                  "restore only into an empty data directory (do not run "
                                  "`whistle db upgrade` first: restore creates the schema)")
        return
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            if inspect(conn).get_table_names():
                raise BackupError("the target database is not empty: restore only into a fresh "
                                  "database (do not run `whistle db upgrade` first)")
    finally:
        engine.dispose()


class _Staging:
    """Where a restore writes before anything is moved into place."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.sqlite_target = _sqlite_path(settings)
        self.sqlite_staging: Path | None = None
        self.engine = self.conn = self.transaction = None
        self.committed = False
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.folder = settings.data_dir / f".restore-{secrets.token_hex(6)}"
        self.folder.mkdir(mode=0o700)
        self.attachments = self.folder / "attachments"
        try:
            self.attachments.mkdir(mode=0o700)
            if self.sqlite_target is not None:
                self.sqlite_target.parent.mkdir(parents=True, exist_ok=True)
                self.sqlite_staging = self.sqlite_target.with_name(
                    f".{self.sqlite_target.name}.restore-{secrets.token_hex(6)}")
                url = f"sqlite:///{self.sqlite_staging}"
            else:
                url = settings.database_url
            self.engine = make_engine(url)
            self.conn = self.engine.connect()
            self.transaction = self.conn.begin()
            if self.conn.dialect.name == "postgresql":
                # The lock `whistle db upgrade` takes, so no starting worker migrates meanwhile.
                self.conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": migrate.LOCK_ID})
                if inspect(self.conn).get_table_names():
                    raise BackupError("the target database is not empty: restore only into a "
                                      "fresh database")
        except BaseException:
            self.abort()
            raise

    def migrate(self, revision: str) -> None:
        cfg = migrate.alembic_config()
        cfg.attributes["connection"] = self.conn
        command.upgrade(cfg, revision)

    def _close_database(self) -> None:
        self.conn.close()
        self.engine.dispose()

    def commit(self) -> None:
        """Move everything into place: the bodies folder in one rename, then the database
        (one rename of the SQLite file, or the PostgreSQL commit); the bodies move back if
        the database step fails, so the target is complete or untouched."""
        if self.sqlite_target is not None:
            self.transaction.commit()
            self._close_database()
            _checkpoint(self.sqlite_staging)
        else:
            _reset_sequences(self.conn)
        final = self.settings.attachments_dir
        if final.exists():  # checked empty: at most an empty .incoming folder
            if (final / ".incoming").exists():
                (final / ".incoming").rmdir()
            final.rmdir()
        os.rename(self.attachments, final)
        try:
            if self.sqlite_target is not None:
                # A link, not a rename: a database that appeared since the check stays as it is.
                try:
                    os.link(self.sqlite_staging, self.sqlite_target)
                except FileExistsError:
                    raise BackupError(f"the data directory is not empty any more: {self.sqlite_target} "
                                      "appeared during the restore") from None
                os.unlink(self.sqlite_staging)
                fsync_dir(self.sqlite_target.parent)
            else:
                self.transaction.commit()
                self._close_database()
        except BaseException:
            os.rename(final, self.attachments)
            raise
        self.committed = True
        (final / ".incoming").mkdir(mode=0o700)
        fsync_dir(self.settings.data_dir)
        shutil.rmtree(self.folder, ignore_errors=True)

    def abort(self) -> None:
        if self.committed:
            return
        try:
            if self.conn is not None and not self.conn.closed:
                self.transaction.rollback()
                self.conn.close()
        except Exception:  # noqa: BLE001 # nosec B110  # already failing; the original error is what matters
            pass
        finally:
            if self.engine is not None:
                self.engine.dispose()
            shutil.rmtree(self.folder, ignore_errors=True)
            if self.sqlite_staging is not None:
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(str(self.sqlite_staging) + suffix).unlink(missing_ok=True)


def _checkpoint(path: Path) -> None:
    """Fold a staging SQLite file's WAL into it, so the file can be moved on its own."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()


def _reset_sequences(conn: Connection) -> None:
    for table in inspect(conn).get_table_names():
        seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table}).scalar() \
            if any(c["name"] == "id" for c in inspect(conn).get_columns(table)) else None
        if seq:
            # The table name comes from the database's own catalogue, not from input.
            conn.execute(text(f'SELECT setval(:s, COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)'),  # nosec B608  # noqa: E501
                         {"s": seq})


class _Restorer:
    """Applies the messages of a backup to a staging area, checking their order and counts."""

    def __init__(self, staging: _Staging) -> None:
        self.staging = staging
        self.meta: MetaData | None = None
        self.manifest: dict | None = None
        self.table = None
        self.codecs: list[tuple[str, str]] = []
        self.counts: dict[str, int] = {}
        self.attachment_ids: set[str] = set()
        self.files: dict[str, int] = {}
        self.body: BinaryIO | None = None
        self.body_id = ""
        self.body_left = 0
        self.phase = "start"

    def apply(self, message: bytes) -> None:
        kind, payload = message[:1], message[1:]
        if kind not in KINDS:
            raise BackupError("the backup file holds an unknown kind of entry")
        if kind == b"D":
            self._data(payload)
            return
        self._end_body()
        try:
            body = json.loads(payload)
        except ValueError:
            raise BackupError("the backup file holds a malformed entry") from None
        getattr(self, "_" + {"M": "manifest", "T": "table_start", "R": "rows", "F": "file",
                             "E": "end"}[kind.decode()])(body)

    def _expect(self, *phases: str) -> None:
        if self.phase not in phases:
            raise BackupError("the backup file's entries are out of order")

    def _manifest(self, body: dict) -> None:
        self._expect("start")
        if body.get("format") != FORMAT:
            raise BackupError(f"unknown backup format {body.get('format')!r}; this Whistle reads format {FORMAT}")
        revision = body.get("revision")
        try:
            ScriptDirectory.from_config(migrate.alembic_config()).get_revision(revision)
        except CommandError:
            raise BackupError(f"the backup is of schema revision {revision!r}, which this Whistle "
                              "does not know: restore with the version that made it") from None
        self.staging.migrate(revision)
        self.meta = MetaData()
        self.meta.reflect(bind=self.staging.conn)
        self.manifest = body
        self.phase = "tables"

    def _table_start(self, body: dict) -> None:
        self._expect("tables")
        name = body.get("table")
        table = self.meta.tables.get(name) if isinstance(name, str) else None
        if table is None or name in SKIPPED_TABLES or name in self.counts:
            raise BackupError(f"the backup holds a table {name!r} this schema revision does not have")
        columns = body.get("columns") or []
        for column, _codec_name in columns:
            if column not in table.columns:
                raise BackupError(f"the backup's table {name} has a column {column!r} the schema lacks")
        self.table, self.codecs = table, [(c, k) for c, k in columns]
        self.counts[name] = 0

    def _rows(self, body: dict) -> None:
        self._expect("tables")
        if self.table is None:
            raise BackupError("the backup file's entries are out of order")
        rows = []
        try:
            for raw in body["rows"]:
                rows.append({c: _decode(v, k) for (c, k), v in zip(self.codecs, raw, strict=True)})
        except (KeyError, TypeError, ValueError):
            raise BackupError(f"the backup holds a malformed row of table {self.table.name}") from None
        self.staging.conn.execute(self.table.insert(), rows)
        self.counts[self.table.name] += len(rows)
        if self.table.name == "attachments":
            self.attachment_ids.update(r["id"] for r in rows)

    def _file(self, body: dict) -> None:
        self._expect("tables", "files")
        self.phase = "files"
        attachment_id, size = body.get("id"), body.get("size")
        # The id becomes a file name: only the shape new_attachment_id makes is accepted.
        if not isinstance(attachment_id, str) or not ATTACHMENT_ID.match(attachment_id) \
                or attachment_id in self.files:
            raise BackupError("the backup holds an attachment with an invalid name")
        if not isinstance(size, int) or not 0 <= size <= MAX_BODY:
            raise BackupError("the backup holds an attachment with an invalid size")
        self.body = open(self.staging.attachments / attachment_id, "xb")
        self.body_id, self.body_left = attachment_id, size
        self.files[attachment_id] = size

    def _data(self, chunk: bytes) -> None:
        if self.body is None or len(chunk) > self.body_left:
            raise BackupError("the backup holds attachment data out of place")
        self.body.write(chunk)
        self.body_left -= len(chunk)

    def _end_body(self) -> None:
        if self.body is None:
            return
        if self.body_left:
            raise BackupError(f"attachment {self.body_id} in the backup is incomplete")
        self.body.flush()
        os.fsync(self.body.fileno())
        self.body.close()
        self.body = None

    def _end(self, body: dict) -> None:
        self._expect("tables", "files")
        if body.get("tables") != self.counts or body.get("files") != len(self.files):
            raise BackupError("the backup is incomplete: its counts do not match its content")
        if set(self.files) != self.attachment_ids:
            raise BackupError("the backup's attachment bodies do not match its attachment rows")
        self.phase = "end"

    def close(self) -> None:
        if self.body is not None:
            self.body.close()


def restore(settings: Settings, source: Path, passphrase: str) -> BackupSummary:
    """Restore a backup into an empty data directory (and database); all or nothing."""
    check_empty_target(settings)
    try:
        fh = open(source, "rb")
    except OSError as exc:
        raise BackupError(f"cannot read {source}: {exc.strerror}") from None
    with fh:
        try:
            crypto.read_header(fh)
        except crypto.CryptoError as exc:
            raise BackupError(f"{source}: {exc}") from None
        fh.seek(0)
        staging = _Staging(settings)
        restorer = _Restorer(staging)
        try:
            for message in crypto.read_backup(fh, passphrase):
                restorer.apply(message)
            if restorer.phase != "end":
                raise BackupError("the backup file ended too early")
            restorer.close()
            staging.migrate("head")
            staging.commit()
        except crypto.CryptoError as exc:
            restorer.close()
            staging.abort()
            raise BackupError(f"{source}: {exc}; nothing was restored") from None
        except BaseException:
            restorer.close()
            staging.abort()
            raise
    manifest = restorer.manifest or {}
    return BackupSummary(str(manifest.get("revision")), str(manifest.get("created_on")),
                         restorer.counts, len(restorer.files))
