"""Response headers every page gets. No third-party origin anywhere, no inline script."""
from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from flask import Flask, current_app, request

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
# The melder's pages run libsodium.js, which compiles its WebAssembly from bytes it carries;
# browsers allow that only with 'wasm-unsafe-eval' (not 'unsafe-eval': JavaScript eval stays
# forbidden). Without it libsodium.js silently falls back to plain JavaScript, which needs
# minutes for one Argon2id derivation. Staff pages run no WebAssembly and keep the strict CSP.
REPORTER_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'")
# Only what each kind of answer needs: staff and error pages run no script and fetch nothing
# (the enrolment QR code is inline SVG); JSON and static files are never rendered as a page.
PAGE_CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'")
RESOURCE_CSP = "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
# The melder's key derivation worker (static/js/kdf-worker.js) runs under its own answer's CSP:
# it may load libsodium.js and protocol.js from this origin and compile WebAssembly, nothing else.
KDF_WORKER_PATH = "/static/js/kdf-worker.js"
WORKER_CSP = ("default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; form-action 'self'; "
              "frame-ancestors 'none'; base-uri 'none'")
# The melder's browser path (the return page, static/js/terug.js) may record a voice message,
# encrypted in the browser (static/js/melder-voice.js): the microphone of this origin, on that
# page only and only after the browser asks the melder; every other page denies it.
VOICE_PAGES = frozenset({"reporter.login"})
VOICE_PERMISSIONS = "camera=(), microphone=(self), geolocation=(), interest-cohort=()"
# ... and play the recording back before it is sent: a blob: URL the page made itself.
VOICE_CSP = REPORTER_CSP + "; media-src blob:"

HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


def init_app(app: Flask) -> None:
    behind_tls = app.extensions["whistle"].settings.behind_tls

    app.add_template_global(subresource_integrity)

    @app.after_request
    def _headers(response):
        if request.endpoint in VOICE_PAGES:
            response.headers.setdefault("Content-Security-Policy", VOICE_CSP)
            response.headers.setdefault("Permissions-Policy", VOICE_PERMISSIONS)
        response.headers.setdefault("Content-Security-Policy", csp_for(request.blueprint, request.path))
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if behind_tls or request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        if not request.path.startswith("/static/"):
            # Case pages must not linger in a shared computer's cache.
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        return response


def csp_for(blueprint: str | None, path: str) -> str:
    if blueprint == "reporter":
        return REPORTER_CSP
    if path == KDF_WORKER_PATH:
        return WORKER_CSP
    if blueprint == "api" or path.startswith("/static/"):
        return RESOURCE_CSP
    return PAGE_CSP


_integrity_cache: dict[tuple[str, int, int], str] = {}


def subresource_integrity(filename: str) -> str:
    """`sha384-...` of a file under static/, for <script integrity>. Cached per file version."""
    path = Path(current_app.static_folder) / filename
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _integrity_cache:
        digest = hashlib.sha384(path.read_bytes()).digest()
        _integrity_cache[key] = "sha384-" + base64.b64encode(digest).decode("ascii")
    return _integrity_cache[key]
