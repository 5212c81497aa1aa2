"""Encrypted backups of an installation: every table that matters and every attachment body,
in one file that reveals nothing without the backup passphrase (crypto.backup).

`create` takes one consistent snapshot while the server runs: all tables are read in a
single read transaction (SQLite WAL snapshot; PostgreSQL REPEATABLE READ, read only), then
the bodies named by the snapshot's attachment rows are copied (bodies never change once
committed). Three forms:
- on SQLite, the database file's own image, which restores into SQLite only: streamed from
  the database file itself inside one read transaction begun on an empty WAL (no checkpoint
  can write into the file while it is open), with the pages of the tables a backup leaves out
  replaced as they stream (create._write_image); SQLite's online backup API into a private
  copy is the fallback when the WAL is never found empty;
- on PostgreSQL, each table's binary COPY stream, which restores into PostgreSQL only (COPY
  FROM STDIN, with the keys, unique constraints, foreign keys and indexes made again after the
  load, as pg_restore does);
- with `portable`, on either, the logical dump (rows per table as JSON, with the Alembic
  revision), which restores into SQLite or PostgreSQL alike.
Every form is encrypted by crypto.BackupWriter; its frames are written by a thread of their own
(whistle.infra.background_writer) while the next is encrypted, so crypto stays free of I/O.

`restore` only fills an empty target (no database, no attachment bodies), and only after
the whole file authenticated: rows go into a staging database (a new SQLite file, or one
uncommitted PostgreSQL transaction) and bodies into a staging folder, which are moved into
place at the end. An altered, truncated or foreign file, or a wrong passphrase, changes
nothing.

Messages inside the encrypted stream: one kind byte, then JSON or raw bytes.
  M {format, revision, created_on, dialect, image, copy}  first (image: true for a SQLite image;
                                                copy: "binary" for PostgreSQL's COPY form)
  T {table, columns: [[name, codec], ...]}      then R {rows: [[...], ...]} batches (logical)
  C {table, columns: [name, ...]}               then D chunks of that table's COPY stream, cut
                                                anywhere (COPY form; format 2)
  I {size}                                      then D chunks of the SQLite file (image)
  F {id, size}                                  then D chunks of that body
  E {tables: {name: rows}, files: n}            last (the only FINAL message)
Format 1 had every message but C; its files restore as before (codec.READABLE_FORMATS).
"""
from whistle.services.operations.backup.codec import (
    ATTACHMENT_ID, BATCH_BYTES, FILE_CHUNK, FORMAT, KINDS, MAX_BODY, MIN_PASSPHRASE, READABLE_FORMATS,
    SKIPPED_TABLES, BackupError, BackupSummary, check_passphrase,
)
from whistle.services.operations.backup.create import create, snapshot
from whistle.services.operations.backup.restore import restore
from whistle.services.operations.backup.staging import check_empty_target

__all__ = [
    "ATTACHMENT_ID", "BATCH_BYTES", "FILE_CHUNK", "FORMAT", "KINDS", "MAX_BODY", "MIN_PASSPHRASE", "READABLE_FORMATS",
    "SKIPPED_TABLES", "BackupError", "BackupSummary", "check_empty_target", "check_passphrase",
    "create", "restore", "snapshot",
]
