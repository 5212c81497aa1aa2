"""The hand-over through the server-rendered pages, without JavaScript: the melder consents on
their page, the counsellor marks a betrokkene and composes the dossier, the entitled member
decides, the recused one finds nothing, and the decision becomes the terugkoppeling."""
import re

from sqlalchemy import select

from tests.authority.conftest import MELDER_NAME, email, in_behandeling, send_dossier, staff_id
from whistle.models import Case, CaseKey

LINK = re.compile(r'href="/bg/dossier/([0-9a-f]{32})"')


def page(r) -> str:
    return r.get_data(as_text=True)


def login(browser, who):
    r = browser.login_counsellor(email(who))
    assert r.status_code == 302, page(r)


def logout(client):
    client.delete_cookie("whistle")


def test_the_hand_over_end_to_end_on_the_pages(melding, browser, client, db, use_case, as_staff):
    # The melder consents to share their identity, on their own page.
    browser.melder_login("deventer", melding.code)
    assert "Toestemming geven" in page(client.get("/melder/zaak"))
    assert browser.submit("/melder/toestemming", {"consent": "ja"}, form_page="/melder/zaak").status_code == 302
    assert "Toestemming intrekken" in page(client.get("/melder/zaak"))
    logout(client)

    in_behandeling(db, use_case, as_staff, melding.ref)
    login(browser, "vp")
    case_page = f"/vp/zaak/{melding.ref}"
    assert 'data-event="escalate"' in page(client.get(case_page))
    r = browser.submit(f"{case_page}/betrokkenen", {"concerned": [str(staff_id(db, "wethouder"))]}, form_page=case_page)
    assert r.status_code == 302
    compose = page(client.get(f"{case_page}/doorzetten"))
    assert "Wethouder2" in compose and ">Wethouder<" not in compose and "toestemming op" in compose
    r = send_dossier(browser, melding.ref, {
        "include_report": "ja", "report_what": "Een [weggelakt] gunt opdrachten.", "report_where": "Stadhuis",
        "include_identity": "ja", "note": "Graag uw besluit."})
    assert r.status_code == 302, page(r)
    logout(client)

    # The recused wethouder sees no dossier anywhere; the burgemeester does.
    login(browser, "wethouder")
    assert 'href="/bg/"' in page(client.get("/vp/start"))
    assert "Er zijn geen dossiers voor u" in page(client.get("/bg/"))
    logout(client)
    login(browser, "burgemeester")
    inbox = page(client.get("/bg/"))
    ref = LINK.search(inbox).group(1)
    logout(client)
    login(browser, "wethouder")
    assert client.get(f"/bg/dossier/{ref}").status_code == 404
    assert browser.submit(f"/bg/dossier/{ref}/besluit", {"decision": "onderzoek", "motivation": "x"},
                          form_page="/bg/").status_code == 404
    logout(client)
    login(browser, "burgemeester")
    dossier = page(client.get(f"/bg/dossier/{ref}"))
    assert "Een [weggelakt] gunt opdrachten." in dossier and MELDER_NAME in dossier
    assert "zwager" not in dossier
    refused = browser.submit(f"/bg/dossier/{ref}/besluit", {"decision": "onderzoek", "motivation": ""},
                             form_page=f"/bg/dossier/{ref}")
    assert refused.status_code == 400 and "motivering" in page(refused).lower()
    r = browser.submit(f"/bg/dossier/{ref}/besluit", {"decision": "onderzoek", "motivation": "Ernstig genoeg."},
                       form_page=f"/bg/dossier/{ref}")
    assert r.status_code == 302
    assert "Onderzoek instellen" in page(client.get(f"/bg/dossier/{ref}"))
    logout(client)

    # The counsellor sees the decision and turns it into the terugkoppeling.
    login(browser, "vp")
    case_html = page(client.get(case_page))
    assert "Besluit: Onderzoek instellen" in case_html and "Ernstig genoeg." in case_html
    assert "besloten: onderzoek instellen" in case_html  # the suggested terugkoppeling
    r = browser.submit(f"{case_page}/stap/give_feedback", {"text": "Er komt een onderzoek."}, form_page=case_page)
    assert r.status_code == 302
    logout(client)
    browser.melder_login("deventer", melding.code)
    melder_page = page(client.get("/melder/zaak"))
    assert "Er komt een onderzoek." in melder_page and "al doorgezet" in melder_page


def test_escalation_with_nobody_left_shows_why_and_sends_nothing(melding, browser, client, db, use_case, as_staff):
    in_behandeling(db, use_case, as_staff, melding.ref)
    login(browser, "vp")
    case_page = f"/vp/zaak/{melding.ref}"
    browser.submit(f"{case_page}/betrokkenen", {"concerned": [str(staff_id(db, "burgemeester")),
                                                             str(staff_id(db, "loco"))]}, form_page=case_page)
    compose = page(client.get(f"{case_page}/doorzetten"))
    assert 'id="no-recipients"' in compose
    r = browser.submit(f"{case_page}/doorzetten", {"include_report": "ja", "report_what": "x"},
                       form_page=f"{case_page}/doorzetten")
    assert r.status_code == 400 and "niets verstuurd" in page(r)
    with db() as s:
        assert s.scalar(select(Case.state)) == "in_behandeling"


def test_sharing_and_marking_on_the_case_page(melding, browser, client, db):
    login(browser, "vp")
    case_page = f"/vp/zaak/{melding.ref}"
    vp2 = str(staff_id(db, "vp2"))
    assert browser.submit(f"{case_page}/toegang", {"action": "withdraw", "staff": vp2}, form_page=case_page).status_code == 302
    with db() as s:
        assert s.scalar(select(CaseKey.id).where(CaseKey.staff_id == int(vp2))) is None
    assert browser.submit(f"{case_page}/toegang", {"action": "grant", "staff": vp2}, form_page=case_page).status_code == 302
    refused = browser.submit(f"{case_page}/betrokkenen", {"concerned": [str(staff_id(db, "vp"))]}, form_page=case_page)
    assert refused.status_code == 400 and "uzelf" in page(refused)
    assert browser.submit(f"{case_page}/toegang", {"action": "explode", "staff": vp2},
                          form_page=case_page).status_code == 400


def test_a_melding_on_behalf_on_the_pages(town, browser, client, db):
    login(browser, "vp")
    r = browser.submit("/vp/namens", {"what": "Mondeling: dubbele facturen.", "give_code": "ja"})
    assert r.status_code == 200
    from tests.conftest import code_from_receipt
    code = code_from_receipt(page(r))
    logout(client)
    browser.melder_login("deventer", code)
    assert "Mondeling: dubbele facturen." in page(client.get("/melder/zaak"))
    logout(client)
    login(browser, "vp")
    r = browser.submit("/vp/namens", {"what": "Nog een.", "give_code": "nee"})
    assert r.status_code == 200 and 'class="code"' not in page(r)
    assert browser.submit("/vp/namens", {"what": " "}).status_code == 400
