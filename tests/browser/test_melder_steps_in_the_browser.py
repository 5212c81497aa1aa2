"""The melder's lifecycle steps and logging out with JavaScript on (issue 5 follow-ups): the
buttons come from the case's `events`, each step is confirmed first, report_external's words
are sealed in the browser, the routes come first when the melder disagrees, and "Afmelden"
kills the token on the server. Headless Chromium against a live server and a real database."""
from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.browser.journey import (
    assert_never_sent, counsellor_principal, counsellor_reads, log_in_with_code, secret_forms, visible_protection,
)
from whistle.domain.lifecycle import State
from whistle.domain.routes import WHY_DISAGREES, route
from whistle.models import Case, Record, ReporterSession
from whistle.reporter_client import HttpTransport, ProtocolError, ReporterClient
from whistle.services import lifecycle

pytestmark = pytest.mark.browser

VP = "vp@deventer.example"


@pytest.fixture
def deventer(world):
    world.org("deventer")
    return world.staff("deventer", email=VP, name="Mr. J. de Boer")


@pytest.fixture
def melder(deventer, live_server) -> ReporterClient:
    """A melding made through the API, so the test knows the code; then the log starts empty."""
    client = ReporterClient(HttpTransport(live_server.base), "deventer")
    client.submit({"what": "Melding over de inkoop"})
    live_server.log.clear()
    return client


def open_case(page, live_server, code: str):
    log_in_with_code(page, live_server.base, code)
    page.wait_for_selector("#js-case")


def buttons(page) -> list[str]:
    return page.eval_on_selector_all("#melder-events:not([hidden]) [data-event]",
                                     "bs => bs.map(b => b.getAttribute('data-event'))")


def case_state(db) -> str:
    with db() as s:
        return s.scalar(select(Case.state))


def sent_steps(live_server) -> list[dict]:
    return [json.loads(r.body) for r in live_server.log.to("/api/v1/reporter/case/events", "POST")]


def nl(day) -> str:
    return day.strftime("%d-%m-%Y")


def test_withdrawing_with_javascript_asks_first_and_then_withdraws(melder, live_server, page, db):
    open_case(page, live_server, melder.code)
    assert buttons(page) == ["withdraw", "report_external"]  # what the case's events list
    assert page.is_hidden("#melder-confirm")

    page.click("#melder-events [data-event=withdraw]")
    assert page.is_visible("#melder-confirm")
    assert page.is_hidden("#melder-events")
    assert page.inner_text("[data-slot=confirm-title]") == "Melding intrekken"
    assert "niet ongedaan maken" in page.inner_text("#melder-confirm")
    assert page.is_hidden("[data-slot=confirm-external]")
    # "No" sends nothing and leaves the case as it was.
    page.click("[data-slot=confirm-no]")
    assert page.is_hidden("#melder-confirm") and buttons(page) == ["withdraw", "report_external"]
    assert sent_steps(live_server) == [] and case_state(db) == "ontvangen"

    page.click("#melder-events [data-event=withdraw]")
    page.click("text=Ja, melding intrekken")
    page.wait_for_function("() => document.querySelector('[data-slot=state]').textContent === 'Ingetrokken'")
    assert sent_steps(live_server) == [{"event": "withdraw"}]
    assert case_state(db) == State.INGETROKKEN.value
    assert page.is_hidden("#melder-events") and buttons(page) == []  # a final state offers nothing
    assert page.is_hidden("#melder-confirm")
    assert visible_protection(page) == "browser"


def test_disagreeing_after_feedback_puts_the_routes_first_and_shows_the_extension(
        melder, live_server, page, db, use_case, clock, settings):
    with db() as s:
        principal = counsellor_principal(s, VP)
        ref = s.scalar(select(Case.ref))
        lifecycle.transition(use_case(s), ref, "acknowledge", principal)
        lifecycle.transition(use_case(s), ref, "triage", principal, kind="vermoeden_misstand", meldingswaardig=True)
        case = s.scalar(select(Case))
        until = case.feedback_due + timedelta(days=14)
        assert until <= case.feedback_maximum
        lifecycle.transition(use_case(s), ref, "extend_feedback", principal, until=until.isoformat(),
                             reason="EXTENSIONREASON het onderzoek loopt nog")

    # The extension: the new day, and the reason among the messages with its label.
    open_case(page, live_server, melder.code)
    assert page.inner_text("[data-slot=feedback_due]") == (
        f"uiterlijk {nl(until)} (verlengd tot {nl(until)}; de reden staat bij de berichten)")
    message = page.inner_text("[data-slot=messages] article")
    assert f"Verlenging van de termijn tot {until.isoformat()}" in message
    assert "EXTENSIONREASON het onderzoek loopt nog" in message
    assert "disagree" not in buttons(page)  # not before the terugkoppeling

    with db() as s:
        lifecycle.transition(use_case(s), ref, "give_feedback", counsellor_principal(s, VP),
                             text="FEEDBACKTEXT geen misstand gevonden")
    page.reload()
    open_case(page, live_server, melder.code)
    assert buttons(page) == ["disagree", "withdraw", "report_external"]
    assert page.is_hidden("#routes-first")
    assert page.is_hidden("[data-slot=disagrees_on]")
    assert page.inner_text("[data-slot=feedback_due]") == "gegeven op " + nl(clock.today())
    assert "Terugkoppeling" in page.inner_text("[data-slot=messages]")

    page.click("#melder-events [data-event=disagree]")
    assert "het niet eens bent met de uitkomst" in page.inner_text("#melder-confirm")
    page.click("text=Ja, ik ben het niet eens met de uitkomst")
    page.wait_for_selector("#routes-first:not([hidden]) [data-slot=routes]")
    assert sent_steps(live_server) == [{"event": "disagree"}]
    with db() as s:
        case = s.scalar(select(Case))
        assert case.melder_disagrees_on == clock.today() and case.state == "terugkoppeling_gegeven"

    assert page.inner_text("[data-slot=disagrees_on]") == "doorgegeven op " + nl(clock.today())
    first = page.inner_text("#routes-first")
    assert WHY_DISAGREES in first and first.count(WHY_DISAGREES) == first.count("aangeraden")
    # Before the steps and the melding, as on the server page; nothing left at the bottom.
    order = page.evaluate("""() => {
        const at = s => [...document.querySelectorAll('#js-case *')].indexOf(document.querySelector(s));
        return [at('#routes-first'), at('#melder-events'), at('[data-slot=report]')];
    }""")
    assert order == sorted(order)
    assert page.locator("[data-slot=routes-last] [data-slot=routes]").count() == 0
    assert_never_sent(live_server, page, secret_forms(melder.code))


def test_reporting_externally_seals_which_body_and_the_melders_words_in_the_browser(
        melder, live_server, page, db, settings, use_case):
    open_case(page, live_server, melder.code)
    page.click("#melder-events [data-event=report_external]")
    assert page.is_visible("[data-slot=confirm-external]")
    choices = page.eval_on_selector_all("[data-slot=route-choices] input", "is => is.map(i => i.value)")
    melder.log_in()
    api_routes = [r["id"] for r in melder.case()["escalation_routes"]]
    assert choices == api_routes + ["anders"]

    # No body chosen: a clear message, and nothing is sent.
    page.click("text=Ja, ik heb extern gemeld")
    assert page.inner_text("[data-slot=confirm-error]") == "Kies bij welke instantie u heeft gemeld."
    assert sent_steps(live_server) == []

    page.check("[data-slot=route-choices] input[value=huis_voor_klokkenluiders]")
    page.fill("#js-external-text", "BROWSEREXTERN ik heb ook <b>de FIOD</b> gebeld")
    page.click("text=Ja, ik heb extern gemeld")
    page.wait_for_function("() => document.querySelector('[data-slot=state]').textContent === 'Extern gemeld'")
    assert case_state(db) == State.EXTERN_GEMELD.value

    [step] = sent_steps(live_server)
    assert set(step) == {"event", "route", "ciphertext"}
    assert step["event"] == "report_external" and step["route"] == "huis_voor_klokkenluiders"
    # The counsellor reads the server path's words and the melder's own; the server stored the
    # browser's ciphertext as it came (it could not have made it: it has no case key here).
    name = route("huis_voor_klokkenluiders").name
    opened, _ = counsellor_reads(db, use_case, VP)
    assert opened.messages[-1].body == {
        "text": f"Ik heb mijn melding extern gemeld bij: {name}.\n\nBROWSEREXTERN ik heb ook <b>de FIOD</b> gebeld",
        "purpose": "external_report", "route": "huis_voor_klokkenluiders"}
    with db() as s:
        stored = s.scalar(select(Record.ciphertext).where(Record.kind == "message"))
    assert stored == base64.b64decode(step["ciphertext"])

    # The melder sees it among the messages, as text.
    page.wait_for_selector("text=BROWSEREXTERN")
    assert page.locator("[data-slot=messages] b").count() == 0
    assert buttons(page) == []
    assert_never_sent(live_server, page, [b"BROWSEREXTERN", name.encode(), *secret_forms(melder.code)])


def test_afmelden_ends_the_session_on_the_server(melder, live_server, page, db):
    open_case(page, live_server, melder.code)
    [read] = live_server.log.to("/api/v1/reporter/case", "GET")
    bearer = read.headers["Authorization"]
    with db() as s:
        assert s.scalar(select(func.count()).select_from(ReporterSession)) == 1

    page.click("[data-slot=logout]")
    page.wait_for_selector("#login-form[data-encryption=browser]", state="attached")
    assert page.locator("#js-case").count() == 0
    [gone] = live_server.log.to("/api/v1/reporter/session", "DELETE")
    assert gone.headers["Authorization"] == bearer and gone.body == b""
    with db() as s:
        assert s.scalar(select(func.count()).select_from(ReporterSession)) == 0

    # The token is dead for anyone who copied it.
    stolen = ReporterClient(HttpTransport(live_server.base), "deventer")
    stolen.token = bearer.removeprefix("Bearer ")
    with pytest.raises(ProtocolError) as err:
        stolen._json("GET", "/api/v1/reporter/case")
    assert err.value.status == 401


def test_a_step_the_case_no_longer_allows_changes_nothing_and_shows_the_case_as_it_is(
        melder, live_server, page, db, use_case):
    with db() as s:
        principal = counsellor_principal(s, VP)
        ref = s.scalar(select(Case.ref))
        lifecycle.transition(use_case(s), ref, "acknowledge", principal)
        lifecycle.transition(use_case(s), ref, "triage", principal, kind="vermoeden_misstand", meldingswaardig=False)
        lifecycle.transition(use_case(s), ref, "give_feedback", principal, text="Uitkomst.")
    open_case(page, live_server, melder.code)
    page.click("#melder-events [data-event=disagree]")
    with db() as s:  # meanwhile the counsellor closes the case
        lifecycle.transition(use_case(s), ref, "close", counsellor_principal(s, VP))

    page.click("text=Ja, ik ben het niet eens met de uitkomst")
    page.wait_for_function("() => document.querySelector('[data-slot=state]').textContent === 'Afgesloten'")
    assert sent_steps(live_server) == [{"event": "disagree"}]
    with db() as s:
        assert s.scalar(select(Case.melder_disagrees_on)) is None
    assert page.is_hidden("#melder-confirm") and buttons(page) == []
    assert page.inner_text("#js-case > [data-slot=error]") == (
        "Deze stap is in de huidige status van uw melding niet meer mogelijk. Er is niets gewijzigd.")
