"""One file of the no-JavaScript forms, taken in chunk by chunk and written to disk only as
ciphertext (secretstream under a fresh file key). No plaintext ever touches the disk.

Images and PDFs are the exception to streaming, never to the disk rule: their metadata (EXIF,
GPS, document information) can only be removed from the whole file, so the intake holds them
in memory, within a budget per request, until the melder's choice (clean, or keep the
metadata) is known; then it cleans, encrypts and writes them. A file that does not fit the
budget, or is not a kind we clean, is encrypted as it arrives and keeps its metadata.

The states and what moves between them:

    HOLDING   --feed, a kind we do not clean, or over the budget-->  STREAMING
    HOLDING   --end-->  HELD           STREAMING --end-->  SEALED (ciphertext complete)
    HELD      --finish(keep_metadata)-->  SEALED, or DISCARDED for an image or PDF we cannot read
    any       --feed past the size limit, discard, finish before end-->  DISCARDED

Nothing here knows HTTP: whistle.web.uploads feeds it from Werkzeug's multipart parser."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

import crypto
from whistle.infra import metadata, metadata_sandbox
from whistle.infra.attachments import EncryptedUpload
from whistle.services.errors import InvalidInput, TooLarge

MAX_NAME = 255
MAX_MEDIA_TYPE = 200


@dataclass
class PlainAttachment:
    """A file the server path encrypted on arrival: its ciphertext waits in `upload`."""
    upload: EncryptedUpload
    file_key: bytes
    name: str
    media_type: str
    plain_size: int
    metadata: metadata.Outcome | None = None  # what was done about the file's metadata, to tell the melder


class MemoryBudget:
    """Plaintext bytes one request may still hold in memory for cleaning."""

    def __init__(self, limit: int) -> None:
        self.left = limit

    def take(self, n: int) -> bool:
        if n > self.left:
            return False
        self.left -= n
        return True

    def give_back(self, n: int) -> None:
        self.left += n


class State(enum.Enum):
    HOLDING = "holding"        # plaintext in memory; the file may still be cleaned
    STREAMING = "streaming"    # encrypted as it arrives; its metadata stays
    HELD = "held"              # complete in memory, waiting for the melder's choice
    SEALED = "sealed"          # ciphertext complete and flushed; `upload` may be committed
    DISCARDED = "discarded"    # refused or abandoned: nothing left on disk or in memory


class AttachmentIntake:
    def __init__(self, attachments_dir: Path, max_bytes: int, filename: str | None,
                 content_type: str | None, budget: MemoryBudget | None = None) -> None:
        self.max_bytes = max_bytes
        self.filename = (filename or "").replace("\\", "/").rsplit("/", 1)[-1][:MAX_NAME]
        self.content_type = (content_type or "application/octet-stream")[:MAX_MEDIA_TYPE]
        self.budget = budget or MemoryBudget(0)
        self.file_key = crypto.new_file_key()
        self._encryptor = crypto.AttachmentEncryptor(self.file_key)
        self.upload = EncryptedUpload(attachments_dir, crypto.encrypted_size(max_bytes))
        self.upload.write(self._encryptor.header)
        self.state = State.HOLDING
        self.plain_size = 0
        self.head = b""  # the first bytes, which say what kind of file this is
        self._held = bytearray()  # plaintext in memory (HOLDING, HELD) and never on disk
        self._status = metadata.UNSUPPORTED  # why a streamed file kept its metadata
        self._result: PlainAttachment | None = None

    # --- events --------------------------------------------------------------------------

    def feed(self, data: bytes) -> None:
        """The next chunk of the file. Raises TooLarge (and discards) past the size limit."""
        if self.state not in (State.HOLDING, State.STREAMING):
            raise ValueError(f"no more data expected in state {self.state.value}")
        self.plain_size += len(data)
        if self.plain_size > self.max_bytes:
            self.discard()
            raise TooLarge("De bijlage is te groot.")
        if self.state is State.STREAMING:
            self.upload.write(self._encryptor.update(data))
        elif not self.budget.take(len(data)):
            if not self.head:
                self.head = (bytes(self._held[:metadata.SNIFF_BYTES]) + data)[:metadata.SNIFF_BYTES]
            self._start_streaming(metadata.TOO_LARGE)
            self.upload.write(self._encryptor.update(data))
        else:
            self._held += data
            if not self.head and len(self._held) >= metadata.SNIFF_BYTES:
                self.head = bytes(self._held[:metadata.SNIFF_BYTES])
                if not metadata.cleanable(self.head):
                    self._start_streaming(metadata.UNSUPPORTED)

    def end(self) -> None:
        """The whole file has arrived. A streamed file is sealed now; a held one waits for
        `finish`, once the melder's choice about its metadata is known."""
        if self.state is State.HOLDING:
            self.state = State.HELD
        elif self.state is State.STREAMING:
            self._seal()

    def finish(self, keep_metadata: bool = False) -> PlainAttachment | None:
        """The encrypted file, ready to be stored with a case; None for an empty file field
        (no file chosen) or a file that never arrived whole. Raises InvalidInput, and
        discards, for an image or PDF that could not be read to clean it: it is refused
        rather than stored with its metadata, unless the melder chose to keep metadata."""
        if self._result is not None:
            return self._result
        if self.state in (State.HOLDING, State.STREAMING, State.DISCARDED) or (
                self.plain_size == 0 and not self.filename):
            self.discard()
            return None
        if self.state is State.HELD:
            outcome = self._clean_held(keep_metadata)
        else:
            status = metadata.KEPT if keep_metadata and self._status == metadata.TOO_LARGE else self._status
            outcome = metadata.not_cleaned(status, self.head, self.filename, self.content_type)
        self._result = PlainAttachment(self.upload, self.file_key, self.filename or "bijlage",
                                       self.content_type, self.plain_size, outcome)
        return self._result

    def discard(self) -> None:
        """Forget the file: the plaintext in memory is overwritten, the ciphertext removed
        (a no-op once the upload was committed to a case)."""
        self._drop_held()
        self.upload.discard()
        self.state = State.DISCARDED

    # --- transitions -----------------------------------------------------------------------

    def _start_streaming(self, status: str) -> None:
        """Give up holding: encrypt what was held and stream the rest."""
        if not self.head:
            self.head = bytes(self._held[:metadata.SNIFF_BYTES])
        self._status = status if metadata.cleanable(self.head) else metadata.UNSUPPORTED
        self._encrypt(self._held)
        self._drop_held()
        self.state = State.STREAMING

    def _clean_held(self, keep_metadata: bool) -> metadata.Outcome:
        self.head = bytes(self._held[:metadata.SNIFF_BYTES])
        data: bytes | bytearray = self._held
        if not metadata.cleanable(self.head):
            outcome = metadata.not_cleaned(metadata.UNSUPPORTED, self.head, self.filename,
                                           self.content_type)
        elif keep_metadata:
            outcome = metadata.not_cleaned(metadata.KEPT, self.head)
        else:
            try:
                data, outcome = metadata_sandbox.clean(bytes(self._held))
            except (metadata.Unreadable, metadata.Refused) as exc:
                self.discard()
                why = str(exc) if isinstance(exc, metadata.Refused) else "het bestand lijkt beschadigd"
                raise InvalidInput(
                    f"We konden de metadata niet verwijderen uit ‘{self.filename or 'bijlage'}’: {why}. "
                    "Er is niets verstuurd. Kies een ander bestand, of vink ‘Metadata laten staan’ aan "
                    "om het bestand ongewijzigd te versturen.",
                    field="attachments") from None
        self._encrypt(data)
        self.plain_size = len(data)
        self._drop_held()
        self._seal()
        return outcome

    def _seal(self) -> None:
        self.upload.write(self._encryptor.finish())
        self.upload.close()
        self.state = State.SEALED

    def _encrypt(self, data: bytes | bytearray) -> None:
        view = memoryview(data)
        for start in range(0, len(view), crypto.CHUNK_SIZE):
            self.upload.write(self._encryptor.update(bytes(view[start:start + crypto.CHUNK_SIZE])))

    def _drop_held(self) -> None:
        if self._held:
            self.budget.give_back(len(self._held))
            self._held[:] = bytes(len(self._held))  # best effort: do not leave the plaintext for the allocator
        self._held = bytearray()
