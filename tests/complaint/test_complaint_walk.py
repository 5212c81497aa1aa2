"""'s-Hertogenbosch's complaint from melding to closing (issue 15), both ways and both paths:
the melder complains after the terugkoppeling (the no-JavaScript form; the API with a record
the client sealed), the case goes to `klacht_ingediend` and cannot be closed, the counsellor
puts it to the gemeentesecretaris with the decision's last day on the page, who decides on
the dossier page: no investigation (reasons to the melder) or an investigation after all
(the case reopens). The LKC's last day is two years after the event date the melder gave."""
import re
from datetime import date

import pytest
from sqlalchemy import func, select

import crypto
from tests.authority.conftest import send_melding
from tests.complaint.conftest import ORG, who
from whistle.models import AuditEvent, Case, CaseComplaint, DossierKey, Record
from whistle.services.authority import decisions as authority
from whistle.services.counsellor import complaint as counsellor_complaint
from whistle.services.counsellor.case import open_case
from whistle.services.errors import InvalidInput
from whistle.services.lifecycle import transition

COMPLAINT = "Mijn melding over pesten is te snel afgedaan; niemand heeft de collega gesproken."
REASONS = "De vertrouwenspersoon heeft de melding zorgvuldig beoordeeld; een onderzoek voegt niets toe."


def to_feedback(db, use_case, as_staff, ref):
    with db() as s:
        for event, facts in (("acknowledge", {}),
                             ("triage", {"kind": "ongewenst_gedrag", "meldingswaardig": False}),
                             ("give_feedback", {"text": "Wij doen geen onderzoek."})):
            transition(use_case(s), ref, event, as_staff(s, who("vp")), **facts)
        s.commit()


def case_row(db):
    with db() as s:
        c = s.scalars(select(Case)).one()
        s.expunge(c)
        return c


def complaint_row(db):
    with db() as s:
        row = s.scalars(select(CaseComplaint)).one_or_none()
        if row is not None:
            s.expunge(row)
        return row


def test_the_melder_complains_on_the_form_and_the_gemeentesecretaris_refuses_with_reasons(
        bosch, browser, client, db, use_case, as_staff, clock):
    code = send_melding(browser, org=ORG, identity=False, what="Ik word gepest door mijn leidinggevende.")
    ref = case_row(db).ref
    to_feedback(db, use_case, as_staff, ref)
    today = clock.today()

    browser.melder_login(ORG, code)
    page = client.get("/melder/zaak").get_data(as_text=True)
    assert 'id="complaint-form"' in page and "gemeentesecretaris" in page
    assert "/melder/stap/complain" not in page  # not a bare button: the form carries the complaint
    for bad, field in (({"text": ""}, "Schrijf waarom"), ({"text": COMPLAINT, "event_on": "2999-01-01"}, "toekomst"),
                       ({"text": COMPLAINT, "event_on": "14-03-2025"}, "JJJJ-MM-DD")):
        refused = browser.submit("/melder/klacht", bad, form_page="/melder/zaak")
        assert refused.status_code == 400 and field in refused.get_data(as_text=True)
        assert complaint_row(db) is None and case_row(db).state == "terugkoppeling_gegeven"
    assert browser.submit("/melder/klacht", {"text": COMPLAINT, "event_on": "2025-03-14"},
                          form_page="/melder/zaak").status_code == 302
    c, row = case_row(db), complaint_row(db)
    assert c.state == "klacht_ingediend" and c.melder_disagrees_on == today
    assert (row.lodged_on, row.lkc_limit_on, row.forwarded_on) == (today, date(2027, 3, 14), None)
    assert (row.due - today).days == 42  # six weeks, from [complaint] in the regeling
    page = client.get("/melder/zaak").get_data(as_text=True)
    assert "14-03-2027" in page and 'id="complaint-form"' not in page
    assert row.due.strftime("%d-%m-%Y") in page
    with db() as s:  # nothing of it readable at rest: not the text, not the event date
        blobs = [r.ciphertext for r in s.scalars(select(Record))]
        details = " ".join(s.scalars(select(AuditEvent.details)))
    assert not any(COMPLAINT.encode() in b or b"2025-03-14" in b for b in blobs)
    assert "2025-03-14" not in details and "pesten" not in details
    # the melder complains once
    assert browser.submit("/melder/klacht", {"text": "Nog eens."}, form_page="/melder/zaak").status_code == 400

    # the counsellor cannot close while the complaint is pending, and sees the decision's last day
    with db() as s, pytest.raises(InvalidInput, match="niet mogelijk"):
        transition(use_case(s), ref, "close", as_staff(s, who("vp")))
    browser.login_counsellor(who("vp"))
    page = client.get(f"/vp/zaak/{ref}").get_data(as_text=True)
    assert 'id="complaint-due"' in page and row.due.strftime("%d-%m-%Y") in page
    assert 'data-event="close"' not in page
    assert re.search(r'name="complaint_text"[^>]*>' + re.escape(COMPLAINT), page)  # the forward form, prefilled
    empty = browser.submit(f"/vp/zaak/{ref}/klacht", {"complaint_text": " "}, form_page=f"/vp/zaak/{ref}")
    assert empty.status_code == 400 and complaint_row(db).forwarded_on is None
    sent = browser.submit(f"/vp/zaak/{ref}/klacht", {"complaint_text": COMPLAINT.replace("pesten", "[..]"),
                                                     "note": "Melder voelt zich niet gehoord."},
                          form_page=f"/vp/zaak/{ref}")
    assert sent.status_code == 302, sent.get_data(as_text=True)
    assert case_row(db).state == "klacht_voorgelegd" and complaint_row(db).forwarded_on == today

    # only the gemeentesecretaris holds the complaint dossier
    with db() as s:
        assert authority.inbox(s, as_staff(s, who("wethouder"))) == []
        (line,) = authority.inbox(s, as_staff(s, who("secretaris")))
        holders = s.scalar(select(func.count()).select_from(DossierKey))
    assert holders == 1
    client.post("/vp/uitloggen")
    browser.login_counsellor(who("secretaris"))
    page = client.get(f"/bg/dossier/{line.ref}").get_data(as_text=True)
    assert 'id="complaint-note"' in page and 'id="event-decide-complaint"' in page
    assert "Melder voelt zich niet gehoord." in page and "Wij doen geen onderzoek." in page
    assert "[..]" in page and "pesten" not in page  # what the counsellor passed on
    unmotivated = browser.submit(f"/bg/dossier/{line.ref}/klachtbesluit", {"outcome": "geen_onderzoek"},
                                 form_page=f"/bg/dossier/{line.ref}")
    assert unmotivated.status_code == 400 and case_row(db).state == "klacht_voorgelegd"
    decided = browser.submit(f"/bg/dossier/{line.ref}/klachtbesluit",
                             {"outcome": "geen_onderzoek", "motivation": REASONS}, form_page=f"/bg/dossier/{line.ref}")
    assert decided.status_code == 302, decided.get_data(as_text=True)
    row = complaint_row(db)
    assert case_row(db).state == "terugkoppeling_gegeven" and (row.decided_on, row.outcome) == (today, "geen_onderzoek")

    # the melder reads the decision and its reasons; the LKC is still open
    client.post("/vp/uitloggen")
    browser.melder_login(ORG, code)
    page = client.get("/melder/zaak").get_data(as_text=True)
    assert "Geen onderzoek" in page and REASONS in page and 'id="complaint-lkc"' in page
    clock.set(clock.now().replace(year=2027, month=3, day=15))
    browser.melder_login(ORG, code)
    assert "termijn van twee jaar na de gebeurtenis is verstreken" in client.get("/melder/zaak").get_data(as_text=True)
    with db() as s:
        transition(use_case(s), ref, "close", as_staff(s, who("vp")))
        s.commit()
    assert case_row(db).state == "afgesloten"


def test_the_browser_complains_with_a_sealed_record_and_an_investigation_follows_after_all(
        bosch, reporter_api, db, use_case, as_staff, clock):
    from whistle.reporter_client import ProtocolError, b64, unb64
    api = reporter_api(ORG)
    api.submit({"what": "Mijn leidinggevende scheldt mij uit."})
    ref = case_row(db).ref
    api.log_in()
    assert api.case()["complaint"] is None  # no terugkoppeling yet: nothing to complain about
    to_feedback(db, use_case, as_staff, ref)
    api.log_in()
    data = api.case()
    assert data["complaint"] == {"may_lodge": True, "decided_by": "Gemeentesecretaris"}
    assert "complain" not in [e["event"] for e in data["events"]]
    sealed = b64(crypto.seal_record(api.case_key, "message", api.keys.locator_hex,
                                    {"text": COMPLAINT, "purpose": "complaint", "event_on": "2025-01-31"}))
    for bad in ({}, {"ciphertext": "niet-base64!"}, {"ciphertext": sealed, "lkc_limit_on": "2099-01-01"},
                {"ciphertext": sealed, "lkc_limit_on": "morgen"}):
        with pytest.raises(ProtocolError) as refused:
            api._json("POST", "/api/v1/reporter/case/complaint", bad)
        assert refused.value.status == 400, bad
        assert complaint_row(db) is None
    answer = api._json("POST", "/api/v1/reporter/case/complaint", {"ciphertext": sealed, "lkc_limit_on": "2027-01-31"},
                       expect=(201,))
    assert answer["state"] == "klacht_ingediend"
    assert answer["complaint"]["lkc_limit_on"] == "2027-01-31" and answer["complaint"]["lkc_passed"] is False
    assert answer["complaint"]["decision_due"] == complaint_row(db).due.isoformat()

    with db() as s:
        vp = as_staff(s, who("vp"))
        whole = open_case(use_case(s), vp, ref)
        opened = counsellor_complaint.complaint_message(whole)
        assert opened.body["text"] == COMPLAINT  # the counsellor reads what the browser sealed
        counsellor_complaint.forward(use_case(s), vp, ref, {"complaint_text": opened.body["text"]})
        s.commit()
    with db() as s:
        (line,) = authority.inbox(s, as_staff(s, who("secretaris")))
        with pytest.raises(InvalidInput):
            authority.decide_complaint(use_case(s), as_staff(s, who("secretaris")), line.ref, {"outcome": "misschien",
                                                                                           "motivation": "x"})
        authority.decide_complaint(use_case(s), as_staff(s, who("secretaris")), line.ref,
                                   {"outcome": "onderzoek", "motivation": "Er komt alsnog een onderzoek."})
        s.commit()
    assert case_row(db).state == "onderzoek_na_klacht"
    first_feedback = case_row(db).feedback_given_on
    with db() as s, pytest.raises(InvalidInput):
        transition(use_case(s), ref, "close", as_staff(s, who("vp")))

    # the browser reads the reasons: the dossier key's copy under the case key, then the decision
    decision = api.case()["complaint"]["decision"]
    copy = crypto.open_record(api.case_key, "dossier_key", api.keys.locator_hex, unb64(decision["dossier_key"]))
    assert copy["dossier"] == decision["dossier"]
    body = crypto.open_record(unb64(copy["key"]), "dossier", decision["dossier"], unb64(decision["ciphertext"]))
    assert (body["decision"], body["motivation"]) == ("onderzoek", "Er komt alsnog een onderzoek.")

    clock.set(clock.now().replace(day=clock.now().day + 1))
    with db() as s:
        transition(use_case(s), ref, "give_feedback", as_staff(s, who("vp")), text="Het onderzoek is klaar.")
        transition(use_case(s), ref, "close", as_staff(s, who("vp")))
        s.commit()
    c = case_row(db)
    assert c.state == "afgesloten" and c.feedback_given_on == first_feedback  # the statutory one stays
    with pytest.raises(ProtocolError):  # closed: no complaint any more
        api._json("POST", "/api/v1/reporter/case/complaint", {"ciphertext": sealed})


def test_a_regeling_without_a_complaint_procedure_offers_none(world, browser, client, db, use_case, as_staff):
    from tests.authority.conftest import make_staff
    world.org("deventer")
    make_staff(world, "deventer", "vp", "counsellor", None)
    code = send_melding(browser, identity=False)
    ref = case_row(db).ref
    with db() as s:
        for event, facts in (("acknowledge", {}), ("triage", {"kind": "ongewenst_gedrag", "meldingswaardig": False}),
                             ("give_feedback", {"text": "Uitkomst."})):
            transition(use_case(s), ref, event, as_staff(s, "vp"), **facts)
        s.commit()
    browser.melder_login("deventer", code)
    page = client.get("/melder/zaak").get_data(as_text=True)
    assert 'id="klacht"' not in page
    refused = browser.submit("/melder/klacht", {"text": COMPLAINT}, form_page="/melder/zaak")
    assert refused.status_code == 400 and complaint_row(db) is None
    assert case_row(db).state == "terugkoppeling_gegeven"
