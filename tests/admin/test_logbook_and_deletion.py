"""The beheerder's logbook (issue 13.7): the organisation's audit trail as date, role and event
in words, never content, a reference or an address; verified on request, with the head to
copy as an anchor; paged. Deleting an account that holds nothing; one that holds keys stays,
with the reason why."""
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update

from tests.admin.test_accounts import ADMIN, assert_admin_reads_nothing, deventer, events, member, snapshot  # noqa: F401
from whistle.domain.audit_labels import EVENT_LABELS, event_description
from whistle.models import AuditEvent, Case, Staff, StaffRecoveryCode, StaffSession

ROOT = Path(__file__).resolve().parents[2]


def test_every_event_the_code_records_has_a_dutch_label():
    names = set()
    for path in (ROOT / "whistle").rglob("*.py"):
        source = path.read_text()
        names |= set(re.findall(r'event="([a-z_]+)"', source))
        for pair in re.findall(r'event="([a-z_]+)" if [^\n]*? else "([a-z_]+)"', source):
            names |= set(pair)
    assert {"identity_consent_revoked", "staff_deactivated", "case_received"} <= names
    missing = sorted(n for n in names if event_description(n) == "Andere gebeurtenis")
    assert missing == []
    # lifecycle steps are recorded as case_<event>: every step reads as words
    from whistle.domain.lifecycle import Event
    assert all(event_description(f"case_{e.value}") != "Andere gebeurtenis" for e in Event)
    assert all(label and label[0].isupper() for label in EVENT_LABELS.values())


def test_the_logbook_shows_date_role_and_event_and_nothing_else(deventer, client, db):
    with db() as s:
        ref = s.scalar(select(Case.ref))
    html = client.get("/beheer/logboek").get_data(as_text=True)
    assert "Melding ontvangen" in html and "Account aangemaakt" in html
    assert ">melder<" in html and ">beheerder<" in html
    assert ref not in html
    assert "@deventer.example" not in html and "case_received" not in html
    assert "senzer" not in html.lower()  # another organisation's chain is not shown
    assert re.search(r"\d\d-\d\d-\d{4}", html)  # dates as dd-mm-jjjj
    assert_admin_reads_nothing(client, db)


def test_verification_on_request_names_the_head_and_finds_an_edit(deventer, client, db):
    html = client.get("/beheer/logboek?controleer=ja").get_data(as_text=True)
    assert "de hele keten klopt" in html
    with db() as s:
        seq, digest = s.execute(select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.chain == "deventer")
                                .order_by(AuditEvent.seq.desc()).limit(1)).one()
    assert f"deventer:{seq}:{digest}" in html
    with db() as s:
        s.execute(update(AuditEvent).where(AuditEvent.chain == "deventer", AuditEvent.seq == 2)
                  .values(event="staff_login"))
        s.commit()
    html = client.get("/beheer/logboek?controleer=ja").get_data(as_text=True)
    assert "beschadigd of gewijzigd vanaf gebeurtenis 2" in html


def test_the_logbook_pages_back_in_steps(deventer, client, db, monkeypatch):
    from whistle.services import logbook
    monkeypatch.setattr(logbook, "PAGE", 3)
    monkeypatch.setattr(logbook.page, "__defaults__", (None, 3))
    with db() as s:
        total = s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.chain == "deventer"))
    seen, url = [], "/beheer/logboek"
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += [int(n) for n in re.findall(r"<tr><td>(\d+)</td>", html)]
        older = re.search(r'href="(/beheer/logboek\?voor=\d+)"', html)
        url = older.group(1) if older else None
    assert seen == list(range(total, 0, -1))
    assert client.get("/beheer/logboek?voor=abc").status_code == 200  # a bad value is the first page


def test_only_a_beheerder_sees_the_logbook(deventer, app, db):
    from tests.conftest import Browser
    other = app.test_client()
    assert other.get("/beheer/logboek").status_code in (302, 401)
    Browser(other).login_counsellor("vp@deventer.example")
    assert other.get("/beheer/logboek").status_code == 403


def test_an_account_without_keys_is_deleted_with_its_sessions_and_second_factor(deventer, world, browser, client, db):
    world.staff("deventer", role="authority", email="oud@deventer.example", endorse=False)
    gone = member(db, "oud@deventer.example")
    with db() as s:
        assert s.scalar(select(func.count()).select_from(StaffRecoveryCode)
                        .where(StaffRecoveryCode.staff_id == gone.id)) >= 0
    page = client.get(f"/beheer/accounts/{gone.id}/verwijderen").get_data(as_text=True)
    assert "Account verwijderen" in page and "kan niet worden verwijderd" not in page
    before = snapshot(db)
    r = browser.submit(f"/beheer/accounts/{gone.id}/verwijderen", {}, form_page=f"/beheer/accounts/{gone.id}/verwijderen")
    assert r.status_code == 400 and "Vink aan" in r.get_data(as_text=True)
    assert snapshot(db) == before
    r = browser.submit(f"/beheer/accounts/{gone.id}/verwijderen", {"confirm": "ja"},
                       form_page=f"/beheer/accounts/{gone.id}/verwijderen")
    assert r.status_code == 302
    assert member(db, "oud@deventer.example") is None
    with db() as s:
        for model in (StaffSession, StaffRecoveryCode):
            assert s.scalar(select(func.count()).select_from(model).where(model.staff_id == gone.id)) == 0
    [event] = events(db, "staff_deleted")
    assert event.actor == ADMIN and "oud@deventer.example" in event.details
    assert "Account verwijderd" in client.get("/beheer/logboek").get_data(as_text=True)
    assert_admin_reads_nothing(client, db)


def test_an_account_that_holds_keys_stays_and_the_beheerder_is_told_why(deventer, browser, client, db):
    vp = member(db, "vp@deventer.example")
    page = client.get(f"/beheer/accounts/{vp.id}/verwijderen").get_data(as_text=True)
    assert "kan niet worden verwijderd" in page and "sleutel van 1 melding" in page
    assert "erkend" in page and 'name="confirm"' not in page
    before = snapshot(db)
    r = browser.submit(f"/beheer/accounts/{vp.id}/verwijderen", {"confirm": "ja"},
                       form_page=f"/beheer/accounts/{vp.id}")
    assert r.status_code == 400 and "sleutel van 1 melding" in r.get_data(as_text=True)
    assert snapshot(db) == before and member(db, "vp@deventer.example") is not None
    admin = member(db, ADMIN)
    r = browser.submit(f"/beheer/accounts/{admin.id}/verwijderen", {"confirm": "ja"},
                       form_page=f"/beheer/accounts/{admin.id}")
    assert r.status_code == 400 and "eigen account" in r.get_data(as_text=True)
    assert snapshot(db) == before


def test_another_organisations_account_is_not_there(deventer, browser, client, db):
    other = member(db, "beheer@senzer.example")
    assert client.get(f"/beheer/accounts/{other.id}/verwijderen").status_code == 404
    before = snapshot(db)
    r = browser.submit(f"/beheer/accounts/{other.id}/verwijderen", {"confirm": "ja"},
                       form_page="/beheer/")
    assert r.status_code == 404 and snapshot(db) == before


def test_the_command_deletes_or_explains(deventer, world, settings, db, monkeypatch):
    from whistle.cli import main
    monkeypatch.setenv("WHISTLE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("WHISTLE_DATABASE_URL", settings.database_url)
    world.staff("deventer", role="admin", email="tweede@deventer.example")
    runner = CliRunner()
    r = runner.invoke(main, ["user", "delete", "--email", "vp@deventer.example"])
    assert r.exit_code != 0 and "sleutel van 1 melding" in r.output
    assert member(db, "vp@deventer.example") is not None
    r = runner.invoke(main, ["user", "delete", "--email", "tweede@deventer.example"])
    assert r.exit_code == 0, r.output
    assert member(db, "tweede@deventer.example") is None
    assert events(db, "staff_deleted")[-1].actor == "cli"
