"""A browser without JavaScript, over one keep-alive connection: keeps cookies, fills in the
CSRF token, and streams request and response bodies so it never holds a large file."""
from __future__ import annotations

import http.client
import re
import secrets
import urllib.parse
from http.cookies import SimpleCookie
from typing import Callable, Iterable, Iterator

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
RECEIPT_CODE = re.compile(r'class="code"[^>]*>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})<')
READ_SIZE = 1024 * 1024


class HtmlClient:
    def __init__(self, base: str, timeout: float = 3600) -> None:
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port, self.timeout = parsed.hostname, parsed.port, timeout
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def close(self) -> None:
        self.conn.close()

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = dict(extra or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def _keep_cookies(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)

    def request(self, method: str, path: str, body=None, headers: dict[str, str] | None = None,
                ) -> http.client.HTTPResponse:
        try:
            self.conn.request(method, path, body=body, headers=self._headers(headers))
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            # The server closed an idle keep-alive connection: one fresh try (never for a
            # streamed body, which cannot be replayed).
            if body is not None and not isinstance(body, (bytes, str)):
                raise
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self.conn.request(method, path, body=body, headers=self._headers(headers))
            response = self.conn.getresponse()
        self._keep_cookies(response)
        return response

    def get(self, path: str) -> tuple[int, str]:
        response = self.request("GET", path)
        return response.status, response.read().decode()

    def csrf(self, page_path: str) -> str:
        status, page = self.get(page_path)
        match = CSRF.search(page)
        if not match:
            raise RuntimeError(f"no CSRF token on {page_path} ({status})")
        return match.group(1)

    def post_form(self, path: str, fields: dict[str, str], *, form_page: str | None = None,
                  page: str | None = None, multipart: bool = False) -> tuple[int, dict[str, str], str]:
        """Post a form with the CSRF token of `form_page` (fetched), or of `page` (HTML the
        caller fetched already)."""
        token = CSRF.search(page).group(1) if page is not None else self.csrf(form_page or path)
        fields = {"csrf_token": token, **fields}
        if multipart:
            body, content_type = multipart_fields(fields)
        else:
            body, content_type = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
        response = self.request("POST", path, body=body, headers={"Content-Type": content_type})
        return response.status, dict(response.headers), response.read().decode()

    def post_file(self, path: str, form_page: str, field: str, filename: str,
                  chunks: Iterable[bytes], size: int, on_sent: Callable[[], None] | None = None,
                  fields: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        """A multipart form with one file field, whose content streams from `chunks`, after
        the text `fields` (if any)."""
        boundary = "----whistlebench" + secrets.token_hex(12)
        text = "".join(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                       for k, v in (fields or {}).items())
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n"
                f"{self.csrf(form_page)}\r\n{text}"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; "
                f"filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").encode()
        tail = f"\r\n--{boundary}--\r\n".encode()

        def body() -> Iterator[bytes]:
            yield head
            yield from chunks
            yield tail
            if on_sent:
                on_sent()

        response = self.request("POST", path, body=body(), headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(len(head) + size + len(tail))})
        return response.status, dict(response.headers), response.read().decode()

    def download(self, path: str, sink: Callable[[bytes], None]) -> tuple[int, int]:
        """Stream a response body into `sink`; returns (status, bytes received)."""
        response = self.request("GET", path)
        total = 0
        while chunk := response.read(READ_SIZE):
            sink(chunk)
            total += len(chunk)
        return response.status, total


def multipart_fields(fields: dict[str, str]) -> tuple[bytes, str]:
    """A multipart body as a browser sends it, with an empty file field (no file chosen)."""
    boundary = "----whistlebench" + secrets.token_hex(12)
    parts = [f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
             for k, v in fields.items()]
    parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"attachments\"; "
                 f"filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n")
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"
