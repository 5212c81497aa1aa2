"""Every staff account has a second factor: TOTP enrolled through a QR code our own server
draws, one-time recovery codes shown once, no code accepted twice, and an admin who can reset a
colleague's second factor without reading anything."""
import base64
import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import func, select

from tests.conftest import PASSPHRASE
from whistle.models import AuditEvent, CaseKey, Staff, StaffRecoveryCode, StaffSession
from whistle.services.staff import second_factor
from whistle.services.errors import Unauthorized

SECRET = re.compile(r'class="totp-secret">([A-Z2-7 ]+)<')


def member(db, email):
    with db() as s:
        return s.scalar(select(Staff).where(Staff.email == email))


def sessions(db):
    with db() as s:
        return list(s.scalars(select(StaffSession)))


def passphrase_step(browser, email, passphrase=PASSPHRASE):
    return browser.submit("/vp/login", {"email": email, "passphrase": passphrase})


def test_first_login_enrols_with_a_qr_code_from_our_own_page_and_shows_recovery_codes_once(
        world, browser, client, clock, db):
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example", enrolled=False)
    r = passphrase_step(browser, "vp@deventer.example")
    assert r.status_code == 302 and r.headers["Location"].endswith("/vp/login/inrichten")
    page = client.get("/vp/login/inrichten")
    html = page.get_data(as_text=True)
    # The QR code is inline SVG in our own page: no image from elsewhere, no script.
    assert "<svg" in html and "<script" not in html and not re.search(r'(src|href)="(https?:)?//', html)
    secret = SECRET.search(html).group(1).replace(" ", "")
    assert len(secret) == 32
    # Until the first code confirms it, nothing is usable.
    assert client.get("/vp/start").status_code == 302
    r = browser.submit("/vp/login/inrichten", {"code": pyotp.TOTP(secret).at(clock.now())})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "maar één keer getoond" in html
    codes = re.findall(r"<code>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</code>", html)
    assert len(set(codes)) == second_factor.RECOVERY_CODES
    assert client.get("/vp/").status_code == 200
    # Enrolment cannot be done again once confirmed: the page sends to the second step.
    assert client.get("/vp/login/inrichten").status_code in (302, 401)
    with db() as s:
        events = [e.event for e in s.scalars(select(AuditEvent))]
    assert "second_factor_enrolled" in events and "staff_login" in events


def test_enrolment_refuses_a_wrong_first_code_with_a_clear_message(world, browser, client, db):
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example", enrolled=False)
    passphrase_step(browser, "vp@deventer.example")
    client.get("/vp/login/inrichten")
    r = browser.submit("/vp/login/inrichten", {"code": "123456"})
    assert r.status_code == 401 and "De code is onjuist" in r.get_data(as_text=True)
    r = browser.submit("/vp/login/inrichten", {"code": "abc"})
    assert r.status_code == 400 and "zescijferige code" in r.get_data(as_text=True)
    assert member(db, "vp@deventer.example").totp_confirmed_on is None
    assert client.get("/vp/").status_code == 302


def test_the_passphrase_alone_opens_nothing(world, browser, client, db):
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example")
    r = passphrase_step(browser, "vp@deventer.example")
    assert r.headers["Location"].endswith("/vp/login/tweede-stap")
    assert client.get("/vp/").status_code == 302
    assert client.get("/vp/start").status_code == 302
    [pending] = sessions(db)
    assert not pending.second_factor_done


def test_login_with_totp_gives_a_fresh_session_token(world, browser, client, clock, db):
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example")
    passphrase_step(browser, "vp@deventer.example")
    [pending] = sessions(db)
    r = browser.submit("/vp/login/tweede-stap", {"code": browser.totp_code("vp@deventer.example")})
    assert r.status_code == 302 and r.headers["Location"].endswith("/vp/start")
    [full] = sessions(db)
    assert full.second_factor_done and full.digest != pending.digest
    assert client.get("/vp/").status_code == 200


def test_a_used_code_is_never_accepted_twice(world, browser, client, clock, db):
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example")
    code = browser.totp_code("vp@deventer.example")
    passphrase_step(browser, "vp@deventer.example")
    assert browser.submit("/vp/login/tweede-stap", {"code": code}).status_code == 302
    browser.submit("/vp/logout", {}, form_page="/vp/")
    last_step = member(db, "vp@deventer.example").totp_last_step

    # Same code, same time-step, new login: refused with a clear message, nothing changed.
    passphrase_step(browser, "vp@deventer.example")
    r = browser.submit("/vp/login/tweede-stap", {"code": code})
    assert r.status_code == 401
    assert "al gebruikt" in r.get_data(as_text=True)
    assert member(db, "vp@deventer.example").totp_last_step == last_step
    assert not any(s.second_factor_done for s in sessions(db))
    assert client.get("/vp/").status_code == 302
    # An older code (one step back, within the drift window) is refused the same way.
    earlier = pyotp.TOTP(_secret(world, db)).at(clock.now() - timedelta(seconds=30))
    assert "al gebruikt" in browser.submit("/vp/login/tweede-stap", {"code": earlier}).get_data(as_text=True)
    # The next time-step's code works.
    clock.advance(seconds=30)
    assert browser.submit("/vp/login/tweede-stap",
                          {"code": pyotp.TOTP(_secret(world, db)).at(clock.now())}).status_code == 302


def _secret(world, db):
    with db() as s:
        staff = s.scalar(select(Staff).where(Staff.email == "vp@deventer.example"))
        return second_factor.authenticator_secret(world.settings, staff)


def test_a_wrong_code_is_refused_and_the_login_stays_pending(world, browser, client, db):
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example")
    passphrase_step(browser, "vp@deventer.example")
    r = browser.submit("/vp/login/tweede-stap", {"code": "000000"})
    assert r.status_code == 401 and "De code is onjuist" in r.get_data(as_text=True)
    r = browser.submit("/vp/login/tweede-stap", {"code": "XXXX-XXXX-XXXX"})
    assert r.status_code == 401
    assert client.get("/vp/").status_code == 302
    assert [s.second_factor_done for s in sessions(db)] == [False]


def test_the_second_step_expires_after_five_minutes(world, browser, client, clock):
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example")
    passphrase_step(browser, "vp@deventer.example")
    clock.advance(minutes=5, seconds=1)
    r = browser.submit("/vp/login/tweede-stap", {"code": browser.totp_code("vp@deventer.example")},
                       form_page="/vp/login")
    assert r.status_code == 401 and "Uw inlogpoging is verlopen" in r.get_data(as_text=True)
    assert client.get("/vp/").status_code == 302


def test_a_recovery_code_works_once(world, browser, client, clock, db):
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example", enrolled=False)
    passphrase_step(browser, "vp@deventer.example")
    secret = SECRET.search(client.get("/vp/login/inrichten").get_data(as_text=True)).group(1).replace(" ", "")
    html = browser.submit("/vp/login/inrichten", {"code": pyotp.TOTP(secret).at(clock.now())}).get_data(as_text=True)
    codes = re.findall(r"<code>([0-9A-Z-]{14})</code>", html)
    browser.submit("/vp/logout", {}, form_page="/vp/")

    passphrase_step(browser, "vp@deventer.example")
    typed = codes[0].lower().replace("-", " ")  # typed sloppily
    r = browser.submit("/vp/login/tweede-stap", {"code": typed})
    assert r.status_code == 200 and "nog 9" in r.get_data(as_text=True)
    assert client.get("/vp/").status_code == 200
    browser.submit("/vp/logout", {}, form_page="/vp/")

    passphrase_step(browser, "vp@deventer.example")
    r = browser.submit("/vp/login/tweede-stap", {"code": codes[0]})
    assert r.status_code == 401 and "De code is onjuist" in r.get_data(as_text=True)
    with db() as s:
        assert s.scalar(select(func.count()).select_from(StaffRecoveryCode)) == 9
        assert "recovery_code_used" in [e.event for e in s.scalars(select(AuditEvent))]


def test_neither_the_totp_secret_nor_the_recovery_codes_are_readable_at_rest(world, browser, client, clock, db,
                                                                               settings):
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example", enrolled=False)
    passphrase_step(browser, "vp@deventer.example")
    secret = SECRET.search(client.get("/vp/login/inrichten").get_data(as_text=True)).group(1).replace(" ", "")
    html = browser.submit("/vp/login/inrichten", {"code": pyotp.TOTP(secret).at(clock.now())}).get_data(as_text=True)
    codes = re.findall(r"<code>([0-9A-Z-]{14})</code>", html)
    raw = base64.b32decode(secret + "=" * (-len(secret) % 8))
    with db() as s:
        row = s.scalar(select(Staff).where(Staff.email == "vp@deventer.example"))
        stored = [bytes(row.totp_secret)] + [bytes(c.digest) for c in s.scalars(select(StaffRecoveryCode))]
        blob = b"".join(stored)
    assert raw not in blob and secret.encode() not in blob
    for code in codes:
        assert code.encode() not in blob and code.replace("-", "").encode() not in blob
    if settings.database_url.startswith("sqlite"):
        on_disk = b"".join(p.read_bytes() for p in settings.data_dir.glob("whistle.sqlite3*"))
        assert raw not in on_disk and secret.encode() not in on_disk
        assert not any(c.replace("-", "").encode() in on_disk for c in codes)
    # A sealed secret is bound to its account: copied to another account it opens nothing.
    other = world.staff("deventer", email="vp2@deventer.example", enrolled=False)
    with db() as s:
        s.get(Staff, other.id).totp_secret = row.totp_secret
    with db() as s:
        with pytest.raises(Unauthorized):
            second_factor.authenticator_secret(settings, s.get(Staff, other.id))


def test_an_admin_resets_a_colleagues_second_factor_and_reads_nothing(world, browser, client, clock, db,
                                                                      reporter_api, make_app, make_browser):
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example")
    world.staff("deventer", role="admin", email="beheer@deventer.example")
    reporter_api("deventer").submit({"what": "geheime melding"})
    # The colleague is logged in elsewhere; the reset ends that session too.
    elsewhere = make_browser(browser.app)
    elsewhere.login_counsellor("vp@deventer.example")
    assert elsewhere.client.get("/vp/").status_code == 200

    browser.login_counsellor("beheer@deventer.example")
    page = client.get("/vp/beheer/tweede-factor").get_data(as_text=True)
    assert "vp@deventer.example" in page
    r = browser.submit("/vp/beheer/tweede-factor", {"email": "vp@deventer.example"})
    assert r.status_code == 302 and "@" not in r.headers["Location"]  # a notice key, no address
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "is gewist" in html and "geheime melding" not in html
    colleague = member(db, "vp@deventer.example")
    assert colleague.totp_secret is None and colleague.totp_confirmed_on is None
    assert elsewhere.client.get("/vp/").status_code == 302
    with db() as s:
        admin = s.scalar(select(Staff).where(Staff.email == "beheer@deventer.example"))
        assert s.scalar(select(func.count()).select_from(CaseKey).where(CaseKey.staff_id == admin.id)) == 0
        assert s.scalar(select(func.count()).select_from(StaffRecoveryCode)
                        .where(StaffRecoveryCode.staff_id == colleague.id)) == 0
        reset = s.scalar(select(AuditEvent).where(AuditEvent.event == "second_factor_reset"))
        assert reset.actor == "beheer@deventer.example" and "vp@deventer.example" in reset.details
    # The colleague's next login starts a fresh enrolment.
    r = passphrase_step(elsewhere, "vp@deventer.example")
    assert r.headers["Location"].endswith("/vp/login/inrichten")


def test_only_an_admin_of_the_same_organisation_can_reset(world, browser, client, db):
    world.org("deventer")
    world.org("senzer", name="Senzer")
    world.staff("deventer", email="vp@deventer.example")
    world.staff("deventer", email="vp2@deventer.example")
    world.staff("deventer", role="admin", email="beheer@deventer.example")
    world.staff("senzer", role="admin", email="beheer@senzer.example")

    browser.login_counsellor("vp2@deventer.example")
    assert client.get("/vp/beheer/tweede-factor").status_code == 403
    browser.submit("/vp/logout", {}, form_page="/vp/")

    browser.login_counsellor("beheer@senzer.example")
    page = client.get("/vp/beheer/tweede-factor").get_data(as_text=True)
    assert "vp@deventer.example" not in page
    r = browser.submit("/vp/beheer/tweede-factor", {"email": "vp@deventer.example"})
    assert r.status_code == 404 and "geen collega" in r.get_data(as_text=True)
    assert member(db, "vp@deventer.example").totp_confirmed_on is not None
    browser.submit("/vp/logout", {}, form_page="/vp/start")

    browser.login_counsellor("beheer@deventer.example")
    r = browser.submit("/vp/beheer/tweede-factor", {"email": "beheer@deventer.example"})
    assert r.status_code == 400
    assert member(db, "beheer@deventer.example").totp_confirmed_on is not None
