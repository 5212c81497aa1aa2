"""Files posted through the no-JavaScript forms are encrypted as they arrive: the request's
stream factory hands the multipart parser a sink that runs secretstream over every chunk and
writes only ciphertext to disk. No plaintext file ever touches the disk, and memory stays
bounded by one chunk whatever the file size."""
from __future__ import annotations

from flask import Request, current_app, g
from werkzeug.exceptions import RequestEntityTooLarge

import crypto
from whistle.services.attachment_store import EncryptedUpload
from whistle.services.intake import PlainAttachment

MAX_NAME = 255


class EncryptingSink:
    def __init__(self, settings, filename: str | None, content_type: str | None) -> None:
        self.limit = settings.max_attachment_bytes
        self.filename = (filename or "").replace("\\", "/").rsplit("/", 1)[-1][:MAX_NAME]
        self.content_type = (content_type or "application/octet-stream")[:200]
        self.file_key = crypto.new_file_key()
        self._encryptor = crypto.AttachmentEncryptor(self.file_key)
        self.upload = EncryptedUpload(settings.attachments_dir, crypto.encrypted_size(self.limit))
        self.upload.write(self._encryptor.header)
        self.plain_size = 0
        self.finished = False

    def write(self, data: bytes) -> int:
        self.plain_size += len(data)
        if self.plain_size > self.limit:
            self.upload.discard()
            raise RequestEntityTooLarge("De bijlage is te groot.")
        self.upload.write(self._encryptor.update(data))
        return len(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        # The parser seeks to 0 when the part is complete: that is where the stream ends.
        if not self.finished:
            self.upload.write(self._encryptor.finish())
            self.upload.close()
            self.finished = True
        return 0

    def read(self, *_args) -> bytes:  # FileStorage may probe; there is no plaintext to give
        return b""

    def close(self) -> None:
        pass

    def as_attachment(self) -> PlainAttachment | None:
        """None for an empty file field (no file chosen)."""
        if not self.finished or (self.plain_size == 0 and not self.filename):
            self.upload.discard()
            return None
        return PlainAttachment(self.upload, self.file_key, self.filename or "bijlage",
                               self.content_type, self.plain_size)


class WhistleRequest(Request):
    max_form_parts = 200

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        sink = EncryptingSink(current_app.extensions["whistle"].settings, filename, content_type)
        g.setdefault("upload_sinks", []).append(sink)
        return sink


def posted_attachments(field: str) -> list[PlainAttachment]:
    from flask import request
    out = []
    for storage in request.files.getlist(field):
        sink = storage.stream
        if isinstance(sink, EncryptingSink):
            att = sink.as_attachment()
            if att is not None:
                out.append(att)
    return out


def discard_unclaimed_uploads(_exc=None) -> None:
    """Teardown: whatever was uploaded but not committed to a case is removed."""
    for sink in g.pop("upload_sinks", []):
        sink.upload.discard()
