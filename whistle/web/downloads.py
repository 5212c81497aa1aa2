"""Decrypted attachments leave as downloads, never rendered inline."""
from __future__ import annotations

import re
from typing import Iterator
from urllib.parse import quote

from flask import Response, stream_with_context

_UNSAFE = re.compile(r'["\x00-\x1f\x7f]')


def download_name(sealed_name: object) -> str:
    """The sealed name is the sender's word: keep only its last path part (protocol section 7),
    without quotes or control characters, and never an empty or dot-only name."""
    name = re.split(r"[/\\]", str(sealed_name or ""))[-1]
    name = _UNSAFE.sub("", name).strip()
    return name[:255] if name.strip(".") else "bijlage"


def download_response(header: dict, plaintext: Iterator[bytes]) -> Response:
    name = download_name(header.get("name"))
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_")
    return Response(stream_with_context(plaintext), mimetype="application/octet-stream", headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}",
        "Content-Length": str(int(header.get("size", 0))),
    })
