"""Fixtures: a fresh app per test with its own real database (SQLite in a temporary data
directory, or a fresh PostgreSQL schema when WHISTLE_TEST_DATABASE_URL is set), created
through the migrations; real crypto at libsodium's minimum Argon2id cost to keep tests fast."""
from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import create_engine, select, text

import crypto
from whistle.infra import migrate
from whistle.clock import MovableClock
from whistle.infra.db import make_engine, make_session_factory, transaction
from whistle.reporter_client import FlaskTransport, ReporterClient
from whistle.models import Staff
from whistle.services import organisations
from whistle.services.context import UseCase
from whistle.services.staff import second_factor
from whistle.services.staff import accounts as staff
from whistle.settings import Settings
from whistle.web.app import create_app

PG_URL = os.environ.get("WHISTLE_TEST_DATABASE_URL")
PASSPHRASE = "correct horse battery staple"


def _pg_schema_url(base: str) -> tuple[str, str]:
    schema = "t_" + secrets.token_hex(6)
    engine = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}", schema


@pytest.fixture
def database_url(tmp_path):
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'data' / 'whistle.sqlite3'}"
        return
    url, schema = _pg_schema_url(PG_URL)
    yield url
    engine = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture
def settings(tmp_path, database_url) -> Settings:
    data = tmp_path / "data"
    data.mkdir()
    return Settings(data_dir=data, secret_key="test-" + "k" * 40, database_url=database_url,
                    reporter_kdf=crypto.MINIMUM, staff_kdf=crypto.MINIMUM, testing=True,
                    max_attachment_bytes=8 * 1024 * 1024)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def engine(settings):
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def app(settings, engine, clock):
    app = create_app(settings, clock=clock)
    yield app
    app.extensions["whistle_engine"].dispose()


@pytest.fixture
def db(engine):
    """A unit of work for arranging test data through the services."""
    factory = make_session_factory(engine)
    return lambda: transaction(factory)


FIRST_PASSPHRASE = "first passphrase chosen by the beheerder"


@dataclass
class World:
    """Factory helpers that arrange organisations and staff through the services. Each
    organisation gets a trust key, whose offline secret the world keeps (`trust_seeds`)."""
    db: object
    settings: Settings
    clock: MovableClock
    trust_seeds: dict = field(default_factory=dict)

    def org(self, slug: str = "deventer", name: str = "Gemeente Deventer", regeling=None, trust_key: bool = True):
        from whistle.domain.regeling import shipped_regeling_paths
        from whistle.services import trust
        if regeling is None:
            regeling = next((p for p in shipped_regeling_paths() if p.stem == slug), None)
        with self.db() as s:
            org = organisations.create_organisation(self.use_case(s), slug=slug, name=name,
                                                    actor="test", regeling_file=regeling)
            if trust_key:
                self.trust_seeds[slug] = trust.create_trust_key(self.use_case(s), slug, "test")
            return org

    def staff(self, org: str = "deventer", role: str = "counsellor", email: str | None = None,
              passphrase: str = PASSPHRASE, name: str = "", enrolled: bool = True, function: str | None = None,
              endorse: bool = True):
        """A staff member as after their first login: the second factor enrolled (with the code
        of the previous time-step, so the current one is still free for a login), their own
        `passphrase` chosen, which made their key pair; then endorsed with the organisation's
        trust key (a counsellor; a member of the bevoegd gezag for `function`) when `endorse`.
        `enrolled=False`: the second factor cleared again afterwards, as after a reset."""
        from whistle.services import trust
        email = email or f"{role}-{secrets.token_hex(3)}@{org}.example"
        today = self.clock.today()
        with self.db() as s:
            uc = self.use_case(s)
            member = staff.create_staff(uc, org_slug=org, role=role, email=email, passphrase=FIRST_PASSPHRASE,
                                        actor="test", display_name=name, authority_function=function)
            secret = second_factor.enrolment(uc, member).secret.replace(" ", "")
            earlier = self.clock.now() - timedelta(seconds=second_factor.STEP_SECONDS)
            second_factor.confirm_enrolment(uc, member, pyotp.TOTP(secret).at(earlier))
            staff.change_passphrase(uc, member, FIRST_PASSPHRASE, passphrase)
            seed = self.trust_seeds.get(org)
            if seed is None and not member.organisation.trust_public_key:
                # An organisation made another way (the CLI): it gets its key here.
                seed = self.trust_seeds[org] = trust.create_trust_key(uc, org, "test")
            if endorse and seed and (role == "counsellor" or (role == "authority" and function)):
                trust.endorse(uc, member, actor="test", seed=seed)
            if not enrolled:
                member.totp_secret = member.totp_confirmed_on = member.totp_last_step = None
            return member

    def use_case(self, session) -> UseCase:
        return UseCase(session, self.settings, self.clock)


@pytest.fixture
def use_case(settings, clock):
    """use_case(session) -> what the services take: that session with the test's settings and clock."""
    return lambda session: UseCase(session, settings, clock)


@pytest.fixture
def world(db, settings, clock) -> World:
    return World(db, settings, clock)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def reporter_api(client):
    """A protocol v1 client for organisation 'deventer' over the test client."""
    return lambda org="deventer": ReporterClient(FlaskTransport(client), org)


class Browser:
    """Drives the server-rendered pages the way a browser without JavaScript does."""

    CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

    def __init__(self, client) -> None:
        self.client = client
        self.app = client.application

    SUBMISSION = re.compile(r'name="submission_token" value="([^"]+)"')

    def csrf(self, path: str) -> str:
        return self.hidden(path)["csrf_token"]

    def hidden(self, path: str) -> dict:
        """The CSRF token of the form page at `path`, and its one-time submission token if it has one."""
        page = self.client.get(path).get_data(as_text=True)
        match = self.CSRF.search(page)
        assert match, f"no CSRF token on {path}"
        fields = {"csrf_token": match.group(1)}
        once = self.SUBMISSION.search(page)
        if once:
            fields["submission_token"] = once.group(1)
        return fields

    def submit(self, path: str, data: dict, *, form_page: str | None = None, **kw):
        data = dict(data)
        for name, value in self.hidden(form_page or path).items():
            data.setdefault(name, value)
        return self.client.post(path, data=data, **kw)

    def login_counsellor(self, email: str, passphrase: str = PASSPHRASE):
        """Passphrase, then the second factor as the member's authenticator app would give it
        (enrolling first when needed). Returns the last answer."""
        r = self.submit("/vp/login", {"email": email, "passphrase": passphrase})
        if r.status_code != 302:
            return r
        if r.headers["Location"].endswith("/vp/login/inrichten"):
            page = self.client.get("/vp/login/inrichten").get_data(as_text=True)
            secret = re.search(r'class="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
            return self.submit("/vp/login/inrichten", {"code": pyotp.TOTP(secret).at(self.now())})
        return self.submit("/vp/login/tweede-stap", {"code": self.totp_code(email)})

    def now(self):
        return self.app.extensions["whistle"].clock.now()

    def totp_code(self, email: str) -> str:
        """The current code for `email`; moves a test clock on to the next time-step when the
        current one was used already (a code is never accepted twice)."""
        w = self.app.extensions["whistle"]
        with w.sessions() as s:
            member = s.scalar(select(Staff).where(Staff.email == email))
            secret = second_factor.authenticator_secret(w.settings, member)
            last = member.totp_last_step
        if last is not None and int(self.now().timestamp()) // 30 <= last:
            w.clock.advance(seconds=30)
        return pyotp.TOTP(secret).at(self.now())

    def melder_login(self, org: str, code: str):
        return self.submit(f"/o/{org}/terug", {"code": code})


@pytest.fixture
def browser(client) -> Browser:
    return Browser(client)


CODE_RE = re.compile(r'class="code"[^>]*>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})<')


def code_from_receipt(html: str) -> str:
    match = CODE_RE.search(html)
    assert match, "no receipt code on the page"
    return match.group(1)
