"""The backup file's format inside the encrypted stream: its messages (listed in the package's
docstring), how column values are written as JSON, and the one error type of backups."""
from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import types as sqltypes

# 1: the logical rows (T, R) and the SQLite image (I, D). 2 adds PostgreSQL's COPY stream (C, D);
# a file of format 1 is read as before.
FORMAT = 2
READABLE_FORMATS = frozenset({1, 2})
MIN_PASSPHRASE = 16
# Sessions and login challenges are short-lived and useless after a restore; leaving them
# out keeps even their sealed blobs out of every backup copy.
SKIPPED_TABLES = frozenset({"alembic_version", "reporter_challenges", "reporter_sessions",
                            "staff_sessions"})
BATCH_BYTES = 1024 * 1024
FILE_CHUNK = 1024 * 1024
IMAGE_CHUNK = 1024 * 1024  # the pages of a SQLite image in one D message
COPY_CHUNK = 1024 * 1024  # PostgreSQL's COPY stream in one D message (or a little more: whole rows)
# PostgreSQL's binary COPY: per column the type's own send/receive form, the one the binary wire
# protocol uses, so stable across versions for the types the schema has (integer, bigint,
# boolean, date, timestamp, varchar, text, bytea); bytea travels as is, not as hex text.
COPY_FORMAT = "binary"
MAX_BODY = 1 << 40
ATTACHMENT_ID = re.compile(r"^[0-9a-f]{32}$")
KINDS = {b"M", b"T", b"R", b"C", b"I", b"F", b"D", b"E"}


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


def column_codec(column_type) -> str:
    if isinstance(column_type, sqltypes.LargeBinary):
        return "bytes"
    if isinstance(column_type, sqltypes.DateTime):
        return "datetime"
    if isinstance(column_type, sqltypes.Date):
        return "date"
    if isinstance(column_type, sqltypes.Boolean):
        return "bool"
    return "plain"


def encode_value(value, codec: str):
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


def decode_value(value, codec: str):
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


def message(kind: bytes, payload: dict) -> bytes:
    """A message: its kind byte, then compact UTF-8 JSON."""
    return kind + json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def quote_name(name: str) -> str:
    """A PostgreSQL identifier, quoted (names come from the database's own catalogue, or are
    checked against the schema before use)."""
    return '"' + name.replace('"', '""') + '"'


def copy_statement(table: str, columns: list[str], direction: str) -> str:
    """`COPY "table" ("a", "b") TO STDOUT` or `... FROM STDIN`, in the binary format."""
    return (f"COPY {quote_name(table)} ({', '.join(quote_name(c) for c in columns)}) {direction} "
            f"(FORMAT {COPY_FORMAT})")
