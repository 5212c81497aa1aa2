"""Every page: a strict CSP without inline script or other origins, and the other headers;
session cookies HttpOnly and SameSite=Strict; case pages never cached."""
import re
from pathlib import Path

import pytest

from whistle.web.security import CSP

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pages(world, client):
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example")
    return ["/", "/o/deventer/", "/o/deventer/melden", "/o/deventer/terug", "/vp/login",
            "/api/v1/orgs/deventer/intake", "/bestaat-niet"]


def test_security_headers_on_every_answer(pages, client):
    for path in pages:
        r = client.get(path)
        h = r.headers
        csp = h["Content-Security-Policy"]
        assert "default-src 'none'" in csp  # what else each page may load: tests/hardening
        assert "frame-ancestors 'none'" in csp and "form-action 'self'" in csp and "base-uri 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp.replace("wasm-unsafe-eval", "")
        assert not re.search(r"https?://", csp)
        assert h["Referrer-Policy"] == "no-referrer"
        assert h["X-Content-Type-Options"] == "nosniff"
        assert h["Cross-Origin-Opener-Policy"] == "same-origin"
        assert h["Cross-Origin-Resource-Policy"] == "same-origin"
        microphone = "microphone=(self)" if path.endswith("/terug") else "microphone=()"  # a voice message
        for feature in ("camera=()", microphone, "geolocation=()"):
            assert feature in h["Permissions-Policy"]
        assert h["Cache-Control"] == "no-store", path
        assert "Strict-Transport-Security" not in h  # only behind TLS


def test_hsts_and_secure_cookie_behind_tls(settings, engine, clock):
    from whistle.web.app import create_app
    app = create_app(settings.with_(behind_tls=True), clock=clock)
    r = app.test_client().get("/vp/login", base_url="https://localhost")
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Secure" in r.headers.get("Set-Cookie", "")


def test_session_cookie_is_httponly_and_samesite_strict(pages, client):
    r = client.get("/o/deventer/melden")
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_no_template_or_static_file_loads_another_origin_or_inlines_script():
    for path in list((ROOT / "templates").rglob("*.html")) + list((ROOT / "static").rglob("*.css")):
        text = path.read_text()
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), path
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), path
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), f"inline script in {path}"
        assert not re.search(r"\son[a-z]+\s*=", text), f"inline event handler in {path}"
        assert "javascript:" not in text, path


def test_every_form_carries_a_csrf_token():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for form in re.findall(r"<form\b.*?</form>", text, flags=re.S):
            if re.search(r'method="post"', form, flags=re.I):
                assert "csrf_token()" in form, f"POST form without CSRF token in {path}"
