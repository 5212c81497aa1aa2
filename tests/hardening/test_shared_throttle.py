"""Abuse limits shared by several app servers (issue 17.4): with `throttle_store` set to a
Redis URL, two processes count wrong codes and intake together; Redis holds only keyed hashes
and numbers, each expiring; and when Redis does not answer, each process still counts on its
own, and the channel stays open. Two apps in one test process stand for two servers (each app
has its own in-memory counters, as a process would). Needs a Redis server for the shared tests
(WHISTLE_TEST_REDIS_URL, default redis://127.0.0.1:6379/15); they skip without one."""
import os
import time
import uuid

import pytest

from tests.conftest import code_from_receipt
from tests.hardening.test_abuse_limits import ALICE, submit_form, wrong
from whistle.infra import throttle_store
from whistle.settings import Settings, SettingsError

REDIS_URL = os.environ.get("WHISTLE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def deventer(world):
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example")
    return world


@pytest.fixture
def redis_client(monkeypatch):
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5, socket_timeout=1)
    try:
        client.ping()
    except (redis.RedisError, OSError):
        pytest.skip(f"no Redis answers at {REDIS_URL}")
    prefix = f"whistle-test:{uuid.uuid4().hex}:"
    monkeypatch.setattr(throttle_store, "PREFIX", prefix)
    yield client, prefix
    for key in client.scan_iter(prefix + "*"):
        client.delete(key)


@pytest.mark.parametrize("store", ["shared", "memory"])
def test_two_servers_count_wrong_codes_together_only_with_a_shared_store(
        deventer, make_app, make_browser, redis_client, store):
    url = REDIS_URL if store == "shared" else "memory"
    one, other = (make_browser(make_app(melder_failures_per_client=3, throttle_store=url)) for _ in range(2))
    code = code_from_receipt(submit_form(one).get_data(as_text=True))
    for browser in (one, one, other):  # three failures, spread over the two servers
        assert browser.submit("/o/deventer/terug", {"code": wrong(code)}, environ_base=ALICE).status_code == 401
    answers = [b.submit("/o/deventer/terug", {"code": code}, environ_base=ALICE) for b in (one, other)]
    if store == "memory":  # each process allows its own three: neither saw them all
        assert [a.status_code for a in answers] == [302, 302]
        return
    assert [a.status_code for a in answers] == [429, 429]
    assert 0 < int(answers[1].headers["Retry-After"]) <= 15 * 60


def test_the_intake_budget_of_an_organisation_is_one_across_servers(deventer, make_app, make_browser,
                                                                       redis_client):
    one, other = (make_browser(make_app(intake_cases_per_hour=2, throttle_store=REDIS_URL)) for _ in range(2))
    assert submit_form(one).status_code == 200
    assert submit_form(other).status_code == 200
    refused = submit_form(one)
    assert refused.status_code == 429 and "ongewoon veel meldingen" in refused.get_data(as_text=True)
    assert submit_form(other).status_code == 429


def test_the_store_holds_only_hashes_and_numbers_that_expire(deventer, make_app, make_browser, redis_client):
    client, prefix = redis_client
    browser = make_browser(make_app(throttle_store=REDIS_URL))
    code = code_from_receipt(submit_form(browser).get_data(as_text=True))
    browser.submit("/o/deventer/terug", {"code": wrong(code)}, environ_base=ALICE)
    browser.submit("/vp/login", {"email": "vp@deventer.example", "password": "wrong wrong wrong"},
                   environ_base=ALICE)
    keys = sorted(k.decode() for k in client.scan_iter(prefix + "*"))
    names = {k[len(prefix):].split(":")[0] for k in keys}
    assert {"melder", "melder-all", "staff", "staff-client", "cases", "bytes", "key"} <= names, keys
    for key in keys:
        value = client.get(key)
        ttl = client.ttl(key)
        assert 0 < ttl <= throttle_store.KEY_TTL_SECONDS, key
        for secret in (b"203.0.113.7", b"vp@deventer.example", code.encode(), b"deventer"):
            assert secret not in key.encode() and secret not in value, key
        if not key[len(prefix):].startswith("key:"):
            # A counter: its key is keyed hashes (and the public organisation slug for intake,
            # or "all" for the global budget), its value a number.
            name, counted = key[len(prefix):].split(":")
            counted = bytes.fromhex(counted)
            # (Whole values only: a single byte such as "@" turns up in a random hash now and then.)
            assert int(value) > 0 and b"203.0.113" not in counted and b"deventer.example" not in counted, key


def test_without_an_answer_from_the_store_each_server_counts_on_its_own(deventer, make_app, make_browser):
    pytest.importorskip("redis")
    closed = "redis://127.0.0.1:9/0"  # the discard port: nothing listens
    app = make_app(melder_failures_per_client=3, throttle_store=closed)
    browser = make_browser(app)
    code = code_from_receipt(submit_form(browser).get_data(as_text=True))  # the channel is open
    store = app.extensions["whistle_throttle"].store
    assert store._down_until > time.monotonic()  # failed once, and is not asked again for a while
    for _ in range(3):
        assert browser.submit("/o/deventer/terug", {"code": wrong(code)}, environ_base=ALICE).status_code == 401
    assert browser.submit("/o/deventer/terug", {"code": code}, environ_base=ALICE).status_code == 429


def test_the_setting_accepts_memory_or_a_redis_url(tmp_path):
    base = dict(data_dir=tmp_path, secret_key="k" * 40)
    assert Settings(**base).throttle_store == "memory"
    assert Settings(**base, throttle_store="redis://cache:6379/0").throttle_store.startswith("redis://")
    with pytest.raises(SettingsError, match="throttle_store"):
        Settings(**base, throttle_store="memcached://cache")


def stamps(clock, store=None, secret="s" * 40):
    from whistle.infra.work import WorkStamps, stamp_key
    return WorkStamps(clock, base_bits=4, max_bits=12, key=stamp_key(secret), store=store)


def test_a_challenge_one_server_issued_is_checked_by_another(clock):
    from whistle.infra.work import WorkRefused, solve
    one, other, stranger = stamps(clock), stamps(clock), stamps(clock, secret="t" * 40)
    challenge = one.issue("deventer")
    nonce = solve(challenge["challenge"], challenge["bits"])
    with pytest.raises(WorkRefused, match="not ours"):
        stranger.check("deventer", challenge["challenge"], nonce)  # another installation's key
    other.check("deventer", challenge["challenge"], nonce)


def test_a_spent_challenge_and_the_intake_rate_are_shared_through_the_store(clock, redis_client):
    from whistle.infra.work import FREE_RATE, WorkRefused, solve
    store = throttle_store.RedisStore(REDIS_URL)
    one, other = stamps(clock, store), stamps(clock, throttle_store.RedisStore(REDIS_URL))
    challenge = one.issue("deventer")
    nonce = solve(challenge["challenge"], challenge["bits"])
    one.check("deventer", challenge["challenge"], nonce)
    with pytest.raises(WorkRefused, match="used"):
        other.check("deventer", challenge["challenge"], nonce)
    for _ in range(FREE_RATE):  # a flood accepted on one server raises the difficulty on both
        one.accepted("deventer")
    assert other.required_bits("deventer") == one.required_bits("deventer") > 4
    assert stamps(clock).required_bits("deventer") == 4  # a server without the store saw nothing
