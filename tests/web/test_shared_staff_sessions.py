"""Several app servers (issue 17.4): with shared_staff_sessions a staff login made by one
application process continues on another (each has its own in-memory process key, as two
`whistle serve` processes do); without it, as before, a session works only where it was made.
The member's unlocked key stays sealed in the database under a key only the cookie holds."""
from sqlalchemy import select

from tests.conftest import Browser, PASSPHRASE
from whistle.models import StaffSession
from whistle.web.app import create_app

EMAIL = "vp@deventer.example"


def two_servers(settings, clock):
    return [create_app(settings, clock=clock) for _ in range(2)]


def carry_cookie(src, dst) -> None:
    cookie = src.get_cookie("whistle")
    dst.set_cookie("whistle", cookie.value)


def test_a_staff_login_on_one_server_continues_on_the_other(world, settings, clock, db):
    world.org("deventer")
    world.staff(email=EMAIL)
    shared = settings.with_(shared_staff_sessions=True)
    one, other = two_servers(shared, clock)
    try:
        assert one.extensions["whistle"].process_key == other.extensions["whistle"].process_key == b""
        first, second = one.test_client(), other.test_client()
        r = Browser(first).login_counsellor(EMAIL, PASSPHRASE)
        assert r.status_code == 302 and first.get("/vp/").status_code == 200
        carry_cookie(first, second)
        page = second.get("/vp/")
        assert page.status_code == 200 and "Uitloggen" in page.get_data(as_text=True)
        with db() as s:  # sealed at rest: the row holds ciphertext, no secret key bytes
            [row] = s.scalars(select(StaffSession).where(StaffSession.second_factor_done.is_(True)))
            assert len(row.sealed_secret) > 32
        # Logging out on the second ends the session on the first as well.
        Browser(second).submit("/vp/logout", {}, form_page="/vp/")
        assert first.get("/vp/").status_code in (302, 401)
    finally:
        for app in (one, other):
            app.extensions["whistle_engine"].dispose()


def test_without_the_setting_a_session_stays_with_its_process(world, settings, clock, db):
    world.org("deventer")
    world.staff(email=EMAIL)
    one, other = two_servers(settings, clock)
    try:
        assert one.extensions["whistle"].process_key != other.extensions["whistle"].process_key
        first, second = one.test_client(), other.test_client()
        assert Browser(first).login_counsellor(EMAIL, PASSPHRASE).status_code == 302
        carry_cookie(first, second)
        assert second.get("/vp/").status_code == 302  # to the login page
    finally:
        for app in (one, other):
            app.extensions["whistle_engine"].dispose()
