"""Files posted through the no-JavaScript forms are encrypted as they arrive: the request's
stream factory hands Werkzeug's multipart parser a file-like sink per file, which feeds each
chunk to an AttachmentIntake (whistle.infra.attachment_intake: when to hold a file for
metadata cleaning, when to stream it encrypted; no plaintext ever touches the disk). This
module only translates between the parser, Flask's request and that state machine."""
from __future__ import annotations

from flask import Request, current_app, g
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wsgi import LimitedStream

from whistle.infra.attachment_intake import AttachmentIntake, MemoryBudget, PlainAttachment
from whistle.services.errors import TooLarge


class IntakeSink:
    """What the multipart parser writes a file part into."""

    def __init__(self, intake: AttachmentIntake) -> None:
        self.intake = intake

    def write(self, data: bytes) -> int:
        try:
            self.intake.feed(data)
        except TooLarge as exc:
            raise RequestEntityTooLarge(exc.message) from None
        return len(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        # The parser seeks to 0 when the part is complete: that is where the file ends.
        self.intake.end()
        return 0

    def read(self, *_args) -> bytes:  # FileStorage may probe; there is no plaintext to give
        return b""

    def close(self) -> None:
        pass


# The views that take attachment bodies; every other request is read to a small limit.
UPLOAD_ENDPOINTS = frozenset({"reporter.new_report", "reporter.post_attachment", "api.post_attachment",
                              "handover.record_oral"})  # the counsellor's recording of an oral melding


class WhistleRequest(Request):
    max_form_parts = 200

    @property
    def max_content_length(self) -> int | None:
        """No body is read past its view's limit, with or without Content-Length (a chunked
        body is cut off as it arrives, and answered with 413): an upload view may take an
        attachment, the API's other views a JSON body, everything else a form."""
        if self._max_content_length is not None:
            return self._max_content_length
        if self.endpoint in UPLOAD_ENDPOINTS:
            return current_app.config["MAX_CONTENT_LENGTH"]
        settings = current_app.extensions["whistle"].settings
        if self.blueprint == "api":
            return settings.max_json_bytes
        return 4 * settings.max_form_bytes

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    def _load_form_data(self) -> None:
        super()._load_form_data()
        # A chunked urlencoded body is read only up to the limit, and Werkzeug parses what it
        # got: a body that reached the limit is too large, not a shorter form.
        stream = self.__dict__.get("stream")
        if isinstance(stream, LimitedStream) and stream._limit_is_max and stream.is_exhausted:
            raise RequestEntityTooLarge()
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
        intake = AttachmentIntake(settings.attachments_dir, settings.max_attachment_bytes,
                                  filename, content_type, g.upload_budget)
        g.setdefault("upload_intakes", []).append(intake)
        return IntakeSink(intake)


def posted_attachments(field: str, *, keep_metadata: bool = False) -> list[PlainAttachment]:
    """The files of one form field, encrypted; images and PDFs cleaned of metadata unless the
    melder chose to keep it."""
    from flask import request
    out = []
    for storage in request.files.getlist(field):
        sink = storage.stream
        if isinstance(sink, IntakeSink):
            att = sink.intake.finish(keep_metadata)
            if att is not None:
                out.append(att)
    return out


def discard_unclaimed_uploads(_exc=None) -> None:
    """Teardown: whatever was uploaded but not committed to a case is removed."""
    for intake in g.pop("upload_intakes", []):
        intake.discard()
