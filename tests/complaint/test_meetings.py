"""Meetings on request (issue 15, point 2): the melder asks for a conversation (in person or by
phone) on their case page, on the no-JavaScript form with a note sealed by the server, or
through the API with a note the client sealed; the request itself carries only the kind and
the last day for a proposal (the regeling's [meetings] proposal_days, default 7). The inbox
shows the pending request; the counsellor proposes a time and place, sealed to the melder, who
reads it and confirms it or asks for another moment (a fresh term). Every step is an event;
nothing of the note or the proposal is readable at rest; a step out of turn changes nothing."""
from datetime import date

import pytest
from sqlalchemy import select

import crypto
from tests.complaint.conftest import ORG, who
from whistle.domain.meeting import DEFAULT_PROPOSAL_DAYS
from whistle.domain.regeling import RegelingError, parse_regeling
from whistle.models import AuditEvent, Case, CaseMeeting, Record
from whistle.reporter_client import ProtocolError, b64

NOTE = "Liefst op een dinsdagmiddag, niet op het kantoor zelf."
PROPOSAL = "Dinsdag 10 maart om 14.00 uur in de bibliotheek aan de Hinthamerstraat, zaal 2."
PROPOSAL_2 = "Donderdag 19 maart om 16.30 uur, ik bel u op het nummer dat u mij gaf."


def meeting_row(db):
    with db() as s:
        row = s.scalars(select(CaseMeeting).order_by(CaseMeeting.id.desc())).first()
        if row is not None:
            s.expunge(row)
        return row


def events(db, ref):
    with db() as s:
        return list(s.scalars(select(AuditEvent.event).where(AuditEvent.case_ref == ref)))


def test_the_melder_asks_for_a_meeting_the_counsellor_proposes_and_the_melder_confirms(
        bosch, reporter_api, browser, client, db, clock):
    api = reporter_api(ORG)
    api.submit({"what": "De afdelingsmanager laat facturen dubbel betalen."})
    code = api.code
    with db() as s:
        ref = s.scalars(select(Case.ref)).one()

    browser.melder_login(ORG, code)
    page = client.get("/melder/zaak").get_data(as_text=True)
    assert 'id="meeting-request"' in page and "binnen 7 dagen" in page
    refused = browser.submit("/melder/gesprek/aanvragen", {"kind": "videobellen"}, form_page="/melder/zaak")
    assert refused.status_code == 400 and "soort gesprek" in refused.get_data(as_text=True)
    assert meeting_row(db) is None
    refused = browser.submit("/melder/gesprek/bevestigen", {}, form_page="/melder/zaak")
    assert refused.status_code == 400 and "geen voorstel" in refused.get_data(as_text=True)
    asked = browser.submit("/melder/gesprek/aanvragen", {"kind": "gesprek", "text": NOTE}, form_page="/melder/zaak")
    assert asked.status_code == 302
    row = meeting_row(db)
    assert (row.kind, row.requested_on, row.due, row.proposed_on) == ("gesprek", date(2026, 3, 2), date(2026, 3, 9), None)
    with db() as s:
        blobs = [r.ciphertext for r in s.scalars(select(Record))]
    assert not any(b"dinsdagmiddag" in b for b in blobs)
    page = client.get("/melder/zaak").get_data(as_text=True)
    assert 'id="meeting-requested"' in page and "09-03-2026" in page and 'id="meeting-request"' not in page
    again = browser.submit("/melder/gesprek/aanvragen", {"kind": "telefoon"}, form_page="/melder/zaak")
    assert again.status_code == 400 and "loopt nog" in again.get_data(as_text=True)

    client.post("/melder/uitloggen", data={"csrf_token": browser.csrf("/melder/zaak")})
    browser.login_counsellor(who("vp"))
    inbox = client.get("/vp/").get_data(as_text=True)
    assert 'id="meeting-requests"' in inbox and ref in inbox and "09-03-2026" in inbox
    assert "gesprek gevraagd" in inbox
    assert "Voorstel voor een gesprek" in client.get("/vp/termijnen").get_data(as_text=True)
    case_page = client.get(f"/vp/zaak/{ref}").get_data(as_text=True)
    assert 'id="meeting-form"' in case_page and NOTE in case_page  # the note, opened with the case key
    empty = browser.submit(f"/vp/zaak/{ref}/gesprek", {"proposal": " "}, form_page=f"/vp/zaak/{ref}")
    assert empty.status_code == 400 and "wanneer en waar" in empty.get_data(as_text=True)
    assert meeting_row(db).proposed_on is None
    clock.advance(days=2)
    browser.login_counsellor(who("vp"))
    done = browser.submit(f"/vp/zaak/{ref}/gesprek", {"proposal": PROPOSAL}, form_page=f"/vp/zaak/{ref}")
    assert done.status_code == 302
    assert 'id="meeting-requests"' not in client.get("/vp/").get_data(as_text=True)
    twice = browser.submit(f"/vp/zaak/{ref}/gesprek", {"proposal": PROPOSAL}, form_page=f"/vp/zaak/{ref}")
    assert twice.status_code == 400 and meeting_row(db).proposals == 1
    with db() as s:
        assert not any(b"bibliotheek" in r.ciphertext for r in s.scalars(select(Record)))

    # the melder (server path) reads the proposal and asks for another moment
    client.post("/vp/uitloggen")
    browser.melder_login(ORG, code)
    page = client.get("/melder/zaak").get_data(as_text=True)
    assert 'id="meeting-proposal"' in page and PROPOSAL in page and 'id="meeting-confirm"' in page
    other = browser.submit("/melder/gesprek/ander-moment", {"text": "Dinsdag kan ik toch niet."},
                           form_page="/melder/zaak")
    assert other.status_code == 302
    row = meeting_row(db)
    assert (row.proposed_on, row.due, row.proposals) == (None, date(2026, 3, 11), 1)

    # the counsellor proposes again; the melder confirms through the API this time
    client.post("/melder/uitloggen", data={"csrf_token": browser.csrf("/melder/zaak")})
    browser.login_counsellor(who("vp"))
    assert browser.submit(f"/vp/zaak/{ref}/gesprek", {"proposal": PROPOSAL_2},
                          form_page=f"/vp/zaak/{ref}").status_code == 302
    api.log_in(code)
    data = api.case()["meeting"]
    assert data["may_request"] is False and data["current"]["stage"] == "voorgesteld"
    assert data["current"]["proposals"] == 2
    proposals = [r["body"] for r in api.read_records()
                 if r["body"] and r["body"].get("purpose") == "meeting_proposal"]
    assert [p["text"] for p in proposals] == [PROPOSAL, PROPOSAL_2]
    for bad in ({"action": "afspreken"}, {"action": "request", "kind": "gesprek"},
                {"action": "other_moment", "text": "in de klare tekst"}):
        with pytest.raises(ProtocolError) as refused:
            api._json("POST", "/api/v1/reporter/case/meeting", bad)
        assert refused.value.status == 400, bad
    answer = api._json("POST", "/api/v1/reporter/case/meeting", {"action": "confirm"}, expect=(201,))
    assert answer["meeting"]["current"]["stage"] == "bevestigd" and answer["meeting"]["may_request"] is True
    assert meeting_row(db).confirmed_on == date(2026, 3, 4)

    client.post("/vp/uitloggen")
    browser.melder_login(ORG, code)
    page = client.get("/melder/zaak").get_data(as_text=True)
    assert 'id="meeting-confirmed"' in page and PROPOSAL_2 in page and 'id="meeting-request"' in page
    assert [e for e in events(db, ref) if e.startswith("meeting")] == [
        "meeting_requested", "meeting_proposed", "meeting_other_moment_asked", "meeting_proposed", "meeting_confirmed"]


def test_the_browser_asks_with_a_note_it_sealed_within_the_regelings_term(world, reporter_api, db, tmp_path):
    from tests.authority.conftest import make_staff
    from whistle.domain.regeling import shipped_regeling_paths
    shipped = next(p for p in shipped_regeling_paths() if p.stem == ORG).read_text()
    assert "[meetings]" not in shipped
    regeling = tmp_path / f"{ORG}.toml"
    regeling.write_text(shipped + "\n[meetings]\nproposal_days = 3\n")
    world.org(ORG, name="Gemeente 's-Hertogenbosch", regeling=regeling)
    make_staff(world, ORG, "vp", "counsellor", None)
    api = reporter_api(ORG)
    api.submit({"what": "Onkosten worden dubbel gedeclareerd."})
    api.log_in()
    api.case()
    sealed = b64(crypto.seal_record(api.case_key, "message", api.keys.locator_hex,
                                    {"text": NOTE, "purpose": "meeting_request"}))
    with pytest.raises(ProtocolError) as refused:
        api._json("POST", "/api/v1/reporter/case/meeting", {"action": "request", "kind": "gesprek",
                                                            "ciphertext": "geen-base64!"})
    assert refused.value.status == 400 and meeting_row(db) is None
    answer = api._json("POST", "/api/v1/reporter/case/meeting",
                       {"action": "request", "kind": "telefoon", "ciphertext": sealed}, expect=(201,))
    current = answer["meeting"]["current"]
    assert (current["kind"], current["stage"], current["proposal_due"]) == ("telefoon", "gevraagd", "2026-03-05")
    notes = [r["body"]["text"] for r in api.read_records() if r["body"] and r["body"].get("purpose") == "meeting_request"]
    assert notes == [NOTE]
    with db() as s:
        assert not any(b"dinsdagmiddag" in r.ciphertext for r in s.scalars(select(Record)))


def test_the_regeling_says_how_many_days_the_counsellor_has_for_a_proposal():
    from whistle.domain.regeling import load_regeling, shipped_regeling_paths
    base = load_regeling(next(p for p in shipped_regeling_paths() if p.stem == "deventer")).to_dict()
    base.pop("meetings")
    default = parse_regeling(base, "x.toml")
    assert default.meeting_proposal_days == DEFAULT_PROPOSAL_DAYS == 7
    assert parse_regeling(base | {"meetings": {"proposal_days": 3}}, "x.toml").meeting_proposal_days == 3
    assert default.to_dict()["meetings"] == {"proposal_days": 7}
    for bad in (0, 43, "7", True, 2.5):
        with pytest.raises(RegelingError) as refused:
            parse_regeling(base | {"meetings": {"proposal_days": bad}}, "x.toml")
        assert "meetings.proposal_days" in str(refused.value)
    with pytest.raises(RegelingError):
        parse_regeling(base | {"meetings": {"dagen": 3}}, "x.toml")
