"""Issue 16.1 for the counsellor's case room: with English offered on the staff's pages (here
for the test only: whistle.web.i18n.STAFF_LANGUAGES stays Dutch until every staff room is
translated), the case page in its states, the dossier's compose page and preview, the history,
the melding on behalf of a melder and the oral melding read in English with `?taal=en`: known
English texts are there, and no Dutch sentence of the catalogue (four words or more) is left.
A service's refusal is shown in English too (the `translated` filter)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.authority.conftest import (as_staff, cheaper_login_hash, email, in_behandeling,  # noqa: F401
                                      melding, send_dossier, staff_id, town)
from tests.complaint.conftest import ORG as BOSCH, bosch, who  # noqa: F401 (fixtures)
from tests.i18n.staff_scope import ROOT
from tests.i18n.test_melder_pages_in_every_language import dutch_sentences, readable
from tests.i18n.test_melder_text_marked import untranslated
from whistle.domain.audit_labels import ACTOR_LABELS, EVENT_LABELS
from whistle.models import Case
from whistle.services.lifecycle import transition
from whistle.web import i18n
from whistle.web.staff_words import KNOWN

DUTCH = dutch_sentences()
REDACTED = "De [weggelakt] gunt opdrachten aan een bekende."


@pytest.fixture(autouse=True)
def english_for_staff(monkeypatch):
    monkeypatch.setattr(i18n, "STAFF_LANGUAGES", ("nl", "en"))


# A dossier's entries, as the counsellor's preview and case page show them, are the bevoegd
# gezag's template (authority/_entries.html, another room of issue 16.1): left out of the check
# for Dutch until that template is marked, then checked like the rest of the page.
ENTRIES_MARKED = untranslated((ROOT / "templates" / "authority" / "_entries.html").read_text(encoding="utf-8")) == []
ENTRIES = re.compile(r'<div class="preview-body".*?(?=<form method="post")|(?<=What was passed on</summary>).*?'
                     r'(?=</details>)', re.S)

# Likewise the history's events and actors are the audit trail's labels (whistle.domain.audit_labels,
# listed for translation by the lists room): left out until they are listed.
AUDIT_LISTED = set(EVENT_LABELS.values()) | set(ACTOR_LABELS.values()) <= KNOWN
AUDIT_CELLS = re.compile(r'<td data-label="(?:Who|What)">.*?</td>', re.S)


def in_english(answer, *expected: str, status: int = 200) -> str:
    """The page's readable text, after checking it is English: the language, the texts
    `expected`, and none of the catalogue's Dutch sentences."""
    html = answer.get_data(as_text=True)
    assert answer.status_code == status, re.findall(r'role="alert">([^<]+)', html) or html[:300]
    assert re.search(r'<html lang="en"[ >]', html)
    html = html if ENTRIES_MARKED else ENTRIES.sub(" ", html)
    text = readable(html if AUDIT_LISTED else AUDIT_CELLS.sub(" ", html))
    missing = [e for e in expected if e not in text]
    assert missing == [], missing
    left = sorted(s for s in DUTCH if " ".join(s.split()) in text)
    assert left == [], f"Dutch on an English page: {left[:3]}"
    return text


def login(browser, address: str) -> None:
    assert browser.login_counsellor(address).status_code == 302


def test_the_case_page_reads_in_english_from_new_to_escalated(melding, browser, client, db, use_case, as_staff):
    login(browser, email("vp"))
    case = f"/vp/zaak/{melding.ref}"
    text = in_english(client.get(f"{case}?taal=en"),
                      f"Case {melding.ref}", "Status", "Received", "Acknowledgement of receipt", "Lead counsellor",
                      "The report", "What happened", "Identity of the reporter", "Internal notes", "No notes yet.",
                      "Messages", "No messages yet.", "Message to the reporter", "Next step", "Detriment",
                      "Persons concerned", "Access of confidential advisers", "has access")
    assert "Jannie Melder" in text  # the melder's own words stay as they are
    # A refusal of a service (whistle.services.counsellor.notes) in the page's language.
    refused = browser.submit(f"{case}/notitie?taal=en", {"note": " "}, form_page=f"{case}?taal=en")
    in_english(refused, "The note is empty.", status=400)
    # With messages and a note.
    assert browser.submit(f"{case}/bericht?taal=en", {"text": "Kunt u meer vertellen?"},
                          form_page=f"{case}?taal=en").status_code == 302
    assert browser.submit(f"{case}/notitie?taal=en", {"note": "Eerst nagaan bij inkoop."},
                          form_page=f"{case}?taal=en").status_code == 302
    text = in_english(client.get(f"{case}?taal=en"), "Confidential adviser ·", "Kunt u meer vertellen?",
                      "Eerst nagaan bij inkoop.")
    assert "No messages yet." not in text and "No notes yet." not in text
    # Triaged: the risk assessment's questions and answers, the kind of melding.
    in_behandeling(db, use_case, as_staff, melding.ref)
    in_english(client.get(f"{case}?taal=en"), "Kind of report", "Suspected wrongdoing", "merits investigation",
               "Record a new risk assessment", "Does anyone in the organisation know or suspect who the reporter is?",
               "Don't know", "Assessment of the risk", "Compose dossier")
    risk = {"risk_identity_known": "onbekend", "risk_traceable": "ja", "risk_dependent": "nee", "risk_signals": "nee",
            "risk_level": "hoog"}
    assert browser.submit(f"{case}/benadeling?taal=en", risk, form_page=f"{case}?taal=en").status_code == 302
    text = in_english(client.get(f"{case}?taal=en"), "Risk assessment ·", "Risk High")
    assert "Is the reporter dependent on the person(s) concerned, for example as their manager? No" in text
    # A draft of the dossier, then its preview, then the dossier sent.
    compose = f"{case}/doorzetten"
    in_english(client.get(f"{compose}?taal=en"), "Dossier for the competent authority", "Recipients",
               "Identity of the reporter", "The confidential adviser's explanation", "Back to the case")
    saved = browser.submit(f"{compose}?taal=en", {"action": "concept", "include_report": "ja",
                                                  "report_what": REDACTED, "note": "Eerste beoordeling."},
                           form_page=f"{compose}?taal=en")
    assert saved.status_code == 302
    in_english(client.get(f"{case}?taal=en"), "Draft", "Continue editing the draft")
    preview = browser.submit(f"{compose}?taal=en", {"action": "voorbeeld", "include_report": "ja",
                                                    "report_what": REDACTED, "note": "Eerste beoordeling."},
                             form_page=f"{compose}?taal=en")
    in_english(preview, "Preview of the dossier", "What the recipients read", "Send to:", "Back to editing")
    assert send_dossier(browser, melding.ref, {"include_report": "ja", "report_what": REDACTED}).status_code == 302
    in_english(client.get(f"{case}?taal=en"), "Dossier for the competent authority (", "No decision yet.",
               "What was passed on", "Disclosure without consent", "Request disclosure (legal obligation)",
               "An order or decision of a court")
    # The history of the case.
    in_english(client.get(f"{case}/geschiedenis?taal=en"), f"History of case {melding.ref}", "Back to the case",
               "Date", "Who", "What")


def test_a_refused_dossier_and_an_unknown_colleague_are_refused_in_english(melding, browser, client, db, use_case,
                                                                           as_staff):
    in_behandeling(db, use_case, as_staff, melding.ref)
    login(browser, email("vp"))
    case = f"/vp/zaak/{melding.ref}"
    compose = f"{case}/doorzetten"
    empty = browser.submit(f"{compose}?taal=en", {"action": "voorbeeld"}, form_page=f"{compose}?taal=en")
    in_english(empty, "The dossier is empty: choose what the competent authority receives. Nothing has been sent.",
               status=400)
    refused = browser.submit(f"{case}/toegang?taal=en", {"action": "neither"}, form_page=f"{case}?taal=en")
    in_english(refused, "Choose to give or withdraw access.", status=400)


def test_on_behalf_and_the_oral_melding_read_in_english(melding, browser, client, db):
    login(browser, email("vp"))
    in_english(client.get("/vp/namens?taal=en"), "Report on behalf of a reporter", "record an oral report",
               "What happened", "Code for the reporter", "Save report")
    done = browser.submit("/vp/namens?taal=en", {"what": "De kas klopt niet.", "give_code": "ja"},
                          form_page="/vp/namens?taal=en")
    in_english(done, "has been saved", "Give the reporter this code on paper.", "To the case")
    in_english(client.get("/vp/mondeling?taal=en"), "Record an oral report", "How was the report made?",
               "By phone", "Voice message", "In a meeting", "Recording (only with consent)", "No code")
    refused = browser.submit("/vp/mondeling?taal=en", {"form": "telefoon", "what": "Iets", "minutes": " "},
                             form_page="/vp/mondeling?taal=en")
    in_english(refused, "Write the minutes of the conversation or message: what the reporter said.", status=400)
    oral = browser.submit("/vp/mondeling?taal=en", {"form": "gesprek", "what": "De kas klopt niet.",
                                                    "minutes": "De melder vertelde over de kas.",
                                                    "give_code": "nee"}, form_page="/vp/mondeling?taal=en")
    in_english(oral, "No code was made: the reporter does not follow the report themselves.")
    with db() as s:
        ref = s.scalars(select(Case.ref).order_by(Case.id.desc())).first()
    in_english(client.get(f"/vp/zaak/{ref}?taal=en"), "Minutes of the oral report", "In a meeting on",
               "no consent to a recording", "Version 1", "not approved yet", "Save new version")


def test_a_complaint_and_a_meeting_read_in_english(bosch, reporter_api, browser, client, db, use_case, as_staff):
    api = reporter_api(BOSCH)
    api.submit({"what": "Mijn leidinggevende pest een collega."})
    with db() as s:
        ref = s.scalars(select(Case.ref)).one()
        for event, facts in (("acknowledge", {}),
                             ("triage", {"kind": "ongewenst_gedrag", "meldingswaardig": False}),
                             ("give_feedback", {"text": "Wij doen geen onderzoek."})):
            transition(use_case(s), ref, event, as_staff(s, who("vp")), **facts)
        s.commit()
    browser.melder_login(BOSCH, api.code)
    assert browser.submit("/melder/gesprek/aanvragen", {"kind": "gesprek"}, form_page="/melder/zaak").status_code == 302
    assert browser.submit("/melder/klacht", {"text": "Te snel afgedaan."}, form_page="/melder/zaak").status_code == 302
    client.delete_cookie("whistle")
    login(browser, who("vp"))
    case = f"/vp/zaak/{ref}"
    in_english(client.get(f"{case}?taal=en"), "Complaint by the reporter", "Lodged", "Decided by",
               "Decision due by", "not yet: put the complaint forward below", "The complaint",
               "Put the complaint forward", "Meeting at the reporter's request", "An in-person conversation, requested on",
               "Propose a time by", "Send the proposal to the reporter", "Kind of report", "Undesirable behaviour",
               "does not merit investigation")
    empty = browser.submit(f"{case}/gesprek?taal=en", {"proposal": " "}, form_page=f"{case}?taal=en")
    in_english(empty, "Write when and where (or on which number) the meeting can take place.", status=400)


def test_the_page_of_recipients_reads_in_english(melding, browser, client, db):
    login(browser, email("vp"))
    page = "/vp/ontvangers?taal=en"
    in_english(client.get(page), "Who can read reports and files", "How to compare a fingerprint", "Receives",
               "Recipient log", "Fingerprint")
    wrong = browser.submit(f"/vp/ontvangers/{staff_id(db, 'secretaris')}/erkennen?taal=en",
                           {"fingerprint": "0000", "office": "gemeentesecretaris"}, form_page=page)
    assert wrong.status_code in (400, 403)
    assert "Nothing has been signed" in in_english(wrong, status=wrong.status_code)


def test_the_check_finds_dutch_left_on_a_staff_page(melding, browser, client):
    """The checks above can fail: the Dutch case page has the catalogue's sentences."""
    login(browser, email("vp"))
    text = readable(client.get(f"/vp/zaak/{melding.ref}").get_data(as_text=True))
    assert any(" ".join(s.split()) in text for s in DUTCH)
    assert "Internal notes" not in text
