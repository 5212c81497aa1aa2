"""Response headers, one test per header, over pages of every actor: the melder's pages, the
staff pages (login, second factor, case, admin), the API, static files, errors and throttled
answers. Every case page is sent with Cache-Control: no-store."""
import re

import pyotp
import pytest
from sqlalchemy import create_engine, select, text

import crypto
from tests.conftest import PASSPHRASE, PG_URL, Browser, World, _pg_schema_url, code_from_receipt
from whistle.infra import migrate
from whistle.clock import MovableClock
from whistle.infra.db import make_engine, make_session_factory, transaction
from whistle.models import Case
from whistle.reporter_client import FlaskTransport, ReporterClient
from whistle.settings import Settings
from whistle.web.app import create_app


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    """label -> response, for one page of each kind; built once for all the tests here."""
    tmp = tmp_path_factory.mktemp("headers")
    url, schema = (_pg_schema_url(PG_URL) if PG_URL
                   else (f"sqlite:///{tmp / 'data' / 'whistle.sqlite3'}", None))
    (tmp / "data").mkdir()
    settings = Settings(data_dir=tmp / "data", secret_key="test-" + "k" * 40, database_url=url,
                        reporter_kdf=crypto.MINIMUM, staff_kdf=crypto.MINIMUM, testing=True)
    clock = MovableClock()
    engine = make_engine(url)
    migrate.upgrade(engine)
    apps = []

    def make_app(**changes):
        apps.append(create_app(settings.with_(**changes), clock=clock))
        return apps[-1]
    try:
        yield collect(World(lambda: transaction(make_session_factory(engine)), settings, clock), make_app)
    finally:
        for app in apps:
            app.extensions["whistle_engine"].dispose()
        engine.dispose()
        if schema:
            drop = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
            with drop.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            drop.dispose()


def collect(world, make_app):
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example")
    world.staff("deventer", role="admin", email="beheer@deventer.example", enrolled=False)
    browser = Browser(make_app().test_client())
    client = browser.client
    got = {"melder start": client.get("/o/deventer/"), "melder form": client.get("/o/deventer/melden"),
           "melder login": client.get("/o/deventer/terug"), "index": client.get("/"),
           "staff login": client.get("/vp/login"), "static css": client.get("/static/whistle.css"),
           "static js": client.get("/static/js/protocol.js"), "not found": client.get("/bestaat-niet"),
           "api intake": client.get("/api/v1/orgs/deventer/intake")}
    receipt = browser.submit("/o/deventer/melden", {"what": "Fraude met declaraties."})
    got["melder receipt"] = receipt
    browser.melder_login("deventer", code_from_receipt(receipt.get_data(as_text=True)))
    got["melder case page"] = client.get("/melder/zaak")
    browser.submit("/melder/uitloggen", {}, form_page="/melder/zaak")

    melder = ReporterClient(FlaskTransport(client), "deventer")
    melder.submit({"what": "via de API"})
    melder.log_in()
    got["api case"] = client.get("/api/v1/reporter/case", headers={"Authorization": f"Bearer {melder.token}"})

    # The admin's first login: enrolment, then the reset page.
    browser.submit("/vp/login", {"email": "beheer@deventer.example", "passphrase": PASSPHRASE})
    got["staff enrolment"] = enrolment = client.get("/vp/login/inrichten")
    secret = re.search(r'class="totp-secret">([A-Z2-7 ]+)<', enrolment.get_data(as_text=True)).group(1)
    got["staff recovery codes"] = browser.submit(
        "/vp/login/inrichten", {"code": pyotp.TOTP(secret.replace(" ", "")).at(world.clock.now())})
    got["admin reset page"] = client.get("/vp/beheer/tweede-factor")
    browser.submit("/vp/logout", {}, form_page="/vp/start")

    browser.submit("/vp/login", {"email": "vp@deventer.example", "passphrase": PASSPHRASE})
    got["staff second step"] = client.get("/vp/login/tweede-stap")
    browser.submit("/vp/login/tweede-stap", {"code": browser.totp_code("vp@deventer.example")})
    with world.db() as s:
        ref = s.scalars(select(Case.ref)).first()
    got["staff inbox"] = client.get("/vp/")
    got["staff case page"] = client.get(f"/vp/zaak/{ref}")

    tight = Browser(make_app(melder_failures_per_client=1).test_client())
    tight.submit("/o/deventer/terug", {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"})
    got["throttled page"] = tight.submit("/o/deventer/terug", {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"})
    got["throttled api"] = tight.client.post("/api/v1/reporter/session", json={})
    assert got["throttled page"].status_code == got["throttled api"].status_code == 429

    over_tls = make_app().test_client()
    got["tls"] = [over_tls.get(path, base_url="https://localhost")
                  for path in ("/o/deventer/", "/vp/login", "/api/v1/orgs/deventer/intake", "/static/whistle.css")]
    got["tls configured"] = make_app(behind_tls=True).test_client().get("/vp/login")
    for label, r in got.items():
        if not label.startswith("tls"):
            assert r.status_code in (200, 404, 429), (label, r.status_code)
    return got


def pages(answers):
    return {label: r for label, r in answers.items() if not label.startswith("tls")}


def directives(csp: str) -> dict[str, str]:
    return {part.split()[0]: " ".join(part.split()[1:]) for part in csp.split(";") if part.strip()}


def expected_csp(label: str) -> dict[str, str]:
    base = {"default-src": "'none'", "form-action": "'self'", "frame-ancestors": "'none'", "base-uri": "'none'"}
    if label.startswith(("melder", "index")) or label == "throttled page":
        voice = {"media-src": "blob:"} if label in ("melder login", "throttled page") else {}  # hearing a voice message back
        return base | voice | {"script-src": "'self' 'wasm-unsafe-eval'", "style-src": "'self'",
                               "img-src": "'self' data:", "connect-src": "'self'"}
    if label.startswith(("api", "static", "throttled api")):
        return base
    return base | {"style-src": "'self'", "img-src": "'self'"}  # staff and error pages: no script


HEADERS = {
    "Content-Security-Policy": None,  # per page: see expected_csp
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


@pytest.mark.parametrize("header", list(HEADERS))
def test_header_on_every_answer(answers, header):
    for label, r in pages(answers).items():
        value = r.headers.get(header)
        assert value, f"{header} missing on {label}"
        if header == "Content-Security-Policy":
            assert directives(value) == expected_csp(label), label
            assert "unsafe-inline" not in value and "'unsafe-eval'" not in value
            assert not re.search(r"https?:|//", value), label
        else:
            assert value == HEADERS[header], label


def test_permissions_policy_denies_camera_microphone_and_geolocation(answers):
    """The microphone only on the melder's return page, for a voice message the browser
    encrypts (static/js/melder-voice.js), and there only for this origin."""
    for label, r in pages(answers).items():
        policy = {p.strip() for p in r.headers["Permissions-Policy"].split(",")}
        microphone = "microphone=(self)" if label in ("melder login", "throttled page") else "microphone=()"
        assert {"camera=()", microphone, "geolocation=()"} <= policy, label


def test_cache_control_no_store_on_every_case_page_and_every_dynamic_answer(answers):
    for label, r in pages(answers).items():
        if label.startswith("static"):
            continue
        assert r.headers["Cache-Control"] == "no-store", label
    for label in ("melder case page", "melder receipt", "staff case page", "api case", "staff enrolment",
                  "staff recovery codes"):
        assert "no-store" in answers[label].headers["Cache-Control"]


def test_strict_transport_security_only_when_served_over_tls(answers):
    for label, r in pages(answers).items():
        assert "Strict-Transport-Security" not in r.headers, label
    for r in answers["tls"]:
        hsts = r.headers["Strict-Transport-Security"]
        assert hsts.startswith("max-age=") and int(hsts.split("=")[1].split(";")[0]) >= 31536000
    assert "Strict-Transport-Security" in answers["tls configured"].headers


def test_throttled_answers_carry_retry_after(answers):
    for label in ("throttled page", "throttled api"):
        assert int(answers[label].headers["Retry-After"]) > 0
