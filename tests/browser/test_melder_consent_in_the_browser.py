"""The melder's consent to share their identity with the bevoegd gezag, with JavaScript on
(issue 4, protocol E.4): shown only when the case holds an identity, in the server path's words,
confirmed first; the browser sends only true or false. Headless Chromium against a live server
and a real database."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.authority.conftest import (  # noqa: F401 - fixtures
    as_staff, cheaper_login_hash, escalate, in_behandeling, town,
)
from tests.browser.journey import assert_never_sent, log_in_with_code, secret_forms
from whistle.models import AuditEvent, Case
from whistle.reporter_client import HttpTransport, ReporterClient

pytestmark = pytest.mark.browser

NAME = "MELDERNAAM Jannie de Vries"
CONTACT = "MELDERCONTACT jannie@example.org"
NOT_GIVEN = "U heeft geen toestemming gegeven: uw naam en contactgegevens blijven bij de vertrouwenspersoon."


def submit(live_server, identity: dict | None) -> ReporterClient:
    client = ReporterClient(HttpTransport(live_server.base), "deventer")
    client.submit({"what": "Melding over de inkoop"}, identity)
    live_server.log.clear()
    return client


def open_case(page, live_server, code: str):
    log_in_with_code(page, live_server.base, code)
    page.wait_for_selector("#js-case")


def sent_consents(live_server) -> list[dict]:
    return [json.loads(r.body) for r in live_server.log.to("/api/v1/reporter/case/consent", "POST")]


def consent_on(db):
    with db() as s:
        return s.scalar(select(Case.identity_consent_on))


def consent_events(db) -> list[str]:
    with db() as s:
        return list(s.scalars(select(AuditEvent.event).where(AuditEvent.event.like("identity_consent_%"))
                              .order_by(AuditEvent.seq)))


def nl(day) -> str:
    return day.strftime("%d-%m-%Y")


def test_giving_and_withdrawing_consent_with_javascript(town, live_server, page, db, clock):
    melder = submit(live_server, {"name": NAME, "contact": CONTACT})
    open_case(page, live_server, melder.code)
    section = page.locator("#identity-consent")
    assert section.is_visible()
    assert "mogen ze dan mee?" in section.inner_text()  # the server path's words
    assert page.inner_text("[data-consent=not_given]") == NOT_GIVEN
    assert page.is_hidden("[data-consent=given]")
    assert page.is_hidden("[data-consent-choice=withdraw]")

    # Asked first; "Nee" sends nothing.
    page.click("[data-consent-choice=give]")
    assert page.is_visible("#consent-confirm") and page.is_hidden("[data-slot=consent-choices]")
    assert "mag de vertrouwenspersoon uw naam en contactgegevens meesturen" in page.inner_text("#consent-confirm")
    assert page.is_hidden("[data-consent-explains=withdraw]")
    page.click("[data-slot=consent-no]")
    assert page.is_hidden("#consent-confirm") and page.is_visible("[data-consent-choice=give]")
    assert sent_consents(live_server) == [] and consent_on(db) is None

    page.click("[data-consent-choice=give]")
    page.click("text=Ja, toestemming geven")
    page.wait_for_selector("[data-consent=given]:not([hidden])")
    assert sent_consents(live_server) == [{"consent": True}]
    assert consent_on(db) == clock.today()
    assert consent_events(db) == ["identity_consent_given"]
    assert page.inner_text("[data-consent=given]") == (
        f"U gaf toestemming op {nl(clock.today())}. U kunt die intrekken zolang het dossier niet is doorgezet.")
    assert page.is_hidden("[data-consent=not_given]") and page.is_hidden("#consent-confirm")
    assert page.is_hidden("[data-consent-choice=give]")

    # A reload forgets the view and the keys; logged in again, the case still says so.
    page.reload()
    open_case(page, live_server, melder.code)
    page.wait_for_selector("[data-consent=given]:not([hidden])")

    page.click("[data-consent-choice=withdraw]")
    assert "niet mee naar het bevoegd gezag" in page.inner_text("#consent-confirm")
    page.click("text=Ja, toestemming intrekken")
    page.wait_for_selector("[data-consent=not_given]:not([hidden])")
    assert sent_consents(live_server) == [{"consent": True}, {"consent": False}]
    assert consent_on(db) is None
    assert consent_events(db) == ["identity_consent_given", "identity_consent_revoked"]
    assert page.is_visible("[data-consent-choice=give]")

    # Only true or false went over the wire: no name, no contact, no code.
    for sent in live_server.log.to("/api/v1/reporter/case/consent", "POST"):
        assert set(json.loads(sent.body)) == {"consent"}
    assert_never_sent(live_server, page, [b"MELDERNAAM", b"MELDERCONTACT", *secret_forms(melder.code)])


def test_no_identity_no_consent_control(town, live_server, page):
    melder = submit(live_server, None)
    open_case(page, live_server, melder.code)
    assert page.locator("#identity-consent").count() == 1
    assert page.is_hidden("#identity-consent")


def test_after_the_dossier_is_sent_the_server_refuses_and_the_buttons_go(
        town, live_server, page, db, use_case, as_staff):
    melder = submit(live_server, {"name": NAME, "contact": CONTACT})
    open_case(page, live_server, melder.code)
    with db() as s:
        ref = s.scalar(select(Case.ref))
    in_behandeling(db, use_case, as_staff, ref)
    escalate(db, use_case, as_staff, ref)  # without the identity: there was no consent

    page.click("[data-consent-choice=give]")
    page.click("text=Ja, toestemming geven")
    page.wait_for_selector("[data-slot=consent-error]:not([hidden])")
    assert "al verstuurd" in page.inner_text("[data-slot=consent-error]")
    assert sent_consents(live_server) == [{"consent": True}]
    assert consent_on(db) is None and consent_events(db) == []
    assert page.is_hidden("[data-slot=consent-choices]") and page.is_hidden("#consent-confirm")
    assert page.inner_text("[data-consent=not_given]") == NOT_GIVEN
