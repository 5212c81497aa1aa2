"""The counsellor logs in with e-mail and passphrase; the passphrase unlocks the private key
for the session only; the inbox lists the organisation's cases; the case page decrypts."""
import base64
import json

from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import select

from whistle.models import Case, StaffSession
from tests.conftest import PASSPHRASE


def arrange(world, reporter_api):
    world.org("deventer")
    world.org("senzer", name="Senzer")
    world.staff("deventer", email="vp@deventer.example")
    world.staff("senzer", email="vp@senzer.example")
    reporter_api("deventer").submit({"what": "melding voor Deventer"})
    reporter_api("senzer").submit({"what": "melding voor Senzer"})


def cookie_session(app, client):
    cookie = client.get_cookie("whistle")
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    return serializer.loads(cookie.value) if cookie else {}


def test_login_unlocks_the_key_for_the_session_only(world, reporter_api, browser, client, app, db):
    arrange(world, reporter_api)
    r = browser.login_counsellor("vp@deventer.example")
    assert r.status_code == 302
    cookie = client.get_cookie("whistle")
    assert cookie.http_only and cookie.same_site == "Strict"
    # The cookie carries a session token, not the key; the database keeps only a sealed blob.
    session = cookie_session(app, client)
    token = base64.urlsafe_b64decode(session["_user_id"])
    with db() as s:
        row = s.scalar(select(StaffSession))
        staff_secret_len = len(row.sealed_secret)
    assert len(token) == 32 and staff_secret_len > 32
    assert PASSPHRASE not in json.dumps(session)


def test_inbox_lists_only_own_organisation_and_case_page_decrypts(world, reporter_api, browser, client, db):
    arrange(world, reporter_api)
    browser.login_counsellor("vp@deventer.example")
    inbox = client.get("/vp/").get_data(as_text=True)
    with db() as s:
        refs = {c.organisation.slug: c.ref for c in s.scalars(select(Case))}
    assert refs["deventer"] in inbox and refs["senzer"] not in inbox
    assert "melding voor Deventer" not in inbox  # the inbox is metadata only
    page = client.get(f"/vp/zaak/{refs['deventer']}")
    assert "melding voor Deventer" in page.get_data(as_text=True)
    # Another organisation's case does not exist for this counsellor.
    assert client.get(f"/vp/zaak/{refs['senzer']}").status_code == 404
    assert client.get("/vp/zaak/M-0000-0000").status_code == 404


def test_wrong_passphrase_and_unknown_email_answer_alike(world, browser):
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example")
    a = browser.login_counsellor("vp@deventer.example", "wrong passphrase here")
    b = browser.login_counsellor("niemand@deventer.example", "wrong passphrase here")
    assert a.status_code == b.status_code == 401
    assert "E-mailadres of wachtwoordzin onjuist" in a.get_data(as_text=True)


def test_logout_and_idle_timeout_end_the_session(world, reporter_api, browser, client, clock, db):
    arrange(world, reporter_api)
    browser.login_counsellor("vp@deventer.example")
    assert client.get("/vp/").status_code == 200
    clock.advance(minutes=31)
    assert client.get("/vp/").status_code == 302  # back to the login page
    browser.login_counsellor("vp@deventer.example")
    browser.submit("/vp/logout", {}, form_page="/vp/")
    assert client.get("/vp/").status_code == 302
    with db() as s:
        assert s.scalars(select(StaffSession)).all() == [] or all(
            r.expires_at <= clock.now().replace(tzinfo=None) for r in s.scalars(select(StaffSession)))


def test_other_roles_cannot_read_cases(world, reporter_api, browser, client, db):
    arrange(world, reporter_api)
    world.staff("deventer", role="admin", email="beheer@deventer.example")
    world.staff("deventer", role="authority", email="burgemeester@deventer.example")
    with db() as s:
        ref = s.scalar(select(Case.ref).join(Case.organisation).where(Case.organisation.has(slug="deventer")))
    for email in ("beheer@deventer.example", "burgemeester@deventer.example"):
        browser.login_counsellor(email)
        assert client.get("/vp/").status_code == 403
        assert client.get(f"/vp/zaak/{ref}").status_code == 403
        browser.submit("/vp/logout", {}, form_page="/vp/start")
