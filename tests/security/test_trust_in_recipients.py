"""Issue 10: only people who hold keys make a recipient. The two attacks of the issue, through
the web pages exactly as described, now leave the beheerder's accounts with nothing; rows
written straight into the database, or an endorsement with a wrong signature, never receive a
case key; a copy of the database from before a member's first login, with the first
passphrase, opens nothing sealed afterwards."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select, text

import crypto
from tests.conftest import PASSPHRASE, Browser, code_from_receipt
from whistle.models import Case, CaseKey, Dossier, DossierKey, Endorsement, Staff

ADMIN = "beheer@deventer.example"
FIRST = "eenmalig gekozen door beheer"
OWN = "de eigen wachtwoordzin van de nep-vp"


@pytest.fixture
def deventer(world):
    world.org("deventer")
    world.staff(email="vp@deventer.example", name="Vera de Vries")
    world.staff(email="vp2@deventer.example", name="Wim")
    world.staff(role="authority", email="burgemeester@deventer.example", name="Echte burgemeester",
                function="burgemeester")
    world.staff(role="admin", email=ADMIN)
    return world


def staff_id(db, email):
    with db() as s:
        return s.scalar(select(Staff.id).where(Staff.email == email))


def holders(db, ref) -> set[str]:
    with db() as s:
        return set(s.scalars(select(Staff.email).join(CaseKey, CaseKey.staff_id == Staff.id)
                             .join(Case, Case.id == CaseKey.case_id).where(Case.ref == ref)))


def send(browser, what="De wethouder gunt opdrachten aan zijn zwager") -> str:
    page = browser.submit("/o/deventer/melden", {"what": what, "share_identity": "ja", "name": "Jannie",
                                                  "contact": "jannie@example.org"})
    assert page.status_code == 200, page.get_data(as_text=True)
    return code_from_receipt(page.get_data(as_text=True))


def beheerder_makes_account(app, role, email, name, function=None):
    """The beheerder, with nothing but the web pages: a new account with a passphrase of their
    own choosing and a copied display name, then logs in as it, enrols its second factor and
    replaces the first passphrase."""
    admin = Browser(app.test_client())
    assert admin.login_counsellor(ADMIN).status_code in (200, 302)
    form = {"role": role, "email": email, "name": name, "passphrase": FIRST}
    if function:
        form["function"] = function
    assert admin.submit("/beheer/accounts/nieuw", form).status_code == 302
    fake = Browser(app.test_client())
    fake.login_counsellor(email, FIRST)
    r = fake.submit("/vp/wachtwoordzin", {"old": FIRST, "new": OWN, "repeat": OWN})
    assert r.status_code == 200 and "gewijzigd" in r.get_data(as_text=True)
    return admin, fake


def test_a_beheerders_counsellor_account_receives_no_melding(deventer, app, client, browser, db):
    admin, fake = beheerder_makes_account(app, "counsellor", "vera.devries@deventer.example", "Vera de Vries")
    fake_id = staff_id(db, "vera.devries@deventer.example")
    with db() as s:
        assert s.get(Staff, fake_id).public_key is not None  # a key of the beheerder's own choosing
    # The beheerder deactivates the real counsellors: the last one is refused.
    vp, vp2 = staff_id(db, "vp@deventer.example"), staff_id(db, "vp2@deventer.example")
    r = admin.submit(f"/beheer/accounts/{vp}/actief", {"active": "nee"}, form_page=f"/beheer/accounts/{vp}")
    assert r.status_code == 302
    r = admin.submit(f"/beheer/accounts/{vp2}/actief", {"active": "nee"}, form_page=f"/beheer/accounts/{vp2}")
    assert r.status_code == 400 and "laatste erkende vertrouwenspersoon" in r.get_data(as_text=True)
    # The next melding, identity included, is wrapped to the real counsellor only.
    send(browser)
    with db() as s:
        ref = s.scalar(select(Case.ref))
    assert holders(db, ref) == {"vp2@deventer.example"}
    intake = client.get("/api/v1/orgs/deventer/intake").get_json()
    with db() as s:
        fake_fp = crypto.fingerprint(s.get(Staff, fake_id).public_key)
    assert fake_fp not in [r["fingerprint"] for r in intake["recipients"]]
    assert fake.client.get("/vp/").status_code == 200
    assert ref not in fake.client.get("/vp/").get_data(as_text=True)
    assert fake.client.get(f"/vp/zaak/{ref}").status_code == 404
    # The counsellors see it all in the recipient log on their start page.
    real = Browser(app.test_client())
    real.login_counsellor("vp2@deventer.example")
    home = real.client.get("/vp/").get_data(as_text=True)
    assert "vera.devries@deventer.example" in home and fake_fp in home and "account uitgeschakeld" in home


def test_a_beheerders_burgemeester_receives_no_dossier(deventer, app, browser, db, world):
    from whistle.services.counsellor import escalation
    from whistle.services.lifecycle import transition
    _admin, fake = beheerder_makes_account(app, "authority", "bm@deventer.example", "Echte burgemeester",
                                           function="burgemeester")
    send(browser)
    with db() as s:
        ref = s.scalar(select(Case.ref))
        transition(world.use_case(s), ref, "acknowledge", vp_again(s))
        transition(world.use_case(s), ref, "triage", vp_again(s), kind="vermoeden_misstand", meldingswaardig=True)
    with db() as s:
        escalation.escalate(world.use_case(s), vp_again(s), ref, {"include_report": "ja", "note": "Doorgezet.",
                                                         "report_what": "De wethouder gunt opdrachten."})
    with db() as s:
        got = set(s.scalars(select(Staff.email).join(DossierKey, DossierKey.staff_id == Staff.id)))
        assert s.scalar(select(Dossier.id)) is not None
    assert got == {"burgemeester@deventer.example"}  # the real, endorsed one; not bm@
    with db() as s:
        locator = s.scalar(select(Dossier.locator)).hex()
    assert locator not in fake.client.get("/bg/").get_data(as_text=True)


def vp_again(s):
    from whistle.services.staff import accounts
    member, secret = accounts.check_passphrase(s, "vp@deventer.example", PASSPHRASE)
    return accounts.StaffPrincipal(member, secret, b"")


def test_an_endorsed_counsellor_makes_a_colleague_a_recipient_after_comparing_fingerprints(deventer, app, db, client):
    _admin, fake = beheerder_makes_account(app, "counsellor", "nieuw@deventer.example", "Nieuwe vp")
    new_id = staff_id(db, "nieuw@deventer.example")
    with db() as s:
        fp = crypto.fingerprint(s.get(Staff, new_id).public_key)
    assert fp in fake.client.get("/vp/").get_data(as_text=True)  # read aloud from their own page
    vp = Browser(app.test_client())
    vp.login_counsellor("vp@deventer.example")
    page = vp.client.get("/vp/ontvangers").get_data(as_text=True)
    assert "telefonisch" in page or "Bel uw collega" in page
    wrong = vp.submit(f"/vp/ontvangers/{new_id}/erkennen", {"fingerprint": "0000 " + fp[5:]},
                      form_page="/vp/ontvangers")
    assert wrong.status_code == 400 and "klopt niet" in wrong.get_data(as_text=True)
    assert fp not in [r["fingerprint"] for r in client.get("/api/v1/orgs/deventer/intake").get_json()["recipients"]]
    ok = vp.submit(f"/vp/ontvangers/{new_id}/erkennen", {"fingerprint": fp.upper()}, form_page="/vp/ontvangers")
    assert ok.status_code == 302
    intake = client.get("/api/v1/orgs/deventer/intake").get_json()
    mine = next(r for r in intake["recipients"] if r["fingerprint"] == fp)
    assert len(mine["endorsement_chain"]) == 2  # trust key -> vp -> the new colleague
    # The beheerder cannot endorse: the page is the counsellor's only.
    admin = Browser(app.test_client())
    admin.login_counsellor(ADMIN)
    assert admin.client.get("/vp/ontvangers").status_code == 403
    # Withdrawing stops new wrapping at once.
    r = vp.submit(f"/vp/ontvangers/{new_id}/intrekken", {}, form_page="/vp/ontvangers")
    assert r.status_code == 302
    assert fp not in [r["fingerprint"] for r in client.get("/api/v1/orgs/deventer/intake").get_json()["recipients"]]


def _insert_staff(db, email: str, public: bytes, verify: bytes) -> int:
    with db() as s:
        org_id = s.scalar(text("SELECT id FROM organisations WHERE slug = 'deventer'"))
        s.execute(text(
            "INSERT INTO staff (organisation_id, email, role, password_hash, public_key, locked_secret, verify_key, "
            "display_name, active, created_on, must_change_passphrase) VALUES (:o, :e, 'counsellor', 'x', :p, :l, :v, "
            "'Vera de Vries', :t, :d, :f)"),
            {"o": org_id, "e": email, "p": public, "l": b"\0" * 104, "v": verify, "t": True,
             "d": "2026-01-01", "f": False})
        return s.scalar(text("SELECT id FROM staff WHERE email = :e"), {"e": email})


def _insert_endorsement(db, staff_id: int, e: crypto.Endorsement) -> None:
    with db() as s:
        org_id = s.scalar(text("SELECT id FROM organisations WHERE slug = 'deventer'"))
        s.execute(text(
            "INSERT INTO endorsements (organisation_id, staff_id, role, office, box_public, verify_key, endorser_key, "
            "issued_on, signature) VALUES (:o, :s, :r, '', :b, :v, :k, :d, :g)"),
            {"o": org_id, "s": staff_id, "r": e.role, "b": e.box_public, "v": e.verify_key, "k": e.endorser,
             "d": e.issued, "g": e.signature})


def test_rows_inserted_with_sql_or_a_wrong_signature_never_receive_a_case_key(deventer, browser, db, world):
    trust_public = crypto.signing_verify_key(world.trust_seeds["deventer"])
    # 1. A staff row straight into the database, with no endorsement at all.
    p1, s1 = crypto.new_box_keypair()
    plain = _insert_staff(db, "sql1@deventer.example", p1, crypto.staff_verify_key(s1))
    # 2. One with an endorsement whose signature is wrong (claims the trust key signed it).
    p2, s2 = crypto.new_box_keypair()
    forged = _insert_staff(db, "sql2@deventer.example", p2, crypto.staff_verify_key(s2))
    good = crypto.sign_endorsement(crypto.staff_signing_seed(s2), org="deventer", role="counsellor", office="",
                                   box_public=p2, verify_key=crypto.staff_verify_key(s2), issued="2026-12-01")
    bad_sig = bytes([good.signature[0] ^ 1]) + good.signature[1:]
    _insert_endorsement(db, forged, crypto.Endorsement("deventer", "counsellor", "", p2, good.verify_key,
                                                       trust_public, "2026-12-01", bad_sig))
    # 3. One endorsed by a trust key the attacker made (a valid signature, the wrong root).
    p3, s3 = crypto.new_box_keypair()
    rooted = _insert_staff(db, "sql3@deventer.example", p3, crypto.staff_verify_key(s3))
    _fake_trust, fake_seed = crypto.new_trust_keypair()
    _insert_endorsement(db, rooted, crypto.sign_endorsement(
        fake_seed, org="deventer", role="counsellor", office="", box_public=p3,
        verify_key=crypto.staff_verify_key(s3), issued="2026-12-01"))
    # 4. A real endorsement copied onto another key (the signature names vp's key, not this one).
    p4, s4 = crypto.new_box_keypair()
    copied = _insert_staff(db, "sql4@deventer.example", p4, crypto.staff_verify_key(s4))
    with db() as s:
        real = s.scalar(select(Endorsement).where(Endorsement.staff_id == staff_id(db, "vp@deventer.example")))
        _insert_endorsement(db, copied, crypto.Endorsement("deventer", "counsellor", "", real.box_public,
                                                           real.verify_key, real.endorser_key, "2026-12-01",
                                                           real.signature))
    send(browser)
    with db() as s:
        ref = s.scalar(select(Case.ref))
        wrapped = set(s.scalars(select(CaseKey.staff_id).join(Case).where(Case.ref == ref)))
    assert not wrapped & {plain, forged, rooted, copied}
    assert holders(db, ref) == {"vp@deventer.example", "vp2@deventer.example"}


def test_a_database_copy_from_before_the_first_login_opens_nothing_sealed_afterwards(
        deventer, app, browser, db, settings, tmp_path, world):
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("copies the SQLite database file; the PostgreSQL run covers the rest of this module")
    email = "nieuw@deventer.example"
    admin = Browser(app.test_client())
    admin.login_counsellor(ADMIN)
    assert admin.submit("/beheer/accounts/nieuw", {"role": "counsellor", "email": email, "name": "Nieuw",
                                                   "passphrase": FIRST}).status_code == 302
    # The beheerder keeps a copy of the database file from before the member's first login.
    live = Path(settings.database_url.removeprefix("sqlite:///"))
    with sqlite3.connect(live) as conn:
        conn.execute("PRAGMA wal_checkpoint(FULL)")
    copy = tmp_path / "copy.sqlite3"
    shutil.copyfile(live, copy)
    # The member's first login: second factor, own passphrase, and only then a key pair.
    member = Browser(app.test_client())
    member.login_counsellor(email, FIRST)
    member.submit("/vp/wachtwoordzin", {"old": FIRST, "new": OWN, "repeat": OWN})
    new_id = staff_id(db, email)
    from whistle.services import trust
    with db() as s:
        trust.endorse(world.use_case(s), s.get(Staff, new_id), actor="test", seed=world.trust_seeds["deventer"])
    send(browser)
    with db() as s:
        ref = s.scalar(select(Case.ref))
        case = s.scalar(select(Case).where(Case.ref == ref))
        sealed = s.scalar(select(CaseKey.sealed_key).where(CaseKey.case_id == case.id, CaseKey.staff_id == new_id))
        public = s.get(Staff, new_id).public_key
        commitment = case.key_commitment
    assert sealed is not None  # the member, now endorsed, does receive it
    # Everything the copy and the first passphrase can unlock:
    with sqlite3.connect(copy) as old:
        row = old.execute("SELECT public_key, locked_secret FROM staff WHERE email = ?", (email,)).fetchone()
        lockeds = [r[0] for r in old.execute("SELECT locked_secret FROM staff WHERE locked_secret IS NOT NULL")]
    assert row == (None, None)  # no key pair existed before the first login
    opened = []
    for blob in lockeds:
        try:
            opened.append(crypto.unwrap_case_key(sealed, public, crypto.unlock_staff_secret(blob, FIRST), commitment))
        except crypto.CryptoError:
            pass
    assert opened == []


def test_the_first_passphrase_works_once(deventer, app, db):
    admin = Browser(app.test_client())
    admin.login_counsellor(ADMIN)
    assert admin.submit("/beheer/accounts/nieuw", {"role": "counsellor", "email": "eens@deventer.example",
                                                   "name": "Eens", "passphrase": FIRST}).status_code == 302
    member = Browser(app.test_client())
    assert member.login_counsellor("eens@deventer.example", FIRST).status_code == 200  # enrolled
    member.submit("/vp/logout", {}, form_page="/vp/wachtwoordzin")  # leaves without choosing their own
    again = Browser(app.test_client()).submit("/vp/login", {"email": "eens@deventer.example", "passphrase": FIRST})
    assert again.status_code == 401 and "al gebruikt" in again.get_data(as_text=True)
    with db() as s:
        assert s.scalar(select(Staff).where(Staff.email == "eens@deventer.example")).public_key is None
