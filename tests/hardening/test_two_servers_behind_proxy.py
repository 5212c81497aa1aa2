"""Issue 17.4 end to end: two real `whistle serve` processes on different ports behind the
nginx configuration we ship (deploy/nginx), sharing one data directory, with
shared_staff_sessions, the throttle in Redis and the scheduler switched on in both. Through
the proxy, which sends requests to the two in turn: a staff login (its steps land on both
servers) continues; wrong receipt codes spread over both are counted together; and each daily
job runs on one server only (the deadline pass, which ticks at start in both). Skips without nginx or without a Redis server."""
from __future__ import annotations

import re
import time

import pytest

from bench.proxy import NginxProxy
from tests.first_login import FIRST, first_login
from tests.hardening.test_shared_throttle import REDIS_URL
from tests.live_server import HtmlSession, LiveServer

EMAIL = "vp@deventer.example"
OWN = "a long enough passphrase"
RECEIPT = re.compile(r'class="code"[^>]*>\s*([0-9A-Z-]+)\s*<')


def redis_answers() -> bool:
    try:
        import redis
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
        return True
    except Exception:  # no package, no server
        return False


@pytest.mark.slow
@pytest.mark.skipif(not NginxProxy.available(), reason="nginx is not installed")
@pytest.mark.skipif(not redis_answers(), reason=f"no Redis answers at {REDIS_URL}")
def test_two_servers_behind_the_shipped_proxy_act_as_one(tmp_path):
    import redis
    redis.Redis.from_url(REDIS_URL).flushdb()  # the test database of Redis: counters of earlier runs
    config = (f'shared_staff_sessions = true\nthrottle_store = "{REDIS_URL}"\ntrusted_proxy_hops = 1\n'
              "melder_failures_per_client = 4\nrun_scheduler = true\n")
    data = tmp_path / "data"
    one = LiveServer(data, config)
    assert one.cli("db", "upgrade").returncode == 0
    assert one.cli("org", "create", "deventer", "--name", "Gemeente Deventer").returncode == 0
    assert one.cli("user", "create", "--org", "deventer", "--role", "counsellor", "--email", EMAIL,
                   "--password-stdin", stdin=FIRST + "\n").returncode == 0
    first_login(one.env, EMAIL, OWN)
    other = LiveServer(data, config)
    one.start()
    try:
        other.start()
        try:
            with NginxProxy([f"127.0.0.1:{one.port}", f"127.0.0.1:{other.port}"]) as proxy:
                try:
                    walk_through(proxy.base)
                except AssertionError as failure:  # what the servers said, to tell why
                    raise AssertionError(f"{failure}\nservers' log:\n{one.log_path.read_text()[-4000:]}") from None
            scheduler_ran_once(one.log_path)
        finally:
            other.stop()
    finally:
        one.stop()


def walk_through(base: str) -> None:
    # A staff login: the form, the passphrase and the second factor land on both servers in
    # turn, and every page after it is served logged in, whichever server answers.
    staff = HtmlSession(base)
    status, page = staff.log_in_staff(EMAIL, OWN)
    # A first login ends on the page with the recovery codes, a later one on the start page.
    assert status == 200 and ("Uw herstelcodes" in page or "Uitloggen" in page), (status, page[-1500:])
    for _ in range(4):
        status, page = staff.get("/vp/")
        assert status == 200 and "Uitloggen" in page

    melder = HtmlSession(base)
    status, page = melder.post_form("/o/deventer/melden", {"what": "Er wordt gefraudeerd met declaraties."})
    assert status == 200, page[:400]
    code = RECEIPT.search(page).group(1)
    wrong = ("1" if code[0] != "1" else "2") + code[1:]
    for _ in range(4):  # two on each server: each alone would allow the next
        status, _page = HtmlSession(base).post_form("/o/deventer/terug", {"code": wrong})
        assert status == 401
    answers = [HtmlSession(base).post_form("/o/deventer/terug", {"code": code})[0] for _ in range(2)]
    assert answers == [429, 429]


def scheduler_ran_once(log_path) -> None:
    deadline = time.time() + 20
    lines: list[str] = []
    while time.time() < deadline:
        lines = [l for l in log_path.read_text().splitlines() if l.startswith("whistle.jobs ")]
        if sum("deadline watch" in l for l in lines) >= 2:
            break
        time.sleep(0.2)
    for job in ("deadline watch",):  # the one daily job that ticks at start (whistle/jobs.py)
        ran = [l for l in lines if job in l and "another worker has today" not in l]
        skipped = [l for l in lines if job in l and "another worker has today" in l]
        assert len(ran) == 1 and len(skipped) == 1, lines
