"""Files posted through the no-JavaScript forms are encrypted as they arrive: the request's
stream factory hands the multipart parser a sink that runs secretstream over every chunk and
writes only ciphertext to disk. No plaintext file ever touches the disk.

Images and PDFs are the exception to streaming, never to the disk rule: their metadata
(EXIF, GPS, document information) can only be removed from the whole file, so the sink keeps
them in memory, within a budget per request (settings.metadata_clean_max_bytes), until the
view knows whether the melder opted out; then it cleans, encrypts and writes them. A file that
does not fit the budget is encrypted as it arrives and the melder is told its metadata stayed."""
from __future__ import annotations

from flask import Request, current_app, g
from werkzeug.exceptions import RequestEntityTooLarge

import crypto
from whistle.infra import metadata
from whistle.infra.attachments import EncryptedUpload
from whistle.services.errors import InvalidInput
from whistle.services.melder.intake import PlainAttachment

MAX_NAME = 255


class MemoryBudget:
    """Plaintext bytes one request may still hold in memory for cleaning."""

    def __init__(self, limit: int) -> None:
        self.left = limit

    def take(self, n: int) -> bool:
        if n > self.left:
            return False
        self.left -= n
        return True


class EncryptingSink:
    def __init__(self, settings, filename: str | None, content_type: str | None,
                 budget: MemoryBudget | None = None) -> None:
        self.limit = settings.max_attachment_bytes
        self.filename = (filename or "").replace("\\", "/").rsplit("/", 1)[-1][:MAX_NAME]
        self.content_type = (content_type or "application/octet-stream")[:200]
        self.file_key = crypto.new_file_key()
        self._encryptor = crypto.AttachmentEncryptor(self.file_key)
        self.upload = EncryptedUpload(settings.attachments_dir, crypto.encrypted_size(self.limit))
        self.upload.write(self._encryptor.header)
        self.plain_size = 0
        self.finished = False
        self.budget = budget or MemoryBudget(0)
        # Plaintext held in memory (never on disk) while the file may still be cleaned.
        self._held: bytearray | None = bytearray()
        self.head = b""
        self._streamed_status = metadata.UNSUPPORTED
        self._result: PlainAttachment | None = None

    def write(self, data: bytes) -> int:
        self.plain_size += len(data)
        if self.plain_size > self.limit:
            self._drop_held()
            self.upload.discard()
            raise RequestEntityTooLarge("De bijlage is te groot.")
        if self._held is None:
            self.upload.write(self._encryptor.update(data))
            return len(data)
        if not self.budget.take(len(data)):
            if not self.head:
                self.head = (bytes(self._held[:metadata.SNIFF_BYTES]) + data)[:metadata.SNIFF_BYTES]
            self._stream_held(metadata.TOO_LARGE)
            self.upload.write(self._encryptor.update(data))
            return len(data)
        self._held += data
        if not self.head and len(self._held) >= metadata.SNIFF_BYTES:
            self.head = bytes(self._held[:metadata.SNIFF_BYTES])
            if not metadata.cleanable(self.head):
                self._stream_held(metadata.UNSUPPORTED)
        return len(data)

    def _stream_held(self, status: str) -> None:
        """Give up holding: encrypt what was held and stream the rest."""
        assert self._held is not None
        if not self.head:
            self.head = bytes(self._held[:metadata.SNIFF_BYTES])
        self._streamed_status = status if metadata.cleanable(self.head) else metadata.UNSUPPORTED
        held, self._held = self._held, None
        self._encrypt(held)
        self.budget.left += len(held)
        held[:] = bytes(len(held))  # best effort: do not leave the plaintext for the allocator

    def _encrypt(self, data) -> None:
        view = memoryview(data)
        for start in range(0, len(view), crypto.CHUNK_SIZE):
            self.upload.write(self._encryptor.update(bytes(view[start:start + crypto.CHUNK_SIZE])))

    def _drop_held(self) -> None:
        if self._held is not None:
            self.budget.left += len(self._held)
            self._held[:] = bytes(len(self._held))
            self._held = None

    def _finish_encryption(self) -> None:
        self.upload.write(self._encryptor.finish())
        self.upload.close()

    def seek(self, offset: int, whence: int = 0) -> int:
        # The parser seeks to 0 when the part is complete: that is where the stream ends.
        # A held file is finished only in as_attachment, once the opt-out is known.
        if not self.finished:
            self.finished = True
            if self._held is None:
                self._finish_encryption()
        return 0

    def read(self, *_args) -> bytes:  # FileStorage may probe; there is no plaintext to give
        return b""

    def close(self) -> None:
        pass

    def discard(self) -> None:
        self._drop_held()
        self.upload.discard()

    def as_attachment(self, keep_metadata: bool = False) -> PlainAttachment | None:
        """None for an empty file field (no file chosen). Raises InvalidInput for an image or
        PDF that could not be read to clean it: it is refused rather than stored with its
        metadata, unless the melder chose to keep metadata."""
        if self._result is not None:
            return self._result
        if not self.finished or (self.plain_size == 0 and not self.filename):
            self.discard()
            return None
        if self._held is not None:
            outcome = self._clean_held(keep_metadata)
        else:
            status = metadata.KEPT if keep_metadata and self._streamed_status == metadata.TOO_LARGE \
                else self._streamed_status
            outcome = metadata.not_cleaned(status, self.head, self.filename, self.content_type)
        self._result = PlainAttachment(self.upload, self.file_key, self.filename or "bijlage",
                                       self.content_type, self.plain_size, outcome)
        return self._result

    def _clean_held(self, keep_metadata: bool) -> metadata.Outcome:
        assert self._held is not None
        self.head = bytes(self._held[:metadata.SNIFF_BYTES])
        data: bytes | bytearray = self._held
        if not metadata.cleanable(self.head):
            outcome = metadata.not_cleaned(metadata.UNSUPPORTED, self.head, self.filename,
                                           self.content_type)
        elif keep_metadata:
            outcome = metadata.not_cleaned(metadata.KEPT, self.head)
        else:
            try:
                data, outcome = metadata.clean(bytes(self._held))
            except metadata.Unreadable:
                self.discard()
                raise InvalidInput(
                    f"We konden de metadata niet verwijderen uit ‘{self.filename or 'bijlage'}’: het "
                    "bestand lijkt beschadigd. Er is niets verstuurd. Kies een ander bestand, of vink "
                    "‘Metadata laten staan’ aan om het bestand ongewijzigd te versturen.",
                    field="attachments") from None
        self._encrypt(data)
        self._finish_encryption()
        self.plain_size = len(data)
        self._drop_held()
        return outcome


class WhistleRequest(Request):
    max_form_parts = 200

    def _load_form_data(self) -> None:
        super()._load_form_data()
        # A part whose name the parser cannot read (`name="\r"`) comes back under the key None;
        # Flask-WTF's token lookup then fails with a 500 (found by tests/fuzz). Nothing reads
        # such a part: drop it. Its file, if any, is discarded at teardown like every unclaimed one.
        d = self.__dict__
        for key in ("form", "files"):
            data = d.get(key)
            if data is not None and any(not isinstance(k, str) for k in data.keys()):
                d[key] = type(data)((k, v) for k, v in data.items(multi=True) if isinstance(k, str))

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        settings = current_app.extensions["whistle"].settings
        if "upload_budget" not in g:
            g.upload_budget = MemoryBudget(settings.metadata_clean_max_bytes)
        sink = EncryptingSink(settings, filename, content_type, g.upload_budget)
        g.setdefault("upload_sinks", []).append(sink)
        return sink


def posted_attachments(field: str, *, keep_metadata: bool = False) -> list[PlainAttachment]:
    """The files of one form field, encrypted; images and PDFs cleaned of metadata unless the
    melder chose to keep it."""
    from flask import request
    out = []
    for storage in request.files.getlist(field):
        sink = storage.stream
        if isinstance(sink, EncryptingSink):
            att = sink.as_attachment(keep_metadata)
            if att is not None:
                out.append(att)
    return out


def discard_unclaimed_uploads(_exc=None) -> None:
    """Teardown: whatever was uploaded but not committed to a case is removed."""
    for sink in g.pop("upload_sinks", []):
        sink.discard()
