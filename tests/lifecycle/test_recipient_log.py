"""The recipient log (issue 10, point 4): every change to who receives meldingen or dossiers is
an entry in an append-only, hash-chained log per organisation, shown to every counsellor on
their start page and mailed, as a reference and a fingerprint only, to every endorsed
counsellor (a real SMTP server on loopback)."""
import pytest
from sqlalchemy import select, update

import crypto
from tests.conftest import Browser
from whistle.models import AuditEvent, Staff
from whistle.services import audit, recipient_log

ADMIN = "beheer@deventer.example"


@pytest.fixture
def settings(settings, smtp):
    return settings.with_(mail=smtp[1], base_url="https://meldpunt.deventer.example")


@pytest.fixture
def town(world):
    world.org("deventer")
    world.staff(email="vp@deventer.example")
    world.staff(email="vp2@deventer.example")
    world.staff(role="counsellor", email="nieuw@deventer.example", endorse=False)
    world.staff(role="admin", email=ADMIN)
    return world


def test_endorsing_deactivating_and_withdrawing_are_logged_shown_and_mailed(town, app, db, smtp):
    inbox, _ = smtp
    with db() as s:
        new = s.scalar(select(Staff).where(Staff.email == "nieuw@deventer.example"))
        new_id, fp = new.id, crypto.fingerprint(new.public_key)
    vp = Browser(app.test_client())
    vp.login_counsellor("vp@deventer.example")
    assert vp.submit(f"/vp/ontvangers/{new_id}/erkennen", {"fingerprint": fp},
                     form_page="/vp/ontvangers").status_code == 302
    for address in ("vp@deventer.example", "vp2@deventer.example", "nieuw@deventer.example"):
        [mail] = inbox.to(address)
        assert "recipients:deventer#" in mail and fp in mail
        assert "nieuw@deventer.example" not in mail.split("\n\n", 1)[1]  # reference and fingerprint only
    assert not inbox.to(ADMIN)
    admin = Browser(app.test_client())
    admin.login_counsellor(ADMIN)
    vp2 = town_id(db, "vp2@deventer.example")
    assert admin.submit(f"/beheer/accounts/{vp2}/actief", {"active": "nee"},
                        form_page=f"/beheer/accounts/{vp2}").status_code == 302
    assert len(inbox.to("vp@deventer.example")) == 2 and len(inbox.to("vp2@deventer.example")) == 1
    assert vp.submit(f"/vp/ontvangers/{new_id}/intrekken", {}, form_page="/vp/ontvangers").status_code == 302
    home = vp.client.get("/vp/").get_data(as_text=True)
    for words in ("erkend als ontvanger", "account uitgeschakeld", "erkenning ingetrokken", fp):
        assert words in home
    with db() as s:
        org = s.get(Staff, new_id).organisation
        events = [e.event for e in reversed(recipient_log.entries(s, org))]
        assert events[-3:] == ["endorsed", "deactivated", "withdrawn"]
        assert recipient_log.verify(s, org) == []


def test_a_log_edited_in_the_database_is_reported_as_broken(town, app, db):
    with db() as s:
        s.execute(update(AuditEvent).where(AuditEvent.chain == "recipients:deventer", AuditEvent.seq == 2)
                  .values(actor="iemand anders"))
    vp = Browser(app.test_client())
    vp.login_counsellor("vp@deventer.example")
    assert "Het logboek is beschadigd of gewijzigd" in vp.client.get("/vp/").get_data(as_text=True)
    with db() as s:
        assert audit.verify(s, "recipients:deventer")


def town_id(db, email):
    with db() as s:
        return s.scalar(select(Staff.id).where(Staff.email == email))
