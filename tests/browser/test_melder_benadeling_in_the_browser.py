"""Benadeling with JavaScript on (issue 15, point 4): the browser case view seals the melder's
report as a 'benadeling' record and sends only that; the server stores it unread, and the
counsellor reads it. Headless Chromium against a live server and a real database."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.authority.conftest import (  # noqa: F401 - fixtures
    as_staff, cheaper_login_hash, escalate, in_behandeling, town,
)
from tests.browser.journey import log_in_with_code
from whistle.models import Case, CaseBenadeling
from whistle.reporter_client import HttpTransport, ReporterClient

pytestmark = pytest.mark.browser

HURT = "BENADELING mijn rooster is gehalveerd"


def test_the_browser_seals_a_report_of_benadeling(town, live_server, page, db, clock):
    melder = ReporterClient(HttpTransport(live_server.base), "deventer")
    melder.submit({"what": "Melding over de inkoop"})
    live_server.log.clear()
    log_in_with_code(page, live_server.base, melder.code)
    page.wait_for_selector("#js-case")
    assert page.is_hidden("[data-slot=follow-up]")  # the case is open: no follow-up question
    page.click("#js-benadeling-form button")  # empty: refused in the page, nothing sent
    assert page.is_visible("[data-slot=benadeling-error]")
    page.fill("#js-benadeling-text", HURT)
    page.click("#js-benadeling-form button")
    for _ in range(100):  # the page's CSP forbids wait_for_function's eval: poll the server's log
        sent = [json.loads(r.body) for r in live_server.log.to("/api/v1/reporter/case/benadeling", "POST")]
        if sent and page.input_value("#js-benadeling-text") == "":
            break
        page.wait_for_timeout(100)
    assert len(sent) == 1 and sent[0]["kind"] == "melding" and set(sent[0]) == {"kind", "ciphertext"}
    assert HURT not in json.dumps(sent)
    with db() as s:
        (row,) = s.scalars(select(CaseBenadeling)).all()
        assert row.kind == "melding" and HURT.encode() not in row.ciphertext
        assert s.scalar(select(Case.benadeling_on)) == clock.today()
