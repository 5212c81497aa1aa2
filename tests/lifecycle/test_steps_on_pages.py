"""The buttons each actor sees come from the transition table; the melder's steps ask for
confirmation first and work without JavaScript; the API takes the same melder steps."""
import json
import re

from whistle.domain.lifecycle import Actor, available_events
from whistle.domain.routes import WHY_DISAGREES, WHY_OVERDUE
from whistle.services.lifecycle import stored_facts, transition
from tests.lifecycle.conftest import audit_events, case_row

EVENT = re.compile(r'data-event="([a-z_]+)"')


def shown(page: str) -> set[str]:
    return set(EVENT.findall(page))


def expected(db, ref, actor) -> set[str]:
    c = case_row(db, ref)
    return {t.event.value for t in available_events(c.state, actor, **stored_facts(c))}


def counsellor_page(browser, client, ref) -> str:
    browser.login_counsellor("vp@deventer.example")
    return client.get(f"/vp/zaak/{ref}").get_data(as_text=True)


def melder_page(browser, client, code) -> str:
    browser.melder_login("deventer", code)
    return client.get("/melder/zaak").get_data(as_text=True)


def test_each_actor_sees_the_buttons_the_table_gives_in_every_state(melding, browser, client, db, use_case, as_staff):
    ref = melding.ref
    steps = [
        ("acknowledge", {}),
        ("triage", {"kind": "vermoeden_misstand", "meldingswaardig": True}),
        ("extend_feedback", {"until": "2026-05-01", "reason": "Meer tijd nodig."}),
        ("give_feedback", {"text": "Uitkomst."}),
        ("close", {}),
    ]
    seen = []
    for event, facts in [(None, {})] + steps:
        if event:
            with db() as s:
                transition(use_case(s), ref, event, as_staff(s), **facts)
        counsellor = shown(counsellor_page(browser, client, ref))
        melder = shown(melder_page(browser, client, melding.code))
        assert counsellor == expected(db, ref, Actor.COUNSELLOR), event
        assert melder == expected(db, ref, Actor.MELDER), event
        seen.append((counsellor, melder))
    # Spot checks, so the test cannot pass on two empty sets.
    assert seen[0] == ({"acknowledge"}, {"withdraw", "report_external"})
    assert seen[2][0] == {"escalate", "give_feedback", "extend_feedback"}
    assert seen[3][0] == {"escalate", "give_feedback"}  # one extension only
    assert seen[4] == ({"close"}, {"withdraw", "report_external", "disagree"})
    assert seen[5] == (set(), set())


def test_withdrawing_asks_for_confirmation_first(melding, browser, client, db):
    browser.melder_login("deventer", melding.code)
    confirm = client.get("/melder/stap/withdraw")
    assert confirm.status_code == 200 and "niet ongedaan maken" in confirm.get_data(as_text=True)
    # A post without the confirmation shows the question again and changes nothing.
    again = browser.submit("/melder/stap/withdraw", {})
    assert again.status_code == 200 and case_row(db, melding.ref).state == "ontvangen"
    done = browser.submit("/melder/stap/withdraw", {"confirm": "ja"})
    assert done.status_code == 302
    c = case_row(db, melding.ref)
    assert c.state == "ingetrokken" and c.closed_on is not None
    page = client.get("/melder/zaak").get_data(as_text=True)
    assert "Ingetrokken" in page and shown(page) == set()
    assert client.get("/melder/stap/withdraw").status_code == 400


def test_reporting_externally_tells_the_counsellor_which_body_sealed(melding, browser, client, db):
    browser.melder_login("deventer", melding.code)
    page = client.get("/melder/stap/report_external").get_data(as_text=True)
    assert 'value="huis_voor_klokkenluiders"' in page and 'value="anders"' in page
    bad = browser.submit("/melder/stap/report_external", {"confirm": "ja", "route": "nasa"},
                         form_page="/melder/stap/report_external")
    assert bad.status_code == 400 and case_row(db, melding.ref).state == "ontvangen"
    r = browser.submit("/melder/stap/report_external", {"confirm": "ja", "route": "huis_voor_klokkenluiders"},
                       form_page="/melder/stap/report_external")
    assert r.status_code == 302 and case_row(db, melding.ref).state == "extern_gemeld"
    # The counsellor reads it; the audit trail does not hold it.
    client.post("/melder/uitloggen", data={})
    page = counsellor_page(browser, client, melding.ref)
    assert "extern gemeld bij: Huis voor Klokkenluiders" in page
    assert all("huis" not in d for _, d in audit_events(db, melding.ref))


def test_the_melder_page_always_says_external_routes_are_open(melding, browser, client):
    page = melder_page(browser, client, melding.code)
    assert "op elk moment" in page and "Huis voor Klokkenluiders" in page
    assert 'id="routes-first"' not in page


def test_overdue_feedback_puts_the_routes_first_and_says_why(melding, browser, client, clock, reporter_api):
    api = reporter_api("deventer")
    api.log_in(melding.code)
    routes = api.case()["escalation_routes"]
    assert all(r["why"] is None for r in routes)
    clock.set(clock.now().replace(month=4, day=21))  # feedback was due 20 April
    page = melder_page(browser, client, melding.code)
    assert 'id="routes-first"' in page and WHY_OVERDUE in page
    assert page.index('id="routes-first"') < page.index("<h2>Berichten</h2>")
    api.log_in(melding.code)
    routes = api.case()["escalation_routes"]
    assert routes[0]["primary"] and routes[0]["why"] == WHY_OVERDUE
    assert [r["primary"] for r in routes] == sorted((r["primary"] for r in routes), reverse=True)


def test_disagreeing_through_the_api_puts_the_routes_first(melding, db, use_case, as_staff, reporter_api, browser, client):
    with db() as s:
        transition(use_case(s), melding.ref, "acknowledge", as_staff(s))
        transition(use_case(s), melding.ref, "triage", as_staff(s), kind="vermoeden_misstand", meldingswaardig=False)
        transition(use_case(s), melding.ref, "give_feedback", as_staff(s), text="Geen misstand gevonden.")
    api = reporter_api("deventer")
    api.log_in(melding.code)
    data = api.case()
    assert {e["event"] for e in data["events"]} == {"withdraw", "report_external", "disagree"}
    answer = api._json("POST", "/api/v1/reporter/case/events", {"event": "disagree"})
    assert answer["state"] == "terugkoppeling_gegeven" and answer["melder_disagrees_on"] == "2026-03-02"
    assert answer["escalation_routes"][0]["why"] == WHY_DISAGREES
    assert case_row(db, melding.ref).melder_disagrees_on is not None
    page = melder_page(browser, client, melding.code)
    assert 'id="routes-first"' in page and WHY_DISAGREES in page


def test_the_api_refuses_steps_that_are_not_the_melders(melding, reporter_api, db):
    api = reporter_api("deventer")
    api.log_in(melding.code)

    def post(body):
        return api.transport.request(
            "POST", "/api/v1/reporter/case/events", body=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {api.token}", "Content-Type": "application/json"})
    for body, field in [({"event": "close"}, "event"), ({"event": "boom"}, "event"), ({}, "event"),
                        ({"event": "disagree"}, "event"), ({"event": "report_external"}, "route"),
                        ({"event": "report_external", "route": "nasa"}, "route")]:
        status, _h, raw = post(body)
        assert status == 400 and json.loads(raw)["field"] == field, (body, raw)
    assert case_row(db, melding.ref).state == "ontvangen"
    status, _h, raw = post({"event": "report_external", "route": "politie"})
    assert status == 200 and json.loads(raw)["state"] == "extern_gemeld"
    # Without a session there is only the one 401.
    api.token = "nope"
    assert post({"event": "withdraw"})[0] == 401
