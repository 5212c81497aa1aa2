"""Issue 11 point 2: a record that does not open is shown as unreadable, in place, on every
page and in the API; the rest of the case stays readable; opening, acknowledging and closing
junk cases works."""
import os

from sqlalchemy import select

from whistle.models import Case
from tests.abuse.junk import b64, junk_record, junk_submission, work_header
from tests.conftest import code_from_receipt


def _post_junk_message(client, token):
    r = client.post("/api/v1/reporter/case/messages", json={"ciphertext": b64(junk_record())},
                    headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201


def test_a_junk_message_is_unreadable_in_place_and_the_rest_stays_readable(world, reporter_api, browser, client, db):
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example")
    melder = reporter_api()
    melder.submit({"what": "het echte verhaal"})
    melder.log_in()
    melder.send_message("eerste echte bericht")
    _post_junk_message(client, melder.token)
    melder.send_message("tweede echte bericht")

    # The reference client (the API's reader): the junk record is unreadable, the others open.
    records = melder.read_records()
    assert [r["unreadable"] for r in records] == [False, False, True, False]
    assert records[2]["body"] is None and records[3]["body"] == {"text": "tweede echte bericht"}

    # The counsellor's page: 200, the junk record marked in its place between the real ones.
    with db() as s:
        ref = s.scalar(select(Case.ref))
    browser.login_counsellor("vp@deventer.example")
    page = client.get(f"/vp/zaak/{ref}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "het echte verhaal" in text
    first, junk, second = (text.index("eerste echte bericht"), text.index("Onleesbaar: dit bericht"),
                           text.index("tweede echte bericht"))
    assert first < junk < second


def test_the_melder_no_js_page_shows_the_unreadable_record_in_place(world, reporter_api, client):
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example")
    melder = reporter_api()
    melder.submit({"what": "het echte verhaal"})
    melder.log_in()
    _post_junk_message(client, melder.token)
    melder.send_message("een echt bericht")
    client.delete_cookie("whistle")
    page = client.get("/o/deventer/terug").get_data(as_text=True)
    import re
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post("/o/deventer/terug", data={"code": melder.code, "csrf_token": token})
    assert r.status_code in (200, 302)
    case = client.get("/melder/zaak")
    assert case.status_code == 200
    text = case.get_data(as_text=True)
    assert "het echte verhaal" in text and "een echt bericht" in text
    assert text.index("Onleesbaar: dit bericht") < text.index("een echt bericht")


def test_a_junk_case_opens_acknowledges_and_closes(world, client, browser, db):
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example")
    intake = client.get("/api/v1/orgs/deventer/intake").get_json()
    assert client.post("/api/v1/orgs/deventer/reports", json=junk_submission(intake),
                       headers=work_header(client)).status_code == 201
    with db() as s:
        ref = s.scalar(select(Case.ref))
    browser.login_counsellor("vp@deventer.example")
    page = client.get(f"/vp/zaak/{ref}")
    assert page.status_code == 200
    assert "Onleesbaar: de melding" in page.get_data(as_text=True)
    ack = browser.submit(f"/vp/zaak/{ref}/stap/acknowledge", {}, form_page=f"/vp/zaak/{ref}")
    assert ack.status_code == 302, ack.get_data(as_text=True)[:2000]
    with db() as s:
        case = s.scalar(select(Case))
        assert case.acknowledged_on is not None


def test_the_counsellor_closes_junk_in_bulk_with_a_reason_and_no_deadline_runs_on(world, client, browser, db,
                                                                                  reporter_api):
    from whistle.domain.states import awaits_acknowledgement, awaits_feedback
    from whistle.models import AuditEvent
    world.org("deventer")
    world.staff("deventer", email="vp@deventer.example")
    reporter_api().submit({"what": "een echte melding"})
    intake = client.get("/api/v1/orgs/deventer/intake").get_json()
    for _ in range(5):
        assert client.post("/api/v1/orgs/deventer/reports", json=junk_submission(intake),
                       headers=work_header(client)).status_code == 201
    with db() as s:
        cases = list(s.scalars(select(Case).order_by(Case.id)))
    real, junk = cases[0].ref, [c.ref for c in cases[1:]]
    browser.login_counsellor("vp@deventer.example")
    inbox = client.get("/vp/").get_data(as_text=True)
    assert all(f'value="{ref}"' in inbox for ref in junk)
    # Without a reason nothing is closed.
    r = browser.submit("/vp/opschonen", {"ref": junk}, form_page="/vp/")
    assert r.status_code == 400
    r = browser.submit("/vp/opschonen", {"ref": junk, "reason": "onleesbaar"}, form_page="/vp/")
    assert r.status_code == 302
    with db() as s:
        by_ref = {c.ref: c for c in s.scalars(select(Case))}
        events = [e.event for e in s.scalars(select(AuditEvent))]
    for ref in junk:
        case = by_ref[ref]
        assert case.state == "afgesloten" and case.closed_on is not None
        assert not awaits_acknowledgement(case.state) and not awaits_feedback(case.state)
    assert by_ref[real].state == "ontvangen"
    assert events.count("case_dismiss") == 5 and events.count("cases_dismissed_in_bulk") == 1
