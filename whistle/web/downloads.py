"""Decrypted attachments leave as downloads, never rendered inline."""
from __future__ import annotations

from typing import Iterator
from urllib.parse import quote

from flask import Response, stream_with_context


def download_response(header: dict, plaintext: Iterator[bytes]) -> Response:
    name = str(header.get("name") or "bijlage").replace('"', "").replace("\r", "").replace("\n", "")
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_")
    return Response(stream_with_context(plaintext), mimetype="application/octet-stream", headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}",
        "Content-Length": str(int(header.get("size", 0))),
    })
