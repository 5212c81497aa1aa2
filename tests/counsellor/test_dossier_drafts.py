"""Issue 13, item 6: a dossier is saved as a draft (sealed under the case key) and finished later;
before sending the counsellor sees a preview of exactly what the recipients read and confirms
with their names. Nothing is sent before the confirmation."""
from __future__ import annotations

from sqlalchemy import func, select

from tests.authority.conftest import email, in_behandeling, send_dossier, staff_id
from whistle.models import AuditEvent, Dossier, DossierDraft

NOTE = "Concept: de wethouder lijkt opdrachten te gunnen aan familie; eerst nagaan bij inkoop."
REDACTED = "De [weggelakt] gunt opdrachten aan een bekende."


def page(r) -> str:
    return r.get_data(as_text=True)


def login(browser, who="vp"):
    assert browser.login_counsellor(email(who)).status_code == 302


def test_a_draft_is_sealed_survives_logout_and_is_finished_later(melding, browser, client, db, use_case, as_staff):
    in_behandeling(db, use_case, as_staff, melding.ref)
    login(browser)
    compose = f"/vp/zaak/{melding.ref}/doorzetten"
    r = browser.submit(compose, {"action": "concept", "include_report": "ja", "report_what": REDACTED,
                                 "note": NOTE}, form_page=compose)
    assert r.status_code == 302 and "klaar=concept_opgeslagen" in r.headers["Location"]
    assert "Concept opgeslagen." in page(client.get(r.headers["Location"]))
    with db() as s:
        draft = s.scalars(select(DossierDraft)).one()
        assert s.scalar(select(func.count(Dossier.id))) == 0
        events = list(s.scalars(select(AuditEvent.event)))
    for plain in (b"wethouder", b"inkoop", b"weggelakt", b"Concept"):
        assert plain not in draft.ciphertext
    assert "dossier_draft_saved" in events
    client.delete_cookie("whistle")

    # After logging out and in again, and for the colleague who holds the key too.
    for who in ("vp", "vp2"):
        login(browser, who)
        case_page = page(client.get(f"/vp/zaak/{melding.ref}"))
        assert 'id="dossier-concept"' in case_page and "Concept" in case_page
        assert draft.saved_on.strftime("%d-%m-%Y") in case_page
        shown = page(client.get(compose))
        assert NOTE in shown and REDACTED in shown and 'id="draft-status"' in shown
        client.delete_cookie("whistle")

    # A second save replaces the first: one draft per case.
    login(browser)
    browser.submit(compose, {"action": "concept", "note": NOTE + " Aangevuld."}, form_page=compose)
    with db() as s:
        assert s.scalar(select(func.count(DossierDraft.id))) == 1
    assert "Aangevuld." in page(client.get(compose))
    # Sending the dossier ends the draft.
    r = send_dossier(browser, melding.ref, {"include_report": "ja", "report_what": REDACTED, "note": NOTE})
    assert r.status_code == 302
    with db() as s:
        assert s.scalar(select(func.count(DossierDraft.id))) == 0
        assert s.scalar(select(func.count(Dossier.id))) == 1
    assert 'id="dossier-concept"' not in page(client.get(f"/vp/zaak/{melding.ref}"))


def test_a_draft_can_be_deleted(melding, browser, client, db, use_case, as_staff):
    login(browser)
    compose = f"/vp/zaak/{melding.ref}/doorzetten"
    browser.submit(compose, {"action": "concept", "note": NOTE}, form_page=compose)
    case_page = f"/vp/zaak/{melding.ref}"
    r = browser.submit(f"{compose}/concept/verwijderen", {}, form_page=case_page)
    assert r.status_code == 302 and "klaar=concept_verwijderd" in r.headers["Location"]
    with db() as s:
        assert s.scalar(select(func.count(DossierDraft.id))) == 0
    assert NOTE not in page(client.get(compose))
    # A colleague without the case key can neither delete nor read one.
    browser.submit(compose, {"action": "concept", "note": NOTE}, form_page=compose)
    browser.submit(f"{case_page}/toegang", {"action": "withdraw", "staff": str(staff_id(db, "vp2"))},
                   form_page=case_page)
    client.delete_cookie("whistle")
    login(browser, "vp2")
    assert browser.submit(f"{compose}/concept/verwijderen", {}, form_page="/vp/").status_code == 404
    with db() as s:
        assert s.scalar(select(func.count(DossierDraft.id))) == 1


def test_the_preview_shows_what_and_to_whom_and_sends_nothing(melding, browser, client, db, use_case, as_staff):
    in_behandeling(db, use_case, as_staff, melding.ref)
    login(browser)
    compose = f"/vp/zaak/{melding.ref}/doorzetten"
    data = {"include_report": "ja", "report_what": REDACTED, "note": NOTE}
    r = browser.submit(compose, {"action": "voorbeeld", **data}, form_page=compose)
    assert r.status_code == 200
    shown = page(r)
    body = shown[shown.index('id="preview-body"'):shown.index('class="confirm-send"')]
    assert REDACTED in body and NOTE in body and "zwager" not in body  # as typed, redacted
    recipients = shown[shown.index('id="recipients"'):shown.index('id="preview-body"')]
    assert "<li>Burgemeester (Burgemeester)</li>" in recipients  # by name and office
    assert "Versturen aan: Burgemeester" in shown
    with db() as s:
        assert s.scalar(select(func.count(Dossier.id))) == 0
    # Back to editing keeps everything as typed.
    compose_again = browser.submit(f"{compose}/versturen", {"action": "bewerken", **data}, form_page=compose)
    assert compose_again.status_code == 200 and NOTE in page(compose_again) and REDACTED in page(compose_again)
    # Recipients changed since the preview: shown again, nothing sent.
    r = browser.submit(f"{compose}/versturen", {"action": "versturen", "recipient": "999999", **data},
                       form_page=compose)
    assert r.status_code == 409 and "is veranderd sinds het voorbeeld" in page(r) and 'id="confirm-send"' in page(r)
    with db() as s:
        assert s.scalar(select(func.count(Dossier.id))) == 0
    # An empty dossier never reaches the preview.
    r = browser.submit(compose, {"action": "voorbeeld"}, form_page=compose)
    assert r.status_code == 400 and "Het dossier is leeg" in page(r)
