"""Encrypted backups of an installation: every table that matters and every attachment body,
in one file that reveals nothing without the backup passphrase (crypto.backup).

`create` takes one consistent snapshot while the server runs: all tables are read in a
single read transaction (SQLite WAL snapshot; PostgreSQL REPEATABLE READ, read only), then
the bodies named by the snapshot's attachment rows are copied (bodies never change once
committed). On PostgreSQL, and on SQLite with `portable`, the dump is logical (rows per table,
with the Alembic revision), so it restores into SQLite or PostgreSQL alike. On SQLite it is
otherwise the database file's own image, which restores into SQLite only: streamed from the
database file itself inside one read transaction begun on an empty WAL (no checkpoint can
write into the file while it is open), with the pages of the tables a backup leaves out
replaced as they stream (create._write_image); SQLite's online backup API into a private
copy is the fallback when the WAL is never found empty.

`restore` only fills an empty target (no database, no attachment bodies), and only after
the whole file authenticated: rows go into a staging database (a new SQLite file, or one
uncommitted PostgreSQL transaction) and bodies into a staging folder, which are moved into
place at the end. An altered, truncated or foreign file, or a wrong passphrase, changes
nothing.

Messages inside the encrypted stream: one kind byte, then JSON or raw bytes.
  M {format, revision, created_on, dialect, image}    first (image: true for a SQLite image)
  T {table, columns: [[name, codec], ...]}      then R {rows: [[...], ...]} batches (logical)
  I {size}                                      then D chunks of the SQLite file (image)
  F {id, size}                                  then D chunks of that body
  E {tables: {name: rows}, files: n}            last (the only FINAL message)
"""
from whistle.services.operations.backup.codec import (
    ATTACHMENT_ID, BATCH_BYTES, FILE_CHUNK, FORMAT, KINDS, MAX_BODY, MIN_PASSPHRASE, SKIPPED_TABLES,
    BackupError, BackupSummary, check_passphrase,
)
from whistle.services.operations.backup.create import create, snapshot
from whistle.services.operations.backup.restore import restore
from whistle.services.operations.backup.staging import check_empty_target

__all__ = [
    "ATTACHMENT_ID", "BATCH_BYTES", "FILE_CHUNK", "FORMAT", "KINDS", "MAX_BODY", "MIN_PASSPHRASE",
    "SKIPPED_TABLES", "BackupError", "BackupSummary", "check_empty_target", "check_passphrase",
    "create", "restore", "snapshot",
]
