"""The beheerder's account pages: list, create with a one-time passphrase the member must
replace, (de)activate, an authority member's office, the regeling read-only. Admin only, own
organisation only, every change audited, bad input changes nothing, and the beheerder still
holds no case key and opens no case page after any of it."""
import re

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSPHRASE
from whistle.models import AuditEvent, Case, CaseKey, Staff, StaffSession

ADMIN = "beheer@deventer.example"
NEW_PASS = "een eigen nieuwe wachtwoordzin"


@pytest.fixture
def deventer(world, reporter_api, browser, db):
    world.org("deventer")
    world.org("senzer", name="Senzer")
    world.staff("deventer", email="vp@deventer.example", name="Vera")
    # A second endorsed counsellor: deactivating the last one is refused (issue 10).
    world.staff("deventer", email="vp2@deventer.example", name="Wim")
    world.staff("deventer", role="authority", email="wethouder@deventer.example")
    world.staff("deventer", role="admin", email=ADMIN)
    world.staff("senzer", role="admin", email="beheer@senzer.example")
    reporter_api("deventer").submit({"what": "melding voor Deventer"})
    browser.login_counsellor(ADMIN)
    return world


def member(db, email):
    with db() as s:
        return s.scalar(select(Staff).where(Staff.email == email))


def events(db, name):
    with db() as s:
        return [e for e in s.scalars(select(AuditEvent).where(AuditEvent.event == name))]


def snapshot(db):
    """Everything an account action could change, to prove a refused one changed nothing."""
    with db() as s:
        staff = [(m.email, m.role, m.active, m.authority_function, m.password_hash, m.display_name)
                 for m in s.scalars(select(Staff).order_by(Staff.id))]
        return staff, s.scalar(select(func.count()).select_from(AuditEvent))


def assert_admin_reads_nothing(client, db):
    with db() as s:
        admin_id = s.scalar(select(Staff.id).where(Staff.email == ADMIN))
        assert s.scalar(select(func.count()).select_from(CaseKey).where(CaseKey.staff_id == admin_id)) == 0
        ref = s.scalar(select(Case.ref))
    assert client.get("/vp/").status_code == 403
    assert client.get(f"/vp/zaak/{ref}").status_code == 403


def test_the_list_shows_the_organisations_accounts_only(deventer, client, db):
    html = client.get("/beheer/").get_data(as_text=True)
    assert "vp@deventer.example" in html and "Vera" in html and "wethouder@deventer.example" in html
    assert "beheer@senzer.example" not in html
    assert "ingesteld" in html and "vertrouwenspersoon" in html and "bevoegd gezag" in html
    assert_admin_reads_nothing(client, db)


def test_create_an_account_that_must_replace_its_passphrase_at_first_login(deventer, browser, client, db):
    r = browser.submit("/beheer/accounts/nieuw", {
        "role": "authority", "email": "Burgemeester@Deventer.example", "name": "De burgemeester",
        "function": "burgemeester", "passphrase": "eenmalig gekozen door beheer"})
    assert r.status_code == 302
    created = member(db, "burgemeester@deventer.example")
    assert created.role == "authority" and created.authority_function == "burgemeester"
    assert created.must_change_passphrase and created.organisation.slug == "deventer"
    [event] = events(db, "staff_created")[-1:]
    assert event.actor == ADMIN
    assert "burgemeester@deventer.example" in client.get("/beheer/").get_data(as_text=True)
    assert_admin_reads_nothing(client, db)
    # The new member: the one-time passphrase opens only the page that replaces it.
    browser.submit("/vp/logout", {}, form_page="/vp/start")
    browser.login_counsellor("burgemeester@deventer.example", "eenmalig gekozen door beheer")
    r = client.get("/vp/start")
    assert r.status_code == 302 and r.headers["Location"].endswith("/vp/wachtwoordzin")
    assert client.get("/bg/").status_code == 302  # not even their own dossiers yet
    r = browser.submit("/vp/wachtwoordzin", {"old": "eenmalig gekozen door beheer", "new": NEW_PASS,
                                             "repeat": NEW_PASS})
    assert r.status_code == 200 and "gewijzigd" in r.get_data(as_text=True)
    assert client.get("/vp/start").status_code == 200
    assert not member(db, "burgemeester@deventer.example").must_change_passphrase
    assert events(db, "staff_passphrase_changed")
    # The new passphrase unlocks the same key; the old one no longer works.
    browser.submit("/vp/logout", {}, form_page="/vp/start")
    assert browser.submit("/vp/login", {"email": "burgemeester@deventer.example",
                                        "passphrase": "eenmalig gekozen door beheer"}).status_code == 401
    assert browser.login_counsellor("burgemeester@deventer.example", NEW_PASS).status_code == 302


@pytest.mark.parametrize("form, message", [
    ({"email": "vp@deventer.example"}, "Er bestaat al een account met dit e-mailadres."),
    ({"email": "beheer@senzer.example"}, "Er bestaat al een account met dit e-mailadres."),
    ({"passphrase": "te kort"}, "minstens 12 tekens"),
    ({"function": "koning"}, "Onbekende functie"),
    ({"email": "geen-adres"}, "geen geldig e-mailadres"),
    ({"role": "superuser"}, "Kies een rol"),
])
def test_bad_input_is_a_clear_error_and_changes_nothing(deventer, browser, db, form, message):
    before = snapshot(db)
    data = {"role": "authority", "email": "nieuw@deventer.example", "name": "", "function": "wethouder",
            "passphrase": "eenmalig gekozen door beheer", **form}
    r = browser.submit("/beheer/accounts/nieuw", data)
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    assert snapshot(db) == before


def test_deactivate_ends_sessions_and_login_then_reactivate(deventer, app, browser, client, db):
    from tests.conftest import Browser
    other = app.test_client()
    colleague = Browser(other)
    assert colleague.login_counsellor("vp@deventer.example").status_code == 302
    assert other.get("/vp/").status_code == 200
    vp = member(db, "vp@deventer.example")
    r = browser.submit(f"/beheer/accounts/{vp.id}/actief", {"active": "nee"}, form_page=f"/beheer/accounts/{vp.id}")
    assert r.status_code == 302 and not member(db, "vp@deventer.example").active
    with db() as s:
        assert s.scalar(select(func.count()).select_from(StaffSession).where(StaffSession.staff_id == vp.id)) == 0
    assert other.get("/vp/").status_code in (302, 401)
    assert colleague.submit("/vp/login", {"email": "vp@deventer.example", "passphrase": PASSPHRASE}).status_code == 401
    assert events(db, "staff_deactivated")[-1].actor == ADMIN
    assert_admin_reads_nothing(client, db)
    r = browser.submit(f"/beheer/accounts/{vp.id}/actief", {"active": "ja"}, form_page=f"/beheer/accounts/{vp.id}")
    assert r.status_code == 302 and member(db, "vp@deventer.example").active
    assert events(db, "staff_reactivated")[-1].actor == ADMIN
    assert colleague.login_counsellor("vp@deventer.example").status_code == 302
    assert other.get("/vp/").status_code == 200
    assert_admin_reads_nothing(client, db)


def test_an_admin_cannot_deactivate_themselves(deventer, browser, db):
    me = member(db, ADMIN)
    before = snapshot(db)
    r = browser.submit(f"/beheer/accounts/{me.id}/actief", {"active": "nee"}, form_page="/beheer/")
    assert r.status_code == 400 and "eigen account" in r.get_data(as_text=True)
    assert snapshot(db) == before


def test_only_an_admin_and_only_of_the_own_organisation(deventer, app, db):
    from tests.conftest import Browser
    vp = member(db, "vp@deventer.example")
    wethouder = member(db, "wethouder@deventer.example")
    pages = ["/beheer/", "/beheer/accounts/nieuw", f"/beheer/accounts/{vp.id}", "/beheer/regeling"]
    for email in ("vp@deventer.example", "wethouder@deventer.example"):
        c = app.test_client()
        b = Browser(c)
        b.login_counsellor(email)
        for page in pages:
            assert c.get(page).status_code == 403, (email, page)
        before = snapshot(db)
        token = b.csrf("/vp/wachtwoordzin")
        assert c.post(f"/beheer/accounts/{wethouder.id}/actief", data={"active": "nee", "csrf_token": token}).status_code == 403
        assert c.post("/beheer/accounts/nieuw", data={"role": "admin", "email": "x@deventer.example",
                                                    "passphrase": "eenmalig gekozen door beheer",
                                                    "csrf_token": token}).status_code == 403
        assert snapshot(db) == before
    # Senzer's beheerder does not see Deventer's accounts and cannot change them.
    c = app.test_client()
    b = Browser(c)
    b.login_counsellor("beheer@senzer.example")
    assert "vp@deventer.example" not in c.get("/beheer/").get_data(as_text=True)
    before = snapshot(db)
    token = b.csrf("/beheer/")
    assert c.get(f"/beheer/accounts/{vp.id}").status_code == 404
    assert c.post(f"/beheer/accounts/{vp.id}/actief", data={"active": "nee", "csrf_token": token}).status_code == 404
    assert c.post(f"/beheer/accounts/{wethouder.id}/functie",
                  data={"function": "burgemeester", "csrf_token": token}).status_code == 404
    assert snapshot(db) == before
    # Without a login: to the login page.
    assert app.test_client().get("/beheer/").status_code in (302, 401)


def test_forms_without_csrf_token_are_refused(deventer, client, db):
    vp = member(db, "vp@deventer.example")
    before = snapshot(db)
    assert client.post(f"/beheer/accounts/{vp.id}/actief", data={"active": "nee"}).status_code == 400
    assert client.post("/beheer/accounts/nieuw", data={"role": "admin", "email": "x@deventer.example",
                                                       "passphrase": "eenmalig gekozen door beheer"}).status_code == 400
    assert snapshot(db) == before


def test_office_of_an_authority_member(deventer, browser, client, db):
    wethouder = member(db, "wethouder@deventer.example")
    r = browser.submit(f"/beheer/accounts/{wethouder.id}/functie", {"function": "locoburgemeester"},
                       form_page=f"/beheer/accounts/{wethouder.id}")
    assert r.status_code == 302
    assert member(db, "wethouder@deventer.example").authority_function == "locoburgemeester"
    assert events(db, "staff_function_set")[-1].actor == ADMIN
    before = snapshot(db)
    r = browser.submit(f"/beheer/accounts/{wethouder.id}/functie", {"function": "koning"},
                       form_page=f"/beheer/accounts/{wethouder.id}")
    assert r.status_code == 400 and "Onbekende functie" in r.get_data(as_text=True)
    vp = member(db, "vp@deventer.example")
    r = browser.submit(f"/beheer/accounts/{vp.id}/functie", {"function": "burgemeester"},
                       form_page=f"/beheer/accounts/{vp.id}")
    assert r.status_code == 400 and "Alleen een lid van het bevoegd gezag" in r.get_data(as_text=True)
    assert snapshot(db) == before
    assert_admin_reads_nothing(client, db)


def test_the_regeling_in_force_is_shown_read_only(deventer, client, db):
    r = client.get("/beheer/regeling")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Regeling" in html and "<form" not in html.split("</header>")[1]
    from whistle.services.organisations import regeling_of
    assert regeling_of(member(db, ADMIN).organisation).name in html
    assert client.post("/beheer/regeling").status_code in (400, 405)
    assert_admin_reads_nothing(client, db)


def test_changing_the_own_passphrase_keeps_the_key_and_refuses_bad_input(deventer, world, app, db, reporter_api):
    from tests.conftest import Browser
    c = app.test_client()
    b = Browser(c)
    b.login_counsellor("vp@deventer.example")
    before = member(db, "vp@deventer.example")
    for form, message in [({"old": "niet de goede zin", "new": NEW_PASS, "repeat": NEW_PASS}, "klopt niet"),
                          ({"old": PASSPHRASE, "new": "kort", "repeat": "kort"}, "minstens 12 tekens"),
                          ({"old": PASSPHRASE, "new": NEW_PASS, "repeat": NEW_PASS + "x"}, "niet gelijk"),
                          ({"old": PASSPHRASE, "new": PASSPHRASE, "repeat": PASSPHRASE}, "andere wachtwoordzin")]:
        r = b.submit("/vp/wachtwoordzin", form)
        assert r.status_code == 400 and message in r.get_data(as_text=True)
        after = member(db, "vp@deventer.example")
        assert (after.password_hash, after.locked_secret) == (before.password_hash, before.locked_secret)
    r = b.submit("/vp/wachtwoordzin", {"old": PASSPHRASE, "new": NEW_PASS, "repeat": NEW_PASS})
    assert r.status_code == 200
    after = member(db, "vp@deventer.example")
    assert after.public_key == before.public_key and after.locked_secret != before.locked_secret
    # The same key still opens the case under the new passphrase, in a fresh login too.
    with db() as s:
        ref = s.scalar(select(Case.ref))
    assert "melding voor Deventer" in c.get(f"/vp/zaak/{ref}").get_data(as_text=True)
    b.submit("/vp/logout", {}, form_page="/vp/")
    b.login_counsellor("vp@deventer.example", NEW_PASS)
    assert "melding voor Deventer" in c.get(f"/vp/zaak/{ref}").get_data(as_text=True)
