"""A complaint with JavaScript on (issue 15, protocol E.8): the browser case view seals the
complaint and the event date as a `message` record and sends only that and the LKC's last day
it computed; after the gemeentesecretaris decided, it opens the reasons with the complaint
dossier's key. Headless Chromium against a live server and a real database; axe-core and the
320 px reflow check on the view with the form and with the decision."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.authority.conftest import as_staff, cheaper_login_hash  # noqa: F401 - fixtures
from tests.browser.accessibility import check, new_context
from tests.browser.journey import log_in_with_code
from tests.complaint.conftest import ORG, bosch, who  # noqa: F401 - fixture
from tests.complaint.test_complaint_walk import to_feedback
from whistle.models import Case, CaseComplaint
from whistle.reporter_client import HttpTransport, ReporterClient
from whistle.services.authority import decisions as authority
from whistle.services.counsellor import complaint as counsellor_complaint

pytestmark = pytest.mark.browser

WHY = "KLACHT niemand heeft de getuigen gesproken"


def wait_for(page, condition):
    for _ in range(100):  # the page's CSP forbids wait_for_function's eval: poll
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError("waited in vain")


def axe(chromium, base, code, ready):
    """axe-core and the reflow check on the case view (a profile that lets the driver add axe)."""
    context = new_context(chromium, javascript=True)
    page = context.new_page()
    log_in_with_code(page, base, code, org=ORG)
    page.wait_for_selector(ready)
    found = check(page)
    context.close()
    return found


def test_the_browser_seals_a_complaint_and_reads_the_reasons(bosch, live_server, page, chromium, db, use_case,
                                                            as_staff, clock):
    melder = ReporterClient(HttpTransport(live_server.base), ORG)
    melder.submit({"what": "Ik word buitengesloten op de afdeling."})
    with db() as s:
        ref = s.scalar(select(Case.ref))
    to_feedback(db, use_case, as_staff, ref)
    live_server.log.clear()
    log_in_with_code(page, live_server.base, melder.code, org=ORG)
    page.wait_for_selector("#js-complaint-form")
    found = axe(chromium, live_server.base, melder.code, "#js-complaint-form")
    page.click("#js-complaint-form button")  # empty: refused in the page, nothing sent
    assert page.is_visible("[data-slot=complaint-error]")
    page.fill("#js-complaint-text", WHY)
    page.fill("#js-complaint-event-on", "2024-02-29")
    page.click("#js-complaint-form button")
    wait_for(page, lambda: live_server.log.to("/api/v1/reporter/case/complaint", "POST")
             and page.is_visible("#js-complaint-lkc"))
    (sent,) = [json.loads(r.body) for r in live_server.log.to("/api/v1/reporter/case/complaint", "POST")]
    assert set(sent) == {"ciphertext", "lkc_limit_on"} and sent["lkc_limit_on"] == "2026-02-28"
    assert WHY not in json.dumps(sent) and "2024-02-29" not in json.dumps(sent)
    with db() as s:
        row = s.scalars(select(CaseComplaint)).one()
        assert str(row.lkc_limit_on) == "2026-02-28" and s.scalar(select(Case.state)) == "klacht_ingediend"
    # the clock of the test server says 2026-03-02: the LKC's day has passed
    assert page.is_visible("[data-slot=complaint-lkc-passed]")

    with db() as s:
        from whistle.services.counsellor.case import open_case
        vp = as_staff(s, who("vp"))
        text = counsellor_complaint.complaint_message(open_case(use_case(s), vp, ref)).body["text"]
        assert text == WHY
        counsellor_complaint.forward(use_case(s), vp, ref, {"complaint_text": text})
        s.commit()
    with db() as s:
        (line,) = authority.inbox(s, as_staff(s, who("secretaris")))
        authority.decide_complaint(use_case(s), as_staff(s, who("secretaris")), line.ref,
                                   {"outcome": "onderzoek", "motivation": "Wij horen de getuigen alsnog."})
        s.commit()
    page.reload()
    log_in_with_code(page, live_server.base, melder.code, org=ORG)
    page.wait_for_selector("#js-complaint-motivation")
    wait_for(page, lambda: page.inner_text("#js-complaint-motivation") != "")
    assert page.inner_text("#js-complaint-motivation") == "Wij horen de getuigen alsnog."
    assert page.is_visible("[data-slot=complaint-investigation]")
    found += axe(chromium, live_server.base, melder.code, "#js-complaint-motivation")
    assert found == [], "\n".join(found)


def test_the_browser_corrects_and_approves_the_minutes_of_an_oral_melding(bosch, live_server, page, chromium, db,
                                                                         use_case, as_staff):
    """An oral melding's minutes with JavaScript on (protocol E.9): the correction is sealed in
    the page; the approval names the newest version."""
    from whistle.models import CaseMinutes
    from whistle.services.counsellor import oral
    with db() as s:
        case, code = oral.record(use_case(s), as_staff(s, who("vp")),
                                 {"form": "telefoon", "what": "Urenfraude.", "minutes": "Versie een van het verslag."},
                                 give_code=True)
        ref = case.ref
        s.commit()
    live_server.log.clear()
    log_in_with_code(page, live_server.base, code, org=ORG)
    page.wait_for_selector("#js-minutes-approve")
    assert page.inner_text("#js-minutes-latest") == "Versie een van het verslag."
    page.fill("#js-minutes-correction", "CORRECTIE het was een voicemail")
    page.click("#js-minutes-correct button")
    wait_for(page, lambda: live_server.log.to("/api/v1/reporter/case/minutes", "POST")
             and page.input_value("#js-minutes-correction") == "")
    (sent,) = [json.loads(r.body) for r in live_server.log.to("/api/v1/reporter/case/minutes", "POST")]
    assert (sent["action"], sent["version"]) == ("correct", 1) and "CORRECTIE" not in json.dumps(sent)
    with db() as s:
        oral.revise(use_case(s), as_staff(s, who("vp")), ref, {"minutes": "Versie twee: een voicemail."})
        s.commit()
    page.reload()
    log_in_with_code(page, live_server.base, code, org=ORG)
    page.wait_for_selector("#js-minutes-approve")
    wait_for(page, lambda: page.inner_text("#js-minutes-latest") == "Versie twee: een voicemail.")
    found = axe(chromium, live_server.base, code, "#js-minutes-approve")
    page.click("#js-minutes-approve button")
    page.wait_for_selector("#js-minutes-approved")
    with db() as s:
        row = s.scalars(select(CaseMinutes)).one()
        assert (row.versions, row.approved_version) == (2, 2)
    assert found == [], "\n".join(found)
