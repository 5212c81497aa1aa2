"""Nothing readable at rest: unique markers go in through the API and the no-JS form (report,
identity, message, attachment content and file name); afterwards the database file, its WAL,
the attachment folder and the server's log hold none of them, nor any receipt code."""
import base64
import secrets

import pytest

from whistle.reporter_client import HttpTransport, ReporterClient
from tests.conftest import code_from_receipt
from tests.first_login import FIRST, first_login
from tests.live_server import HtmlSession, LiveServer

pytestmark = pytest.mark.no_postgres


def marker(label: str) -> str:
    return f"MARKER{label}{secrets.token_hex(6).upper()}"


def scan(paths, needles):
    found = []
    for path in paths:
        data = path.read_bytes()
        for needle in needles:
            for form in {needle.encode(), needle.encode("utf-16-le"), base64.b64encode(needle.encode())}:
                if form in data:
                    found.append((path.name, needle))
    return found


def test_markers_and_codes_are_nowhere_on_disk_or_in_logs(tmp_path):
    server = LiveServer(tmp_path / "data")
    assert server.cli("db", "upgrade").returncode == 0
    assert server.cli("org", "create", "deventer", "--name", "Gemeente Deventer").returncode == 0
    r = server.cli("user", "create", "--org", "deventer", "--role", "counsellor", "--email", "vp@deventer.example",
                   "--password-stdin", stdin=FIRST + "\n")
    assert r.returncode == 0, r.stderr
    first_login(server.env, "vp@deventer.example", "a long enough passphrase")
    server.start()
    try:
        m = {k: marker(k) for k in ("APIREPORT", "APIIDENTITY", "APIMESSAGE", "APIFILE", "APIFILENAME",
                                     "FORMREPORT", "FORMWHO", "FORMIDENTITY", "FORMMESSAGE", "FORMFILE",
                                     "FORMFILENAME", "REPLY")}
        # Through the API, as a third-party client.
        api = ReporterClient(HttpTransport(server.base), "deventer")
        api.submit({"what": m["APIREPORT"]}, identity={"name": m["APIIDENTITY"]})
        api.log_in()
        api.send_message(m["APIMESSAGE"])
        content = (m["APIFILE"] + " ").encode() * 1000
        api.upload(m["APIFILENAME"] + ".pdf", "application/pdf", [content], len(content))

        # Through the form, as a browser without JavaScript.
        web = HtmlSession(server.base)
        status, page = web.post_form("/o/deventer/melden", {
            "what": m["FORMREPORT"], "who": m["FORMWHO"], "share_identity": "ja", "name": m["FORMIDENTITY"]},
            files=[("attachments", m["FORMFILENAME"] + ".txt", (m["FORMFILE"] + "\n").encode() * 1000)])
        assert status == 200
        form_code = code_from_receipt(page)
        status, _ = web.post_form("/o/deventer/terug", {"code": form_code})
        assert status == 200  # followed the redirect to the case page
        status, _ = web.post_form("/melder/bericht", {"text": m["FORMMESSAGE"]}, form_page="/melder/zaak")
        assert status == 200

        # The counsellor reads everything (the decrypting paths run too) and replies.
        staff = HtmlSession(server.base)
        assert staff.log_in_staff("vp@deventer.example", "a long enough passphrase")[0] == 200
        listing = server.cli("case", "list", "--org", "deventer", "--json").stdout
        import json
        refs = [c["ref"] for c in json.loads(listing)]
        for ref in refs:
            status, html = staff.get(f"/vp/zaak/{ref}")
            assert status == 200
            staff.post_form(f"/vp/zaak/{ref}/bericht", {"text": m["REPLY"]}, form_page=f"/vp/zaak/{ref}")
        status, html = staff.get(f"/vp/zaak/{refs[1]}")
        assert m["FORMREPORT"] in html and m["FORMIDENTITY"] in html  # it was all really there
        codes = [api.code, api.code.replace("-", ""), form_code, form_code.replace("-", "")]
        # While the server runs, the WAL holds the latest writes: scan it then, and again after.
        files = on_disk(server.data_dir)
        assert any(p.name.endswith("-wal") for p in files)
        assert scan(files, refs), "the scan must see what is stored in the clear (case refs)"
        assert scan(files + [server.log_path], list(m.values()) + codes) == []
    finally:
        server.stop()
    files = on_disk(server.data_dir)
    assert len([p for p in (server.data_dir / "attachments").iterdir() if p.is_file()]) == 2
    assert scan(files + [server.log_path], list(m.values()) + codes) == []


def on_disk(data_dir):
    return [p for p in data_dir.rglob("*") if p.is_file() and p.name != "whistle.toml"]
