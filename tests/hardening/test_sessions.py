"""Sessions: the melder's ends after 15 idle minutes, a staff member's after 30; logging out or
expiring deletes the sealed key; the key never sits in a cookie or readable on disk; and a
server restart means staff unlock again."""
import base64
import json

import pytest
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import func, select

import crypto
from tests.conftest import PASSPHRASE, code_from_receipt
from whistle import jobs
from whistle.models import ReporterChallenge, ReporterSession, StaffSession
from whistle.reporter_client import ProtocolError
from whistle.infra import session_expiry
from whistle.services.staff import accounts as staff_service


def count(db, model):
    with db() as s:
        return s.scalar(select(func.count()).select_from(model))


def cookie_session(app, client):
    cookie = client.get_cookie("whistle")
    return SecureCookieSessionInterface().get_signing_serializer(app).loads(cookie.value)


@pytest.fixture
def deventer(world):
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example")
    return world


def melder_with_session(browser):
    page = browser.submit("/o/deventer/melden", {"what": "Er verdwijnt geld uit de kas."})
    code = code_from_receipt(page.get_data(as_text=True))
    assert browser.melder_login("deventer", code).status_code == 302
    return code


def test_the_melders_session_ends_after_15_idle_minutes(deventer, browser, client, clock, db):
    melder_with_session(browser)
    for _ in range(3):  # each visit moves the idle timeout on
        clock.advance(minutes=14, seconds=59)
        assert client.get("/melder/zaak").status_code == 200
    clock.advance(minutes=15)
    r = client.get("/melder/zaak")
    assert r.status_code == 401 and "sessie is verlopen" in r.get_data(as_text=True)
    # The sweep deletes it, and with it the case key sealed for this session.
    with db() as s:
        purged = session_expiry.purge_expired(s, clock)
    assert purged.reporter_sessions == 1 and count(db, ReporterSession) == 0


def test_the_melders_api_session_ends_after_15_idle_minutes(deventer, reporter_api, clock):
    melder = reporter_api()
    melder.submit({"what": "via de API"})
    melder.log_in()
    clock.advance(minutes=14, seconds=59)
    melder.case()
    clock.advance(minutes=15)
    with pytest.raises(ProtocolError) as refused:
        melder.case()
    assert refused.value.status == 401


def test_a_staff_session_ends_after_30_idle_minutes_and_its_sealed_key_is_deleted(
        deventer, browser, client, clock, db):
    browser.login_counsellor("vp@deventer.example")
    clock.advance(minutes=29, seconds=59)
    assert client.get("/vp/").status_code == 200
    clock.advance(minutes=29, seconds=59)
    assert client.get("/vp/").status_code == 200
    clock.advance(minutes=30)
    r = client.get("/vp/")
    assert r.status_code == 302 and "/vp/login" in r.headers["Location"]
    assert count(db, StaffSession) == 0


def test_logging_out_deletes_the_sealed_key_and_the_old_cookie_opens_nothing(deventer, browser, client, app, db):
    browser.login_counsellor("vp@deventer.example")
    stolen = client.get_cookie("whistle").value
    assert count(db, StaffSession) == 1
    browser.submit("/vp/logout", {}, form_page="/vp/")
    assert count(db, StaffSession) == 0
    client.set_cookie("whistle", stolen)
    assert client.get("/vp/").status_code == 302


def test_the_melders_logout_deletes_the_sealed_case_key(deventer, browser, db):
    melder_with_session(browser)
    assert count(db, ReporterSession) == 1
    browser.submit("/melder/uitloggen", {}, form_page="/melder/zaak")
    assert count(db, ReporterSession) == 0


def test_the_private_key_is_never_in_a_cookie_nor_openable_from_the_database_and_cookie(
        deventer, browser, client, app, db):
    browser.login_counsellor("vp@deventer.example")
    with db() as s:
        _member, secret = staff_service.check_passphrase(s, "vp@deventer.example", PASSPHRASE)
        row = s.scalar(select(StaffSession))
    session = cookie_session(app, client)
    assert set(session) <= {"_user_id", "_fresh", "_id", "csrf_token"}
    as_text = json.dumps(session)
    for form in (base64.b64encode(secret), base64.urlsafe_b64encode(secret), secret.hex().encode()):
        assert form.decode() not in as_text
    # With the token from the cookie and the row from the database, the key still does not
    # open: the sealing key also needs this server process's in-memory key.
    token = base64.urlsafe_b64decode(session["_user_id"])
    with pytest.raises(crypto.CryptoError):
        crypto.open_for_session(token, row.sealed_secret)


def test_a_server_restart_means_staff_unlock_again(deventer, browser, client, make_app, db):
    browser.login_counsellor("vp@deventer.example")
    assert client.get("/vp/").status_code == 200
    cookie = client.get_cookie("whistle").value

    restarted = make_app().test_client()  # same database and settings, new process memory
    restarted.set_cookie("whistle", cookie)
    r = restarted.get("/vp/")
    assert r.status_code == 302 and "/vp/login" in r.headers["Location"]
    assert count(db, StaffSession) == 0  # the unopenable session is gone


def test_a_pending_login_cannot_be_finished_by_another_process(deventer, browser, client, make_app):
    browser.submit("/vp/login", {"email": "vp@deventer.example", "passphrase": PASSPHRASE})
    code = browser.totp_code("vp@deventer.example")
    restarted = make_app().test_client()
    restarted.set_cookie("whistle", client.get_cookie("whistle").value)
    page = restarted.get("/vp/login/tweede-stap").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    r = restarted.post("/vp/login/tweede-stap", data={"code": code, "csrf_token": token})
    assert r.status_code == 401 and "Uw inlogpoging is verlopen" in r.get_data(as_text=True)
    assert restarted.get("/vp/").status_code == 302


def test_the_scheduler_sweeps_expired_sessions_and_challenges(deventer, browser, reporter_api, engine, clock, db):
    melder_with_session(browser)
    melder = reporter_api()
    melder.submit({"what": "x"})
    melder.log_in()
    reporter_api().fetch_intake()
    browser.client.post("/api/v1/reporter/challenge", json={"locator": "cd" * 16})
    clock.advance(minutes=16)
    jobs.session_expiry_job(engine, clock)
    assert count(db, ReporterSession) == 0 and count(db, ReporterChallenge) == 0
    scheduler = jobs.blocking(engine, deventer.settings, clock)
    assert scheduler.get_job(session_expiry.JOB) is not None
