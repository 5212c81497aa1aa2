"""Where a restore writes before anything is moved into place: a staging database (a new SQLite
file, or one uncommitted PostgreSQL transaction) and a staging folder for the bodies. Also the
check that the target is empty, since a restore never merges."""
from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
from pathlib import Path
from typing import BinaryIO

from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.engine import Connection, make_url

from whistle.infra import migrate
from whistle.infra.attachments import fsync_dir
from whistle.infra.db import make_engine
from whistle.services.operations.backup.codec import BackupError, copy_statement
from whistle.settings import Settings


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


class Staging:
    """Where a restore writes before anything is moved into place."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.sqlite_target = _sqlite_path(settings)
        self.sqlite_staging: Path | None = None
        self.engine = self.conn = self.transaction = None
        self.committed = False
        self._constraints: list[tuple] = []
        self._indexes: list[tuple] = []
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

    @property
    def postgresql(self) -> bool:
        return self.sqlite_target is None

    def set_aside_constraints(self) -> None:
        """Before a PostgreSQL restore's COPY: drop the schema's keys, unique constraints,
        foreign keys and indexes (as pg_restore loads data before it makes them), keeping their
        definitions; `put_back_constraints` makes them again over the loaded rows, which checks
        each in one pass instead of row by row. All of it inside the staging transaction."""
        conn = self.conn
        self._constraints = [tuple(r) for r in conn.exec_driver_sql(
            "SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid), contype "
            "FROM pg_constraint WHERE connamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) "
            "AND contype IN ('p', 'u', 'f') "
            "AND conrelid::regclass::text <> 'alembic_version' ORDER BY contype = 'f' DESC, oid")]
        self._indexes = [tuple(r) for r in conn.exec_driver_sql(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indrelid "
            "WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY i.indexrelid")]
        # Foreign keys first (they lean on the keys), then keys and unique constraints.
        for table, name, _definition, _kind in self._constraints:
            conn.exec_driver_sql(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for index, _definition in self._indexes:
            conn.exec_driver_sql(f"DROP INDEX {index}")

    def put_back_constraints(self) -> None:
        conn = self.conn
        keys = [c for c in self._constraints if c[3] != "f"]
        foreign = [c for c in self._constraints if c[3] == "f"]
        for table, name, definition, _kind in keys + [(None, i, d, "i") for i, d in self._indexes] + foreign:
            try:
                if table is None:
                    conn.exec_driver_sql(definition)
                else:
                    conn.exec_driver_sql(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
            except DBAPIError as exc:
                raise BackupError(f"the backup's rows break a key, unique index or reference of the schema "
                                  f"({name}: {getattr(exc.orig, 'sqlstate', '')})") from None
        self._constraints, self._indexes = [], []

    def copy_in(self, table: str, columns: list[str]) -> "CopyIn":
        """`COPY table (columns) FROM STDIN` in the staging transaction (PostgreSQL); the names
        are checked against the schema by the caller."""
        return CopyIn(self.conn, table, columns)

    def begin_image(self) -> BinaryIO:
        """Give up the staging database for a SQLite image the caller writes into its place
        (a backup made with SQLite's backup API); `end_image` opens it as the staging database."""
        if self.sqlite_staging is None:
            raise BackupError("this backup is an image of a SQLite database and restores into SQLite "
                              "only: make a portable one (`whistle backup create --portable`) to move "
                              "to PostgreSQL")
        self.transaction.rollback()
        self._close_database()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(self.sqlite_staging) + suffix).unlink(missing_ok=True)
        return os.fdopen(os.open(self.sqlite_staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")

    def end_image(self) -> None:
        self.engine = make_engine(f"sqlite:///{self.sqlite_staging}")
        self.conn = self.engine.connect()
        self.transaction = self.conn.begin()

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


class CopyIn:
    """One table filled from PostgreSQL's COPY stream as its pieces arrive; a piece may end
    anywhere in a row. A malformed stream (only possible in a file made with the passphrase) is refused as a
    BackupError, and the staging transaction is rolled back by the caller."""

    def __init__(self, conn: Connection, table: str, columns: list[str]) -> None:
        import psycopg  # here, not at the top: a SQLite installation's backup never loads it
        self._errors = psycopg.Error
        self.table = table
        self._cursor = conn.connection.driver_connection.cursor()
        self._context = self._cursor.copy(copy_statement(table, columns, "FROM STDIN"))
        self._copy = self._context.__enter__()

    def write(self, chunk) -> None:
        try:
            self._copy.write(chunk)
        except self._errors as exc:
            self.abort()
            raise BackupError(f"the backup holds malformed rows of table {self.table}: {exc.sqlstate}") from None

    def close(self) -> int:
        """End the COPY; the number of rows it wrote."""
        try:
            self._context.__exit__(None, None, None)
        except self._errors as exc:
            raise BackupError(f"the backup holds malformed rows of table {self.table}: {exc.sqlstate}") from None
        finally:
            self._context = None
        rows = self._cursor.rowcount
        self._cursor.close()
        return rows

    def abort(self) -> None:
        if self._context is not None:
            context, self._context = self._context, None
            try:
                context.__exit__(BackupError, BackupError("aborted"), None)
            except Exception:  # noqa: BLE001 # nosec B110  # already failing; the transaction is rolled back
                pass


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
