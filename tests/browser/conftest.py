"""Real headless Chromium (Debian's package) driven by Playwright, against a live server on
loopback that runs the test app with its real database. Skips cleanly when Chromium or
Playwright is missing (.ci/run installs Chromium with apt-get)."""
from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None


@dataclass
class Sent:
    method: str
    path: str
    headers: dict
    body: bytes


@dataclass
class RequestLog:
    """Every request the server received, with its whole body, as the wire carried it."""
    requests: list[Sent] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sent: Sent) -> None:
        with self.lock:
            self.requests.append(sent)

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()

    def to(self, fragment: str, method: str | None = None) -> list[Sent]:
        with self.lock:
            return [r for r in self.requests
                    if fragment in r.path and (method is None or r.method == method)]


class Recording:
    """WSGI middleware: keeps a copy of each request body before the app reads it."""

    def __init__(self, app, log: RequestLog) -> None:
        self.app, self.log = app, log

    def __call__(self, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        headers = {k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")}
        path = environ.get("PATH_INFO", "") + ("?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else "")
        self.log.add(Sent(environ["REQUEST_METHOD"], path, headers, body))
        return self.app(environ, start_response)


@dataclass
class LiveServer:
    base: str
    log: RequestLog


@pytest.fixture
def live_server(app):
    from waitress.server import create_server

    log = RequestLog()
    server = create_server(Recording(app, log), host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield LiveServer(f"http://127.0.0.1:{server.effective_port}", log)
    server.close()
    thread.join(timeout=5)


# Per module, not per session: Playwright's sync API keeps its own event loop while it runs,
# and other suites (aiosmtpd, asyncio) must not meet it.
@pytest.fixture(scope="module")
def chromium():
    if sync_playwright is None:
        pytest.skip("playwright is not installed (pip install playwright)")
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


# A Dutch browser (Accept-Language): the pages come in the reader's language (issue 16.1), and
# these tests read the Dutch ones; tests/browser/test_melder_languages_reflow.py chooses others.
LOCALE = "nl-NL"


@pytest.fixture
def page(chromium):
    """A fresh browser profile with JavaScript on; every request it makes is kept."""
    context = chromium.new_context(accept_downloads=True, locale=LOCALE)
    context.set_default_timeout(20000)
    page = context.new_page()
    page.sent = []
    page.on("request", lambda r: page.sent.append(r))
    yield page
    context.close()


@pytest.fixture
def page_without_js(chromium):
    context = chromium.new_context(java_script_enabled=False, locale=LOCALE)
    context.set_default_timeout(20000)
    page = context.new_page()
    yield page
    context.close()


ROOT = Path(__file__).resolve().parents[2]
PROTOCOL_SCRIPTS = [ROOT / "static/vendor/libsodium/libsodium-sumo.js",
                    ROOT / "static/vendor/libsodium/libsodium-wrappers-sumo.js",
                    ROOT / "static/js/protocol.js",
                    Path(__file__).with_name("vectors_harness.js")]


def open_protocol_page(chromium):
    """A blank page with the browser's protocol code and the test harness, no server needed."""
    context = chromium.new_context()
    page = context.new_page()
    page.set_content("<!doctype html><title>vectors</title>")
    for path in PROTOCOL_SCRIPTS:
        page.add_script_tag(path=str(path))
    page.wait_for_function("window.sodium && window.WhistleVectors")
    return context, page


@pytest.fixture
def protocol_page(chromium):
    context, page = open_protocol_page(chromium)
    yield page
    context.close()
