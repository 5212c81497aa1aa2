"""Restoring a backup: the messages are applied to a staging area in order, checked against
the manifest and the final counts, and moved into place only when the whole file authenticated."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import BinaryIO

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import MetaData, text
from sqlalchemy.exc import DBAPIError

import crypto
from whistle.infra.background_writer import SYNC_EVERY, BackgroundWriter
from whistle.infra import migrate
from whistle.services.operations.backup.codec import (
    ATTACHMENT_ID, COPY_FORMAT, FILE_CHUNK, KINDS, MAX_BODY, READABLE_FORMATS, SKIPPED_TABLES, BackupError, BackupSummary,
    decode_value,
)
from whistle.services.operations.backup.staging import Staging, check_empty_target
from whistle.settings import Settings


IMAGE = "<database image>"  # the body being written is the SQLite image, not an attachment


class Restorer:
    """Applies the messages of a backup to a staging area, checking their order and counts."""

    def __init__(self, staging: Staging) -> None:
        self.staging = staging
        self.meta: MetaData | None = None
        self.manifest: dict | None = None
        self.table = None
        self.codecs: list[tuple[str, str]] = []
        self.counts: dict[str, int] = {}
        self.attachment_ids: set[str] = set()
        self.files: dict[str, int] = {}
        self.body: _Body | None = None
        self.copy = None  # the table being filled by COPY FROM STDIN (Staging.copy_in)
        self.body_id = ""
        self.body_left = 0
        self.phase = "start"
        self.at_head = False

    def apply(self, message: bytearray) -> None:
        """One message; a D message's payload may be kept (handed to the body's writer): the
        caller must not reuse `message`."""
        kind = bytes(message[:1])
        if kind not in KINDS:
            raise BackupError("the backup file holds an unknown kind of entry")
        if kind == b"D":
            self._data(memoryview(message)[1:])
            return
        self._end_body()
        self._end_copy()
        try:
            body = json.loads(message[1:])
        except ValueError:
            raise BackupError("the backup file holds a malformed entry") from None
        getattr(self, "_" + {"M": "manifest", "T": "table_start", "R": "rows", "C": "copy_start", "I": "image",
                             "F": "file", "E": "end"}[kind.decode()])(body)

    def _expect(self, *phases: str) -> None:
        if self.phase not in phases:
            raise BackupError("the backup file's entries are out of order")

    def _manifest(self, body: dict) -> None:
        self._expect("start")
        if body.get("format") not in READABLE_FORMATS:
            raise BackupError(f"unknown backup format {body.get('format')!r}; this Whistle reads formats "
                              f"{', '.join(str(f) for f in sorted(READABLE_FORMATS))}")
        revision = body.get("revision")
        try:
            script = ScriptDirectory.from_config(migrate.alembic_config())
            script.get_revision(revision)
            # A backup of the latest schema needs no upgrade after it (Alembic would load every
            # migration script again only to find that out).
            self.at_head = script.get_heads() == [revision]
        except CommandError:
            raise BackupError(f"the backup is of schema revision {revision!r}, which this Whistle "
                              "does not know: restore with the version that made it") from None
        self.manifest = body
        if body.get("image") is True:
            self.phase = "image"  # the SQLite file follows; its schema comes with it
            return
        if "copy" in body:
            if body["copy"] != COPY_FORMAT:
                raise BackupError(f"unknown kind of table stream {body['copy']!r} in the backup")
            if not self.staging.postgresql:
                raise BackupError("this backup holds PostgreSQL's own table streams (COPY) and restores into "
                                  "PostgreSQL only: make a portable one (`whistle backup create --portable`) "
                                  "to move to SQLite")
        self.staging.migrate(revision)
        self.meta = MetaData()
        self.meta.reflect(bind=self.staging.conn)
        if "copy" in body:
            self.staging.set_aside_constraints()
        self.phase = "tables"

    def _image(self, body: dict) -> None:
        self._expect("image")
        size = body.get("size")
        if not isinstance(size, int) or not 0 < size <= MAX_BODY:
            raise BackupError("the backup holds a database image with an invalid size")
        self.body = _Body(self.staging.begin_image(), size)
        self.body_id, self.body_left = IMAGE, size
        self.phase = "image data"

    def _image_written(self) -> None:
        """The image is in place: open it, and take its attachment rows (the bodies that must
        follow). Its row counts are the ones its last message names: the image is authenticated
        byte for byte, so counting every table again would only read the file once more."""
        self.staging.end_image()
        conn = self.staging.conn
        try:
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            self.attachment_ids = set(conn.execute(text("SELECT id FROM attachments")).scalars())
        except DBAPIError:
            raise BackupError("the backup's database image cannot be opened") from None
        if revision != (self.manifest or {}).get("revision"):
            raise BackupError("the backup's database image is not of the schema its manifest names")
        self.phase = "tables"

    def _table_start(self, body: dict) -> None:
        self._expect("tables")
        if self.meta is None:  # an image holds its tables already
            raise BackupError("the backup file's entries are out of order")
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
                rows.append({c: decode_value(v, k) for (c, k), v in zip(self.codecs, raw, strict=True)})
        except (KeyError, TypeError, ValueError):
            raise BackupError(f"the backup holds a malformed row of table {self.table.name}") from None
        self.staging.conn.execute(self.table.insert(), rows)
        self.counts[self.table.name] += len(rows)
        if self.table.name == "attachments":
            self.attachment_ids.update(r["id"] for r in rows)

    def _copy_start(self, body: dict) -> None:
        """A table as PostgreSQL's COPY stream: the D messages that follow are fed to
        `COPY ... FROM STDIN` in the staging transaction as they come."""
        self._expect("tables")
        if self.meta is None or "copy" not in (self.manifest or {}):
            raise BackupError("the backup file's entries are out of order")
        name = body.get("table")
        table = self.meta.tables.get(name) if isinstance(name, str) else None
        if table is None or name in SKIPPED_TABLES or name in self.counts:
            raise BackupError(f"the backup holds a table {name!r} this schema revision does not have")
        columns = body.get("columns")
        if not isinstance(columns, list) or not columns or len(set(map(str, columns))) != len(columns):
            raise BackupError(f"the backup's table {name} has no valid list of columns")
        for column in columns:
            if not isinstance(column, str) or column not in table.columns:
                raise BackupError(f"the backup's table {name} has a column {column!r} the schema lacks")
        self.counts[name] = 0
        self.copy = self.staging.copy_in(name, columns)

    def _end_copy(self) -> None:
        if self.copy is None:
            return
        copy, self.copy = self.copy, None
        rows = copy.close()
        self.counts[copy.table] = rows
        if copy.table == "attachments":
            self.attachment_ids.update(self.staging.conn.execute(text("SELECT id FROM attachments")).scalars())

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
        self.body = _Body(open(self.staging.attachments / attachment_id, "xb"), size)
        self.body_id, self.body_left = attachment_id, size
        self.files[attachment_id] = size

    def _data(self, chunk: memoryview) -> None:
        if self.copy is not None:
            self.copy.write(chunk)
            return
        if self.body is None or len(chunk) > self.body_left:
            raise BackupError("the backup holds attachment data out of place")
        self.body.write(chunk)
        self.body_left -= len(chunk)

    def _end_body(self) -> None:
        if self.body is None:
            return
        if self.body_left:
            raise BackupError(f"attachment {self.body_id} in the backup is incomplete")
        body, self.body = self.body, None
        body.close(sync=True)
        if self.body_id == IMAGE:
            self.body_id = ""
            self._image_written()

    def _end(self, body: dict) -> None:
        self._expect("tables", "files")
        if (self.manifest or {}).get("image") is True and isinstance(body.get("tables"), dict):
            self.counts = body["tables"]
        if body.get("tables") != self.counts or body.get("files") != len(self.files):
            raise BackupError("the backup is incomplete: its counts do not match its content")
        if set(self.files) != self.attachment_ids:
            raise BackupError("the backup's attachment bodies do not match its attachment rows")
        if "copy" in (self.manifest or {}):
            self.staging.put_back_constraints()
        self.phase = "end"

    def close(self) -> None:
        if self.body is not None:
            body, self.body = self.body, None
            body.close(sync=False)
        if self.copy is not None:
            copy, self.copy = self.copy, None
            copy.abort()


class _Body:
    """A body (or the SQLite image) being written: through a BackgroundWriter when it is larger
    than a frame, so the disk works while the next frame is decrypted."""

    def __init__(self, fh: BinaryIO, size: int) -> None:
        self.fh = fh
        self.out = BackgroundWriter(fh, sync_every=SYNC_EVERY) if size > FILE_CHUNK else None

    def write(self, chunk: memoryview) -> None:
        if self.out is not None:
            self.out.put(chunk)  # the message is the caller's no more: no copy
        else:
            self.fh.write(chunk)

    def close(self, sync: bool) -> None:
        """With `sync`, the whole body on disk (raising what went wrong); without, an abort:
        the writer ends and the file closes, whatever error either had."""
        try:
            if self.out is not None:
                self.out.close()
            if sync:
                self.fh.flush()
                os.fsync(self.fh.fileno())
        except BaseException:
            if sync:
                raise
        finally:
            try:
                self.fh.close()
            except OSError:
                if sync:
                    raise


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
        staging = Staging(settings)
        restorer = Restorer(staging)
        try:
            for message in crypto.read_backup(fh, passphrase):
                restorer.apply(message)
            if restorer.phase != "end":
                raise BackupError("the backup file ended too early")
            restorer.close()
            if not restorer.at_head:
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
