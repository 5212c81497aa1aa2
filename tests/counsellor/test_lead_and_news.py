"""The lead counsellor per case (issue 13.4) and the inbox's marker of what is new since the
counsellor last opened a case (issue 13.1): through the pages, as a vertrouwenspersoon works."""
import re

from sqlalchemy import select

from tests.authority.conftest import email, staff_id
from whistle.domain.audit_labels import EVENT_LABELS
from whistle.models import AuditEvent, Case


def text_of(r) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", r.get_data(as_text=True)).split())


def row_of(client, ref: str, query: str = "") -> str:
    html = client.get(f"/vp/{query}").get_data(as_text=True)
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S):
        if f">{ref}</a>" in row:
            return " ".join(re.sub(r"<[^>]+>", " ", row).split())
    return ""


def lead_of(db, ref: str):
    with db() as s:
        return s.scalar(select(Case.lead_staff_id).where(Case.ref == ref))


def test_take_and_hand_over_keep_everyone_s_access(melding, town, browser, client, db):
    ref, page = melding.ref, f"/vp/zaak/{melding.ref}"
    browser.login_counsellor(email("vp"))
    assert "nog niemand" in row_of(client, ref)
    assert "Nog niemand heeft deze zaak opgepakt." in text_of(client.get(page))
    r = browser.submit(f"{page}/oppakken", {}, form_page=page)
    assert r.status_code == 302 and "klaar=zaak_opgepakt" in r.headers["Location"]
    shown = text_of(client.get(r.headers["Location"]))
    assert "U heeft de zaak opgepakt." in shown and "U heeft deze zaak opgepakt." in shown
    assert lead_of(db, ref) == staff_id(db, "vp")
    assert " u " in f" {row_of(client, ref)} " and ref in row_of(client, ref, "?lead=mij")
    assert row_of(client, ref, "?lead=niemand") == ""
    # Taking it twice is refused, nothing changes.
    again = browser.submit(f"{page}/oppakken", {}, form_page=page)
    assert again.status_code == 400 and "U heeft deze zaak al opgepakt" in text_of(again)

    # Only colleagues who hold the key are offered, and the server checks it too.
    html = client.get(page).get_data(as_text=True)
    offered = re.search(r'<select id="lead-to".*?</select>', html, flags=re.S).group(0)
    vp2 = staff_id(db, "vp2")
    assert f'value="{vp2}"' in offered
    outsider = town.staff("deventer", email="nieuw@deventer.example", name="Nieuwe Collega")
    outsider_id = staff_id(db, "nieuw@deventer.example")
    assert f'value="{outsider_id}"' not in offered and outsider is not None
    refused = browser.submit(f"{page}/overdragen", {"lead": str(outsider_id)}, form_page=page)
    assert refused.status_code == 400 and "Die collega kan deze zaak niet openen" in text_of(refused)
    assert lead_of(db, ref) == staff_id(db, "vp")
    bad = browser.submit(f"{page}/overdragen", {"lead": "<b>x</b>"}, form_page=page)
    assert bad.status_code == 400 and "Kies een collega" in text_of(bad)

    r = browser.submit(f"{page}/overdragen", {"lead": str(vp2)}, form_page=page)
    assert r.status_code == 302 and "klaar=zaak_overgedragen" in r.headers["Location"]
    assert lead_of(db, ref) == vp2
    assert "Vp2" in row_of(client, ref) and ref in row_of(client, ref, f"?lead={vp2}")
    assert "Opgepakt door Vp2." in text_of(client.get(page))  # and vp still reads the case
    with db() as s:
        events = list(s.scalars(select(AuditEvent.event).where(AuditEvent.case_ref == ref)))
    assert "case_lead_taken" in events and "case_lead_handed_over" in events
    assert all(e in EVENT_LABELS for e in ("case_lead_taken", "case_lead_handed_over"))
    refused_filter = client.get("/vp/?lead=999999")
    assert refused_filter.status_code == 400 and "Onbekende vertrouwenspersoon" in text_of(refused_filter)

    # Withdrawing the lead's access leaves the case without a lead.
    r = browser.submit(f"{page}/toegang", {"action": "withdraw", "staff": str(vp2)}, form_page=page)
    assert r.status_code == 302
    assert lead_of(db, ref) is None


def test_new_since_last_opened(town, reporter_api, browser, client, db):
    melder = reporter_api("deventer")
    melder.submit({"what": "Een melding om op te volgen."})
    with db() as s:
        ref = s.scalars(select(Case.ref)).one()
    page = f"/vp/zaak/{ref}"
    browser.login_counsellor(email("vp"))
    assert "Nieuw:" not in row_of(client, ref)
    assert client.get(page).status_code == 200  # opened: what comes after this is new
    melder.log_in()
    melder.send_message("Er is nog iets gebeurd.")
    assert "Nieuw: bericht van melder" in row_of(client, ref)
    client.delete_cookie("whistle")
    browser.login_counsellor(email("vp2"))  # never opened it: the message is new to vp2 as well
    assert "Nieuw: bericht van melder" in row_of(client, ref)
    client.delete_cookie("whistle")
    browser.login_counsellor(email("vp"))
    assert client.get(page).status_code == 200
    assert "Nieuw:" not in row_of(client, ref)
