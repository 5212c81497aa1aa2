"""Internal notes on a case (issue 13): sealed under the case key, read by the counsellors who
hold it, never by the melder, never in a dossier; an empty note is refused and stores nothing."""
from sqlalchemy import func, select

from tests.authority.conftest import email, in_behandeling, staff_id
from whistle.models import CaseNote

NOTE = "Intern: eerst navragen bij HR of er eerder iets speelde."


def page(r) -> str:
    return r.get_data(as_text=True)


def login(browser, who):
    assert browser.login_counsellor(email(who)).status_code == 302


def test_a_note_is_sealed_and_read_only_by_the_counsellors(melding, browser, client, db, use_case, as_staff,
                                                           reporter_api):
    in_behandeling(db, use_case, as_staff, melding.ref)
    login(browser, "vp")
    case_page = f"/vp/zaak/{melding.ref}"
    refused = browser.submit(f"{case_page}/notitie", {"note": "   "}, form_page=case_page)
    assert refused.status_code == 400 and "De notitie is leeg." in page(refused)
    with db() as s:
        assert s.scalar(select(func.count(CaseNote.id))) == 0
    r = browser.submit(f"{case_page}/notitie", {"note": NOTE}, form_page=case_page)
    assert r.status_code == 302 and "klaar=notitie_opgeslagen" in r.headers["Location"]
    shown = page(client.get(r.headers["Location"]))
    assert NOTE in shown and "Notitie opgeslagen." in shown
    with db() as s:
        blob = s.scalar(select(CaseNote.ciphertext))
    # Whole words only: two random bytes of ciphertext are "HR" once in a few hundred runs.
    assert b"navragen" not in blob and b"speelde" not in blob
    assert NOTE not in page(client.get(f"{case_page}/doorzetten"))  # not offered for the dossier
    assert "Interne notitie toegevoegd" in page(client.get(f"{case_page}/geschiedenis"))
    client.delete_cookie("whistle")
    login(browser, "vp2")
    assert NOTE in page(client.get(case_page))
    # The colleague without the key finds no case and cannot add a note.
    client.delete_cookie("whistle")
    login(browser, "vp")
    browser.submit(f"{case_page}/toegang", {"action": "withdraw", "staff": str(staff_id(db, "vp2"))},
                   form_page=case_page)
    client.delete_cookie("whistle")
    login(browser, "vp2")
    assert browser.submit(f"{case_page}/notitie", {"note": "x"}, form_page="/vp/").status_code == 404
    client.delete_cookie("whistle")
    # The melder's page and the protocol's records know nothing of it.
    browser.melder_login("deventer", melding.code)
    assert "navragen bij HR" not in page(client.get("/melder/zaak"))
    client.delete_cookie("whistle")
    melder = reporter_api("deventer")
    melder.log_in(melding.code)
    assert all("navragen bij HR" not in str(r) for r in melder.read_records())
