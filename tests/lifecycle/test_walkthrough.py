"""One melding from receipt to closure, through the pages the counsellor and the melder use,
with the clock moved over seven days, six weeks and an extension."""
from datetime import date

from whistle.services import audit
from tests.lifecycle.conftest import REPORT_TEXT, audit_events, case_row

REASON = "Wij wachten op stukken van de externe accountant."
FEEDBACK = "Wij hebben uw melding onderzocht; de gunning wordt opnieuw gedaan."


def step(browser, ref, event, data=None):
    return browser.submit(f"/vp/zaak/{ref}/stap/{event}", data or {}, form_page=f"/vp/zaak/{ref}")


def test_a_melding_walks_from_receipt_to_closure(melding, browser, client, clock, db, reporter_api):
    ref = melding.ref
    c = case_row(db, ref)
    assert (c.state, c.received_on) == ("ontvangen", date(2026, 3, 2))
    # Deventer's six weeks run from the melding (its regeling's feedback.runs_from, issue 15).
    assert (c.ack_due, c.feedback_due) == (date(2026, 3, 9), date(2026, 4, 13))

    # Day 3: the counsellor acknowledges; the statutory maximum now runs from the acknowledgement,
    # the regeling's six weeks still from the melding.
    clock.advance(days=3)
    browser.login_counsellor("vp@deventer.example")
    r = step(browser, ref, "acknowledge")
    assert r.status_code == 302, r.get_data(as_text=True)
    c = case_row(db, ref)
    assert (c.state, c.acknowledged_on) == ("ontvangst_bevestigd", date(2026, 3, 5))
    assert (c.feedback_due, c.feedback_maximum) == (date(2026, 4, 13), date(2026, 6, 5))

    r = step(browser, ref, "triage", {"kind": "vermoeden_misstand", "meldingswaardig": "ja"})
    assert r.status_code == 302, r.get_data(as_text=True)
    c = case_row(db, ref)
    assert (c.state, c.category, c.meldingswaardig) == ("in_behandeling", "vermoeden_misstand", True)

    # Five weeks on: one extension, with a reason the melder reads.
    clock.advance(weeks=5)
    browser.login_counsellor("vp@deventer.example")
    r = step(browser, ref, "extend_feedback", {"until": "2026-05-14", "reason": REASON})
    assert r.status_code == 302, r.get_data(as_text=True)
    c = case_row(db, ref)
    assert (c.state, c.feedback_due, c.feedback_extended_to) == ("in_behandeling", date(2026, 5, 14), date(2026, 5, 14))

    browser.melder_login("deventer", melding.code)
    page = client.get("/melder/zaak").get_data(as_text=True)
    assert "14-05-2026" in page and REASON in page and "Verlenging van de termijn" in page

    api = reporter_api("deventer")
    api.log_in(melding.code)
    data = api.case()
    assert data["deadlines"]["feedback"] == "2026-05-14"
    assert data["deadlines"]["feedback_extended_to"] == "2026-05-14"
    assert data["deadlines"]["feedback_maximum"] == "2026-06-05"
    assert data["acknowledged_on"] == "2026-03-05"
    extension = [r["body"] for r in api.read_records() if r["body"].get("purpose") == "extension"]
    assert extension == [{"text": REASON, "purpose": "extension", "until": "2026-05-14"}]

    # The terugkoppeling, then closure.
    clock.advance(weeks=2)
    browser.login_counsellor("vp@deventer.example")
    r = step(browser, ref, "give_feedback", {"text": FEEDBACK})
    assert r.status_code == 302, r.get_data(as_text=True)
    r = step(browser, ref, "close")
    assert r.status_code == 302, r.get_data(as_text=True)
    c = case_row(db, ref)
    assert (c.state, c.feedback_given_on, c.closed_on) == ("afgesloten", date(2026, 4, 23), date(2026, 4, 23))

    browser.melder_login("deventer", melding.code)
    page = client.get("/melder/zaak").get_data(as_text=True)
    assert FEEDBACK in page and "Afgesloten" in page

    # Every step is in the hash chain, and none of the words exchanged is.
    events = [e for e, _ in audit_events(db, ref)]
    steps = [e for e in events if e.startswith("case_") and e not in ("case_received", "case_opened")]
    assert steps == ["case_acknowledge", "case_triage", "case_extend_feedback", "case_give_feedback", "case_close"]
    details = " ".join(d for _, d in audit_events(db))
    for secret in (REASON, FEEDBACK, REPORT_TEXT, "accountant", "gunning"):
        assert secret not in details
    with db() as s:
        assert audit.verify(s) == []
