"""Two `whistle serve` processes on one database (issue 17.4): with shared_staff_sessions a
staff login made on one continues on the other, and logging out on the other ends it on the
first. Without the setting each process keeps its own sessions (docs/operations.md)."""
import pytest

from tests.first_login import FIRST, first_login
from tests.live_server import HtmlSession, LiveServer

EMAIL = "vp@deventer.example"
OWN = "a long enough passphrase"


def servers(tmp_path, shared: bool):
    data = tmp_path / "data"
    one = LiveServer(data)
    one.env["WHISTLE_SHARED_STAFF_SESSIONS"] = "1" if shared else "0"
    assert one.cli("db", "upgrade").returncode == 0
    assert one.cli("org", "create", "deventer", "--name", "Gemeente Deventer").returncode == 0
    assert one.cli("user", "create", "--org", "deventer", "--role", "counsellor", "--email", EMAIL,
                   "--password-stdin", stdin=FIRST + "\n").returncode == 0
    first_login(one.env, EMAIL, OWN)
    other = LiveServer(data)
    other.env["WHISTLE_SHARED_STAFF_SESSIONS"] = one.env["WHISTLE_SHARED_STAFF_SESSIONS"]
    return one, other


def carry(web: HtmlSession, base: str) -> HtmlSession:
    moved = HtmlSession(base)
    for cookie in web.jar:
        moved.jar.set_cookie(cookie)
    return moved


@pytest.mark.slow
@pytest.mark.parametrize("shared", [True, False])
def test_a_staff_login_continues_on_the_other_server_only_when_shared(tmp_path, shared):
    one, other = servers(tmp_path, shared)
    one.start()
    try:
        other.start()
        try:
            assert one.port != other.port
            web = HtmlSession(one.base)
            web.log_in_staff(EMAIL, OWN)
            status, page = web.get("/vp/")
            assert status == 200 and "Uitloggen" in page
            there = carry(web, other.base)
            status, page = there.get("/vp/")
            if not shared:
                assert "Uitloggen" not in page  # sent to the login page
                return
            assert status == 200 and "Uitloggen" in page
            there.post_form("/vp/logout", {}, form_page="/vp/")
            status, page = web.get("/vp/")
            assert "Uitloggen" not in page
        finally:
            other.stop()
    finally:
        one.stop()
