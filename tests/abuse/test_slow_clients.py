"""Issue 11 point 4: slow clients cannot hold the service. The arrangement we ship: nginx in
front (deploy/nginx/whistle.conf, rendered and started here as an unprivileged child) of a real
`whistle serve`. With 200 connections trickling headers and 200 trickling bodies, a melding
through the API and one through the no-JS form each complete within 5 s, and no request body
is spooled to nginx's client_body_temp (nor anywhere else in its prefix)."""
from __future__ import annotations

import os
import time

import pytest

from bench.attacks import SlowClients
from bench.common import ORG, WhistleServer
from bench.html_client import HtmlClient
from bench.proxy import NginxProxy
from deploy.nginx.render import render
from whistle.reporter_client import HttpTransport, ReporterClient

needs_nginx = pytest.mark.skipif(not NginxProxy.available(), reason="nginx is not installed")
BEHIND_PROXY = "trusted_proxy_hops = 1\n"


@pytest.fixture(scope="module")
def proxied():
    if not NginxProxy.available():
        pytest.skip("nginx is not installed")
    with WhistleServer(fast_kdf=True, threads=256, extra_settings=BEHIND_PROXY) as server:
        with NginxProxy([f"127.0.0.1:{server.port}"]) as proxy:
            yield server, proxy


def _melding_via_api(base: str) -> float:
    start = time.monotonic()
    ReporterClient(HttpTransport(base), ORG).submit({"what": "een echte melding via de API"})
    return time.monotonic() - start


def _melding_via_form(base: str, marker: bytes) -> float:
    start = time.monotonic()
    client = HtmlClient(base, timeout=30)
    data = marker * 2048
    status, _h, page = client.post_file(f"/o/{ORG}/melden", f"/o/{ORG}/melden", "attachments", "notitie.txt",
                                        [data], len(data), fields={"what": "een echte melding via het formulier"})
    client.close()
    assert status == 200 and 'class="code"' in page, (status, page[:500])
    return time.monotonic() - start


@needs_nginx
@pytest.mark.slow
def test_a_melding_completes_within_5_s_while_400_connections_trickle(proxied):
    server, proxy = proxied
    marker = os.urandom(8).hex().encode()
    with SlowClients(proxy.port, ORG, headers=200, bodies=200) as slow:
        time.sleep(3)  # every trickler connected and holding what it can
        api = _melding_via_api(proxy.base)
        form = _melding_via_form(proxy.base, marker)
        time.sleep(9)  # past the app's grace: dropped bodies are reopened, the attack goes on
        api_later = _melding_via_api(proxy.base)
        form_later = _melding_via_form(proxy.base, marker)
        reopened = slow.reopened
    assert max(api, form, api_later, form_later) < 5, (api, form, api_later, form_later)
    assert reopened > 0  # the slow bodies were dropped by the minimum rate, and came back
    assert proxy.body_temp_files() == []
    for path in proxy.files():
        assert marker not in path.read_bytes(), path
    assert "buffered to a temporary file" not in proxy.log_path.read_text()


@needs_nginx
def test_nginx_streams_a_chunked_upload_to_the_app_without_spooling(proxied):
    """A chunked body (no Content-Length) through the proxy: answered by the application's
    own limit (413 past it), streamed, nothing in client_body_temp."""
    import socket
    server, proxy = proxied
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=30) as s:
        s.sendall(f"POST /api/v1/orgs/{ORG}/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n".encode())
        piece = b"a" * 65536
        answer = b""
        try:
            for _ in range(1024):  # up to 64 MiB, far past the intake's limit
                s.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
        except OSError:
            pass
        s.settimeout(10)
        try:
            while len(answer) < 4096 and (more := s.recv(4096)):
                answer += more
        except OSError:
            pass
    # The application's 413; or, when its close reset the connection before nginx read that
    # answer, nginx's own Dutch page (deploy/nginx/whistle.conf, @unavailable). Never a 200.
    assert answer.startswith(b"HTTP/1.1 413") or (answer.startswith(b"HTTP/1.1 502")
                                                  and b"Niet verstuurd" in answer), answer[:400]
    assert proxy.body_temp_files() == []


def test_the_template_renders_several_upstreams_and_refuses_a_value_that_would_inject():
    text = render(listen="127.0.0.1:8443", upstreams=["127.0.0.1:8080", "127.0.0.1:8081"], prefix="/srv/px")
    assert "server 127.0.0.1:8080 max_fails=0;" in text and "server 127.0.0.1:8081 max_fails=0;" in text
    assert "proxy_request_buffering off;" in text and "proxy_max_temp_file_size 0;" in text
    assert "client_body_temp_path /srv/px/client_body_temp;" in text and "@@" not in text
    with pytest.raises(ValueError):
        render(listen="80; include /etc/passwd", upstreams=["127.0.0.1:8080"], prefix="/srv/px")
    with pytest.raises(ValueError):
        render(listen="80", upstreams=[], prefix="/srv/px")
