"""Abuse limits without surveillance: guessing receipt codes, challenge signatures, staff
passphrases and second-factor codes is throttled, per client and globally, and a flood of
meldingen meets a per-organisation budget. Throttled answers are 429 with Retry-After and look
the same whether a case exists or not. Clients are counted under keyed hashes that change
every day; addresses are never kept."""
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

import crypto
from tests.conftest import code_from_receipt
from whistle.models import Case
from whistle.reporter_client import FlaskTransport, ReporterClient, b64
from whistle.infra.throttle import Window, client_address, network_of
from whistle.settings import Settings, SettingsError

ALICE = {"REMOTE_ADDR": "203.0.113.7"}
BOB = {"REMOTE_ADDR": "203.0.113.8"}


def wrong(code: str) -> str:
    return ("1" if code[0] != "1" else "2") + code[1:]


def submit_form(browser, org="deventer", **kw):
    # The CSRF token from another page: a throttled form page has no form.
    return browser.submit(f"/o/{org}/melden", {"what": "Er wordt gefraudeerd met declaraties."},
                          form_page=f"/o/{org}/terug", **kw)


@pytest.fixture
def deventer(world):
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example")
    return world


def test_wrong_codes_are_throttled_per_client_and_the_answer_is_the_same_for_any_code(
        deventer, make_app, make_browser, clock):
    app = make_app(melder_failures_per_client=3)
    browser = make_browser(app)
    code = code_from_receipt(submit_form(browser).get_data(as_text=True))
    for _ in range(3):
        r = browser.submit("/o/deventer/terug", {"code": wrong(code)}, environ_base=ALICE)
        assert r.status_code == 401
    refused = [browser.submit("/o/deventer/terug", {"code": c}, environ_base=ALICE)
               for c in (wrong(code), "ZZZZ-ZZZZ-ZZZZ-ZZZZ", code)]
    assert {r.status_code for r in refused} == {429}
    assert len({r.get_data() for r in refused}) == 1  # the real code gets the very same answer
    assert len({r.headers["Retry-After"] for r in refused}) == 1
    assert 0 < int(refused[0].headers["Retry-After"]) <= 15 * 60
    assert "Te veel mislukte pogingen" in refused[0].get_data(as_text=True)
    # Another client is not held back by Alice's failures.
    assert browser.submit("/o/deventer/terug", {"code": code}, environ_base=BOB).status_code == 302
    # When the window has passed, Alice may try again.
    clock.advance(minutes=15)
    assert browser.submit("/o/deventer/terug", {"code": code}, environ_base=ALICE).status_code == 302


def test_wrong_codes_are_throttled_globally_whatever_the_address(deventer, make_app, make_browser):
    app = make_app(melder_failures_per_client=100, melder_failures_global=4)
    browser = make_browser(app)
    code = code_from_receipt(submit_form(browser).get_data(as_text=True))
    for i in range(4):
        r = browser.submit("/o/deventer/terug", {"code": wrong(code)},
                           environ_base={"REMOTE_ADDR": f"198.51.100.{i + 1}"})
        assert r.status_code == 401
    r = browser.submit("/o/deventer/terug", {"code": code}, environ_base={"REMOTE_ADDR": "198.51.100.99"})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0


def api_login_attempt(client, locator_hex, sign_secret, environ):
    challenge = client.post("/api/v1/reporter/challenge", json={"locator": locator_hex},
                            environ_base=environ)
    if challenge.status_code != 200:
        return challenge
    raw = base64_decode(challenge.get_json()["challenge"])
    return client.post("/api/v1/reporter/session", environ_base=environ, json={
        "locator": locator_hex, "challenge": b64(raw), "signature": b64(crypto.sign_login(sign_secret, raw))})


def base64_decode(text):
    import base64
    return base64.b64decode(text + "=" * (-len(text) % 4))


def test_wrong_challenge_signatures_are_throttled_alike_for_existing_and_unknown_cases(
        deventer, make_app):
    app = make_app(melder_failures_per_client=3)
    client = app.test_client()
    melder = ReporterClient(FlaskTransport(client), "deventer")
    melder.submit({"what": "bestaande melding"})
    real = melder.keys
    stranger = crypto.derive_reporter_keys(crypto.new_receipt_code(), "deventer", crypto.MINIMUM)
    # Wrong key for the real case, and an unknown case: both 401, both counted.
    for locator in (real.locator_hex, stranger.locator_hex, real.locator_hex):
        assert api_login_attempt(client, locator, stranger.sign_secret, ALICE).status_code == 401
    existing = api_login_attempt(client, real.locator_hex, real.sign_secret, ALICE)
    unknown = api_login_attempt(client, stranger.locator_hex, stranger.sign_secret, ALICE)
    for r in (existing, unknown):
        assert r.status_code == 429 and r.headers["Retry-After"]
    assert existing.get_json() == unknown.get_json()
    assert "Te veel mislukte pogingen" in existing.get_json()["error"]
    assert api_login_attempt(client, real.locator_hex, real.sign_secret, BOB).status_code == 200


def test_challenges_have_a_budget_per_client(deventer, make_app):
    app = make_app(challenges_per_client=5)
    client = app.test_client()
    locator = "ab" * 16
    answers = [client.post("/api/v1/reporter/challenge", json={"locator": locator}, environ_base=ALICE)
               for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert client.post("/api/v1/reporter/challenge", json={"locator": locator},
                       environ_base=BOB).status_code == 200


def test_forwarded_for_is_only_believed_behind_a_trusted_proxy(deventer, make_app, make_browser):
    untrusting = make_app(melder_failures_per_client=2)
    browser = make_browser(untrusting)
    for i in range(2):
        browser.submit("/o/deventer/terug", {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"},
                       headers={"X-Forwarded-For": f"198.51.100.{i}"}, environ_base=ALICE)
    # A forged header does not buy a fresh budget: the socket's address counts.
    r = browser.submit("/o/deventer/terug", {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"},
                       headers={"X-Forwarded-For": "198.51.100.77"}, environ_base=ALICE)
    assert r.status_code == 429

    proxied = make_app(melder_failures_per_client=2, trusted_proxy_hops=1)
    browser = make_browser(proxied)
    for _ in range(2):
        browser.submit("/o/deventer/terug", {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"},
                       headers={"X-Forwarded-For": "6.6.6.6, 198.51.100.1"}, environ_base=ALICE)
    assert browser.submit("/o/deventer/terug", {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"},
                          headers={"X-Forwarded-For": "198.51.100.1"}, environ_base=ALICE).status_code == 429
    # Behind the proxy, another client (the proxy's rightmost entry) has its own budget; the
    # entries a client prepends itself are ignored.
    assert browser.submit("/o/deventer/terug", {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"},
                          headers={"X-Forwarded-For": "198.51.100.1, 198.51.100.2"},
                          environ_base=ALICE).status_code == 401


def test_client_address_and_network():
    assert client_address("10.1.1.1", "1.1.1.1, 2.2.2.2", 0) == "10.1.1.1"
    assert client_address("10.1.1.1", "1.1.1.1, 2.2.2.2", 1) == "2.2.2.2"
    assert client_address("10.1.1.1", "1.1.1.1, 2.2.2.2", 2) == "1.1.1.1"
    assert client_address("10.1.1.1", "2.2.2.2", 2) == "10.1.1.1"  # fewer hops than trusted
    # One IPv6 household (/64) is one client; IPv4-mapped addresses are their IPv4 address.
    assert network_of("2001:db8:1:2:aaaa::1") == network_of("2001:db8:1:2:bbbb::9")
    assert network_of("2001:db8:1:3::1") != network_of("2001:db8:1:2::1")
    assert network_of("::ffff:203.0.113.7") == "203.0.113.7"
    assert network_of("not an address") == "unknown"


def test_counters_keep_no_address_and_the_key_changes_every_day(deventer, make_app, make_browser, clock):
    app = make_app()
    browser = make_browser(app)
    browser.submit("/o/deventer/terug", {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"}, environ_base=ALICE)
    throttle = app.extensions["whistle_throttle"]
    keys = list(throttle._melder_client._counts)
    assert len(keys) == 1 and len(keys[0]) == 16
    assert b"203.0.113.7" not in keys[0] and ALICE["REMOTE_ADDR"] not in repr(vars(throttle))
    today = throttle.client("203.0.113.7")
    assert throttle.client("203.0.113.7") == today
    clock.advance(days=1)
    assert throttle.client("203.0.113.7") != today


def test_staff_logins_are_throttled_per_account(deventer, make_app, make_browser, world):
    world.staff("deventer", email="vp2@deventer.example")
    app = make_app(staff_failures_per_account=3)
    browser = make_browser(app)
    for _ in range(3):
        assert browser.login_counsellor("vp@deventer.example", "wrong passphrase here").status_code == 401
    r = browser.login_counsellor("vp@deventer.example")  # even the right passphrase now
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert "Te veel mislukte pogingen voor dit account" in r.get_data(as_text=True)
    # Other accounts are not affected; an unknown e-mail address is throttled alike.
    assert browser.login_counsellor("vp2@deventer.example").status_code == 302
    for _ in range(3):
        browser.login_counsellor("niemand@deventer.example", "wrong passphrase here")
    assert browser.login_counsellor("niemand@deventer.example", "wrong passphrase here").status_code == 429


def test_wrong_second_factor_codes_count_against_the_account(deventer, make_app, make_browser):
    app = make_app(staff_failures_per_account=3)
    browser = make_browser(app)
    browser.submit("/vp/login", {"email": "vp@deventer.example", "passphrase": "correct horse battery staple"})
    for _ in range(3):
        assert browser.submit("/vp/login/tweede-stap", {"code": "000000"}).status_code == 401
    r = browser.submit("/vp/login/tweede-stap", {"code": browser.totp_code("vp@deventer.example")})
    assert r.status_code == 429
    assert browser.client.get("/vp/").status_code == 302


def test_a_flood_of_meldingen_meets_the_organisations_hourly_budget(deventer, make_app, make_browser, db, clock):
    app = make_app(intake_cases_per_hour=2)
    browser = make_browser(app)
    assert submit_form(browser).status_code == 200
    api = ReporterClient(FlaskTransport(app.test_client()), "deventer")
    api.submit({"what": "tweede"})
    r = submit_form(browser)
    html = r.get_data(as_text=True)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert "ongewoon veel meldingen" in html and "niet opgeslagen" in html
    # The melder sees it before writing, too.
    assert browser.client.get("/o/deventer/melden").status_code == 429
    api_answer = app.test_client().post("/api/v1/orgs/deventer/reports", json={})
    assert api_answer.status_code == 429 and "ongewoon veel meldingen" in api_answer.get_json()["error"]
    with db() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 2
    # Another organisation has its own budget; after the hour this one opens again.
    deventer.org("senzer", name="Senzer")
    deventer.staff("senzer", email="vp@senzer.example")
    assert submit_form(browser, org="senzer").status_code == 200
    clock.advance(hours=1)
    assert submit_form(browser).status_code == 200


def test_the_byte_budget_counts_attachments_and_later_uploads(deventer, make_app, make_browser, db):
    app = make_app(intake_bytes_per_hour=300_000)
    browser = make_browser(app)
    big = io.BytesIO(b"x" * 200_000)
    r = browser.submit("/o/deventer/melden", {"what": "met bijlage", "attachments": [(big, "a.txt")]},
                       form_page="/o/deventer/melden", content_type="multipart/form-data")
    assert r.status_code == 200
    code = code_from_receipt(r.get_data(as_text=True))
    # A later upload by the melder counts against the same organisation's budget...
    assert browser.melder_login("deventer", code).status_code == 302
    r = browser.submit("/melder/bijlage", {"attachments": [(io.BytesIO(b"y" * 150_000), "b.txt")]},
                       form_page="/melder/zaak", content_type="multipart/form-data")
    assert r.status_code < 400
    # ...and now the budget is spent: no further upload, no new melding.
    r = browser.submit("/melder/bijlage", {"attachments": [(io.BytesIO(b"z" * 10), "c.txt")]},
                       form_page="/melder/zaak", content_type="multipart/form-data")
    assert r.status_code == 429
    assert submit_form(browser).status_code == 429


def test_normal_use_is_not_throttled_by_the_defaults(tmp_path):
    defaults = Settings(data_dir=tmp_path, secret_key="k" * 40)
    assert defaults.melder_failures_per_client >= 10 and defaults.melder_failures_global >= 1000
    assert defaults.staff_failures_per_account >= 10
    assert defaults.intake_cases_per_hour >= 60
    assert defaults.intake_bytes_per_hour >= 2 * defaults.max_attachment_bytes
    assert defaults.trusted_proxy_hops == 0
    with pytest.raises(SettingsError, match="intake_cases_per_hour"):
        Settings(data_dir=tmp_path, secret_key="k" * 40, intake_cases_per_hour=0)


def test_a_window_forgets_and_stays_bounded():
    window = Window(limit=2, seconds=60, max_keys=10)
    window.add(b"a", 0)
    window.add(b"a", 1)
    assert window.retry_after(b"a", 2) == 58
    assert window.retry_after(b"a", 60) == 0
    for i in range(50):
        window.add(bytes([i]), 100)
    assert len(window._counts) <= 10
