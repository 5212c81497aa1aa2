"""Issue 16.3: axe-core finds no WCAG 2.0/2.1/2.2 A or AA violation on any page of any actor,
with and without JavaScript, in the states the journeys reach (errors, receipts, a case with
messages, deadlines and routes, a dossier), and no page scrolls sideways at 320 or 390 px."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.authority.conftest import as_staff, email, escalate, in_behandeling, make_staff, send_melding  # noqa: F401 (fixture)
from tests.browser.accessibility import check, new_context, session_cookie
from tests.browser.journey import log_in_with_code, open_form
from tests.conftest import Browser
from whistle.models import Case, Staff
from whistle.services.counsellor import case as counsellor
from whistle.services.lifecycle import transition

pytestmark = [pytest.mark.browser, pytest.mark.slow]

STAFF = {"vp": ("counsellor", None), "vp2": ("counsellor", None), "burgemeester": ("authority", "burgemeester"),
         "beheer": ("admin", None)}


@pytest.fixture
def handled_case(world, app, db, use_case, as_staff):
    """Deventer with a counsellor, a burgemeester and a beheerder; a melding (with a name)
    that was answered, acknowledged, triaged and handed over as a dossier."""
    world.org("deventer")
    for name, (role, function) in STAFF.items():
        make_staff(world, "deventer", name, role, function)
    code = send_melding(Browser(app.test_client()))
    with db() as s:
        ref = s.scalar(select(Case.ref))
        counsellor.reply(use_case(s), as_staff(s, "vp"), ref, "Dank voor uw melding. Wanneer was dit?")
    in_behandeling(db, use_case, as_staff, ref)
    dossier, _ = escalate(db, use_case, as_staff, ref)
    return ref, code, dossier


def ask_identity(db, use_case, as_staff, handled_case, approve: bool) -> None:
    """The burgemeester asks for the melder's identity (issue 15.3); the counsellor approves when
    `approve`, so the melder's page carries the notice and the case page the disclose step."""
    from whistle.models import Disclosure
    from whistle.services import disclosure
    ref, _, dossier = handled_case
    with db() as s:
        d = s.scalar(select(Disclosure.id))
        if d is None:
            d = disclosure.request_by_authority(use_case(s), as_staff(s, "burgemeester"), dossier, {
                "ground": "rechterlijk_bevel", "reason": "Beschikking van de rechtbank in zaak 2026/1."}).id
        waiting = s.get(Disclosure, d).state == "requested"
    for who in ("vp", "vp2") if approve and waiting else ():  # two counsellors approve
        with db() as s:
            disclosure.decide(use_case(s), as_staff(s, who), ref, d, {"decision": "toestaan"})


def staff_cookie(app, base: str, who: str):
    browser = Browser(app.test_client())
    answer = browser.login_counsellor(email(who))
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return session_cookie(browser.client, base)


@pytest.mark.parametrize("javascript", [True, False], ids=["met-js", "zonder-js"])
def test_the_melder_pages_pass_axe_and_fit_a_phone(chromium, live_server, handled_case, javascript,
                                                  db, use_case, as_staff):
    ref, code, _ = handled_case
    ask_identity(db, use_case, as_staff, handled_case, approve=True)  # the case carries the notice
    base = live_server.base
    context = new_context(chromium, javascript=javascript)
    page = context.new_page()
    found = check(page, f"{base}/") + check(page, f"{base}/o/deventer/")

    # The form, then the form refused (nothing to report), then the receipt.
    open_form(page, base, encrypted_in_browser=javascript)
    found += check(page)
    page.click("#melding-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    found += check(page)
    page.fill("#what", "De afdeling inkoop gunt zonder aanbesteding aan een bekende.")
    page.click("#melding-form button[type=submit]")
    page.wait_for_selector("p.code:not(:empty)")
    found += check(page)

    # Logging in again: the page, a wrong code, then the case with messages and deadlines.
    found += check(page, f"{base}/o/deventer/terug")
    page.fill("#code", "AAAA-AAAA-AAAA-AAAA")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector(".error, [role=alert]")
    found += check(page)
    if javascript:
        log_in_with_code(page, base, code)
        page.wait_for_selector("#js-case article.message")
    else:
        page.goto(f"{base}/o/deventer/terug")
        page.fill("#code", code)
        page.click("#login-form button[type=submit]")
        page.wait_for_url("**/melder/zaak")
    found += check(page)
    context.close()
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("javascript", [True, False], ids=["met-js", "zonder-js"])
def test_the_staff_pages_pass_axe_and_fit_a_phone(chromium, live_server, app, db, handled_case, javascript,
                                                  use_case, as_staff):
    ref, _, dossier = handled_case
    base = live_server.base
    with db() as s:
        admin_id = s.scalar(select(Staff.id).where(Staff.email == email("beheer")))
    # The dossier first with its form to ask for the identity (issue 15.3); then, once the burgemeester
    # asked, the case with the decision form; once approved, the case with the disclose step and
    # the dossier with the request.
    pages = [
        ("burgemeester", None, ["/bg/", f"/bg/dossier/{dossier}"]),
        ("vp", False, ["/vp/start", "/vp/", "/vp/termijnen", "/vp/?kind=vermoeden_misstand&ref=M", "/vp/?state=verzonnen",
                       f"/vp/zaak/{ref}", f"/vp/zaak/{ref}/geschiedenis", f"/vp/zaak/{ref}/doorzetten", "/vp/bewaartermijnen",
                       "/vp/ontvangers", "/vp/namens", "/vp/wachtwoordzin", "/jaarverslag/",
                       f"/jaarverslag/{date.today().year}"]),
        ("vp", True, [f"/vp/zaak/{ref}"]),
        ("burgemeester", True, [f"/bg/dossier/{dossier}"]),
        ("beheer", None, ["/beheer/", "/beheer/accounts/nieuw", f"/beheer/accounts/{admin_id}", "/beheer/regeling",
                          "/beheer/logboek", "/beheer/logboek?controleer=ja", f"/beheer/accounts/{admin_id}/verwijderen"]),
    ]
    found = []
    anonymous = new_context(chromium, javascript=javascript)
    page = anonymous.new_page()
    found += check(page, f"{base}/vp/login")
    page.fill("#email", email("vp"))
    page.fill("#passphrase", "niet de goede wachtwoordzin")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    found += check(page)
    anonymous.close()
    for who, approve, paths in pages:
        if approve is not None:
            ask_identity(db, use_case, as_staff, handled_case, approve=approve)
        context = new_context(chromium, javascript=javascript, cookies=staff_cookie(app, base, who))
        page = context.new_page()
        for path in paths:
            answer = page.goto(base + path)
            assert answer.status == (400 if "verzonnen" in path else 200), f"{path}: {answer.status}"
            found += check(page)
        context.close()
    assert found == [], "\n".join(found)


def test_the_checks_find_what_they_look_for(chromium):
    """The harness itself: a page without a language, an image without text and a row wider
    than a phone are each reported, so an empty list above means something."""
    context = new_context(chromium, javascript=True)
    page = context.new_page()
    page.set_content('<!doctype html><title>t</title><main><img src="data:,">'
                     '<div style="width:500px">breed</div></main>')
    found = check(page)
    context.close()
    assert any("html-has-lang" in f for f in found), found
    assert any("image-alt" in f for f in found)
    assert any("508 px wide at 320 px (div 508)" in f for f in found), found
