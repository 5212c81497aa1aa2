"""Confirmations after an action come from a fixed list by key (whistle.web.notices): text put
in the URL is never shown, and no redirect carries an e-mail address."""
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from tests.authority.conftest import email, send_dossier, staff_id
from whistle.models import Case
from whistle.services.lifecycle import transition
from whistle.web.notices import NOTICES


def page(r) -> str:
    return r.get_data(as_text=True)


def login(browser, who):
    r = browser.login_counsellor(email(who))
    assert r.status_code == 302, page(r)


def key_of(r) -> str:
    assert r.status_code == 302, page(r)
    location = r.headers["Location"]
    assert "@" not in location and "%40" not in location
    return parse_qs(urlsplit(location).query)["klaar"][0]


def test_the_admin_notice_box_shows_only_known_keys(town, browser, client):
    login(browser, "beheer")
    forged = page(client.get("/beheer/?gedaan=Uw+account+is+verlopen,+bel+0612345678"))
    assert "Uw account is verlopen, bel" not in forged and 'id="notice"' not in forged
    assert 'id="notice"' not in page(client.get("/beheer/?klaar=Bel+ons"))
    r = browser.submit("/beheer/accounts/nieuw", {"role": "counsellor", "email": "nieuw@deventer.example",
                                                  "name": "Nieuw", "passphrase": "een lange eenmalige zin"})
    assert key_of(r) == "account_aangemaakt"
    shown = page(client.get(r.headers["Location"]))
    assert f'<p class="notice utrecht-alert utrecht-alert--info" role="status" id="notice">{NOTICES["account_aangemaakt"]}</p>' in shown
    member = staff_id(town.db, "nieuw")
    r = browser.submit(f"/beheer/accounts/{member}/actief", {"active": "nee"}, form_page=f"/beheer/accounts/{member}")
    assert key_of(r) == "account_uitgeschakeld"
    assert NOTICES["account_uitgeschakeld"] in page(client.get(r.headers["Location"]))


def test_each_step_on_the_case_page_is_confirmed_on_that_page(melding, browser, client, db, use_case, as_staff):
    login(browser, "vp")
    case_page = f"/vp/zaak/{melding.ref}"
    assert 'id="notice"' not in page(client.get(case_page))
    r = browser.submit(f"{case_page}/stap/acknowledge", {}, form_page=case_page)
    assert key_of(r) == "acknowledge" and urlsplit(r.headers["Location"]).path == case_page
    assert "Ontvangst bevestigd." in page(client.get(r.headers["Location"]))
    r = browser.submit(f"{case_page}/bericht", {"text": "Dank voor uw melding."}, form_page=case_page)
    assert key_of(r) == "bericht_verstuurd"
    assert "Bericht verstuurd aan de melder." in page(client.get(r.headers["Location"]))
    with db() as s:
        transition(use_case(s), melding.ref, "triage", as_staff(s, "vp"), kind="vermoeden_misstand",
                   meldingswaardig=True)
    r = send_dossier(browser, melding.ref, {"include_report": "ja", "report_what": "Een [weggelakt].",
                                            "note": "Graag uw besluit."})
    assert key_of(r) == "dossier_verstuurd"
    assert "Dossier verstuurd aan het bevoegd gezag." in page(client.get(r.headers["Location"]))
    # A refused step shows its error and no confirmation.
    refused = browser.submit(f"{case_page}/bericht", {"text": " "}, form_page=case_page)
    assert refused.status_code == 400 and 'id="notice"' not in page(refused)


def test_no_hint_to_give_feedback_once_it_was_given(melding, browser, client, db, use_case, as_staff):
    from tests.authority.conftest import escalate, in_behandeling
    from whistle.services.authority import decisions as authority
    in_behandeling(db, use_case, as_staff, melding.ref)
    locator, _ = escalate(db, use_case, as_staff, melding.ref)
    with db() as s:
        authority.decide(use_case(s), as_staff(s, "burgemeester"), locator,
                         {"decision": "onderzoek", "motivation": "Ernstig genoeg."})
    login(browser, "vp")
    case_page = f"/vp/zaak/{melding.ref}"
    hint = "Geef de melder terugkoppeling met de stap hierboven"
    assert hint in page(client.get(case_page))
    r = browser.submit(f"{case_page}/stap/give_feedback", {"text": "Er komt een onderzoek."}, form_page=case_page)
    assert key_of(r) == "give_feedback"
    after = page(client.get(r.headers["Location"]))
    assert hint not in after and "Terugkoppeling gegeven." in after
    with db() as s:
        assert s.scalar(select(Case.feedback_given_on)) is not None


def test_endorsing_redirects_without_the_colleagues_address(town, browser, client, db):
    town.staff("deventer", email="nieuwe-vp@deventer.example", endorse=False)
    login(browser, "vp")
    from whistle.models import Staff
    from whistle.services import trust
    with db() as s:
        member = s.scalar(select(Staff).where(Staff.email == "nieuwe-vp@deventer.example"))
        member_id, fp = member.id, trust.fingerprint_of(member)
    r = browser.submit(f"/vp/ontvangers/{member_id}/erkennen", {"fingerprint": fp}, form_page="/vp/ontvangers")
    assert key_of(r) == "erkend"
    assert NOTICES["erkend"] in page(client.get(r.headers["Location"]))
