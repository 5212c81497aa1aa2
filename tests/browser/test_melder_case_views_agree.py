"""Issue 9: the browser's case view is filled from templates the server renders from the same
partials as the no-JavaScript case page, so both paths say the same about the same case: its
dates, its messages (with what a lifecycle step wrote), its attachments and its external
routes. Headless Chromium, once with and once without JavaScript, against one live server."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.browser.journey import counsellor_principal, log_in_with_code
from whistle.models import Case
from whistle.reporter_client import HttpTransport, ReporterClient
from whistle.services import lifecycle
from whistle.services.counsellor import case as counsellor

pytestmark = pytest.mark.browser

VP = "vp@deventer.example"


def texts(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "els => els.map(e => e.innerText.trim())")


def what_the_melder_reads(page, root: str) -> dict[str, list[str]]:
    return {
        "facts": texts(page, f"{root} dl.facts"),
        "messages": texts(page, f"{root} article.message"),
        "authors": page.eval_on_selector_all(f"{root} article.message", "els => els.map(e => e.className)"),
        "attachments": texts(page, f"{root} li:has(> a), {root} li:has(> button.link)"),
        "routes first": texts(page, f"{root} #routes-first details.route"),
        "suggested": page.eval_on_selector_all(f"{root} details.route",
                                               "els => els.map(e => [e.open, e.className])"),
    }


def test_with_and_without_javascript_the_melder_reads_the_same_words(
        world, live_server, page, page_without_js, db, use_case):
    world.org("deventer")
    world.staff("deventer", email=VP)
    melder = ReporterClient(HttpTransport(live_server.base), "deventer")
    melder.submit({"what": "Melding over de inkoop"})
    melder.log_in()
    melder.upload("bewijs.txt", "text/plain", [b"BEWIJS " * 300], 7 * 300)
    melder.send_message("Ik heb nog een factuur.")
    with db() as s:
        principal = counsellor_principal(s, VP)
        ref = s.scalar(select(Case.ref))
        counsellor.reply(use_case(s), principal, ref, "Dank u; <b>welke</b> factuur?")
        lifecycle.transition(use_case(s), ref, "acknowledge", principal)
        lifecycle.transition(use_case(s), ref, "triage", principal, kind="vermoeden_misstand", meldingswaardig=True)
        until = s.scalar(select(Case)).feedback_due + timedelta(days=14)
        lifecycle.transition(use_case(s), ref, "extend_feedback", principal, until=until.isoformat(),
                             reason="Het onderzoek loopt nog.")
        lifecycle.transition(use_case(s), ref, "give_feedback", principal, text="Geen misstand gevonden.")
    melder._json("POST", "/api/v1/reporter/case/events", {"event": "disagree"})

    log_in_with_code(page, live_server.base, melder.code)
    page.wait_for_selector("#js-case")
    in_the_browser = what_the_melder_reads(page, "#js-case")

    server = page_without_js
    server.goto(f"{live_server.base}/o/deventer/terug")
    server.fill("#code", melder.code)
    server.click("#login-form button[type=submit]")
    server.wait_for_url("**/melder/zaak")
    on_the_server = what_the_melder_reads(server, "main")

    assert in_the_browser == on_the_server
    # And it is all there: a real comparison, not two empty lists.
    facts = on_the_server["facts"][0]
    assert "gegeven op" in facts and "doorgegeven op" in facts and "Terugkoppeling gegeven" in facts
    messages = on_the_server["messages"]
    assert len(messages) == 4 and "Dank u; <b>welke</b> factuur?" in messages[1]
    assert any("Verlenging van de termijn tot " + until.isoformat() in m for m in messages)
    assert any("Terugkoppeling" in m.splitlines()[0] for m in messages)
    assert on_the_server["authors"] == ["message reporter", "message counsellor",
                                        "message counsellor", "message counsellor"]
    assert len(on_the_server["attachments"]) == 1 and "bewijs.txt (2,1 kB" in on_the_server["attachments"][0]
    first = on_the_server["routes first"]
    assert "aangeraden" in first[0] and any("aangeraden" not in r for r in first)  # suggested and not
    assert [open_ for open_, _ in on_the_server["suggested"]] == ["route suggested" in c for _, c in on_the_server["suggested"]]
    assert page.locator("#js-case [data-slot=messages] b").count() == 0
