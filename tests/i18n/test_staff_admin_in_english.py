"""Issue 16.1 for the staff's pages of this room: with English offered to staff (the lead adds
"en" to whistle.web.i18n.STAFF_LANGUAGES once every room is translated; here the test offers it
itself), the beheerder's pages, the login and its second factor, the recipients page, the bevoegd
gezag's inbox and dossier and the register's pages speak English with `?taal=en`, refusals of the
services included, and show no Dutch sentence of the catalogue. Real logins, a real melding and a
real dossier, as tests/admin and tests/authority make them."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.authority.conftest import as_staff, cheaper_login_hash, escalate, in_behandeling  # noqa: F401 (fixtures)
from tests.conftest import PASSPHRASE
from tests.i18n.test_melder_pages_in_every_language import DUTCH, readable
from whistle.models import Case, Staff
from whistle.web import i18n
from whistle.web.melder_words import KNOWN as MELDER_KNOWN
from whistle.web.staff_words import KNOWN

ADMIN = "beheer@deventer.example"
VP = "vp@deventer.example"
MAYOR = "burgemeester@deventer.example"


@pytest.fixture(autouse=True)
def english_for_staff(monkeypatch):
    """English offered on the staff's pages, as it will be (a configuration tuple)."""
    monkeypatch.setattr(i18n, "STAFF_LANGUAGES", ("nl", "en"))


def english(answer, *texts: str, status: int = 200) -> str:
    """The page, in English: the language named, the `texts` shown, no Dutch sentence left."""
    html = answer.get_data(as_text=True)
    assert answer.status_code == status, re.findall(r'role="alert">([^<]+)', html) or html[:400]
    assert '<html lang="en"' in html
    text = readable(html)
    for expected in texts:
        assert expected in text, expected
    left = sorted(s for s in DUTCH if " ".join(s.split()) in text)
    assert left == [], f"Dutch on an English page: {left[:3]}"
    return html


def dutch(answer, *texts: str, status: int = 200) -> str:
    html = answer.get_data(as_text=True)
    assert answer.status_code == status and '<html lang="nl"' in html
    for expected in texts:
        assert expected in readable(html), expected
    return html


def staff_id(db, email: str) -> int:
    with db() as s:
        return s.scalar(select(Staff.id).where(Staff.email == email))


@pytest.fixture
def deventer(world, browser, db):
    """Deventer with a counsellor, a second one, a burgemeester, a gemeentesecretaris without a
    key yet, a beheerder; one melding with the melder's identity, from the form."""
    world.org("deventer")
    world.staff("deventer", email=VP, name="Vera")
    world.staff("deventer", email="vp2@deventer.example", name="Wim")
    world.staff("deventer", role="authority", email=MAYOR, name="Burgemeester", function="burgemeester")
    world.staff("deventer", role="admin", email=ADMIN, name="Beheer")
    page = browser.submit("/o/deventer/melden", {"what": "De teamleider boekt privé-uren op een project.",
                                                  "share_identity": "ja", "name": "Jannie Melder",
                                                  "contact": "jannie@example.org"})
    assert page.status_code == 200
    with db() as s:
        return s.scalar(select(Case.ref))


def log_in(browser, email: str):
    r = browser.login_counsellor(email)
    assert r.status_code == 302, r.get_data(as_text=True)[:300]


def log_out(client):
    client.delete_cookie("whistle")


def test_the_login_and_the_second_factor_in_english(deventer, world, browser, client):
    dutch(client.get("/vp/login"), "Inloggen", "Wachtwoordzin")
    english(client.get("/vp/login?taal=en"), "Log in", "Passphrase",
            "Your passphrase also unlocks your personal key, only for as long as you are logged in.")
    wrong = browser.submit("/vp/login?taal=en", {"email": VP, "passphrase": "not the passphrase at all"})
    english(wrong, "E-mail address or passphrase incorrect.", status=401)
    # The right passphrase: the second step, in English, and a wrong code refused in English.
    assert browser.submit("/vp/login?taal=en", {"email": VP, "passphrase": PASSPHRASE}).status_code == 302
    english(client.get("/vp/login/tweede-stap?taal=en"), "Second step", "Code from your authenticator app",
            "Lost your phone? Then enter one of your recovery codes (XXXX-XXXX-XXXX).")
    refused = browser.submit("/vp/login/tweede-stap?taal=en", {"code": "000000"},
                             form_page="/vp/login/tweede-stap?taal=en")
    english(refused, "The code is wrong. Check the code in your app, or use a recovery code.", status=401)
    # A member without a second factor sets it up; the QR code's title is read in English too.
    world.staff("deventer", email="nieuw@deventer.example", enrolled=False)
    log_out(client)
    assert browser.submit("/vp/login?taal=en", {"email": "nieuw@deventer.example",
                                                "passphrase": PASSPHRASE}).status_code == 302
    enrol = english(client.get("/vp/login/inrichten?taal=en"), "Set up second factor",
                    "Every staff account is protected with a second factor.")
    assert "<title>QR code for your authenticator app</title>" in enrol
    bad = browser.submit("/vp/login/inrichten?taal=en", {"code": ""}, form_page="/vp/login/inrichten?taal=en")
    english(bad, "Enter the six-digit code from your app.", status=400)


def test_the_beheerders_pages_in_english(deventer, browser, client, db):
    log_in(browser, ADMIN)
    dutch(client.get("/beheer/"), "Nieuw account", "vertrouwenspersoon", "bevoegd gezag")
    english(client.get("/beheer/?taal=en"), "Accounts of Gemeente Deventer", "New account",
            "confidential adviser", "competent authority", "administrator", "Mayor (burgemeester)", "endorsed",
            "set up")
    english(client.get("/beheer/accounts/nieuw?taal=en"), "One-time passphrase (at least 12 characters)",
            "Create account", "Office (competent authority only)")
    taken = browser.submit("/beheer/accounts/nieuw?taal=en", {
        "role": "counsellor", "email": VP, "passphrase": "eenmalig gekozen door beheer"},
        form_page="/beheer/accounts/nieuw?taal=en")
    english(taken, "An account with this e-mail address already exists.", status=400)
    mayor = staff_id(db, MAYOR)
    english(client.get(f"/beheer/accounts/{mayor}?taal=en"), "Role", "Second factor", "Save office",
            "A deactivated account cannot log in; its current sessions end at once.")
    # The counsellor holds the melding's key: deleting is refused, with the count, in English.
    vp = staff_id(db, VP)
    english(client.get(f"/beheer/accounts/{vp}/verwijderen?taal=en"), "This account cannot be deleted:",
            "This account holds the key to 1 report(s).",
            "This account has been endorsed as a recipient or has endorsed keys itself.")
    unticked = browser.submit(f"/beheer/accounts/{vp}/verwijderen?taal=en", {},
                              form_page=f"/beheer/accounts/{vp}/verwijderen?taal=en")
    english(unticked, "Tick the box to confirm that you want to delete this account.", status=400)
    # The logbook's events and roles, and its check.
    english(client.get("/beheer/logboek?taal=en"), "Log of Gemeente Deventer", "Report received",
            "Account created", "Second factor set up", "Logged in", "administrator")
    english(client.get("/beheer/logboek?controleer=ja&taal=en"),
            "The log has been checked: the whole chain is intact.")
    english(client.get("/beheer/regeling?taal=en"), "This procedure is in force.", "Feedback term",
            "Retention period after closing", "Municipality")
    english(client.get("/vp/beheer/tweede-factor?taal=en"), "Clear a colleague's second factor", "Colleague")
    own = browser.submit("/vp/beheer/tweede-factor?taal=en", {"email": ADMIN},
                         form_page="/vp/beheer/tweede-factor?taal=en")
    english(own, "Another administrator resets your own second factor, or you use a recovery code.",
            status=400)
    # Any member's own passphrase.
    english(client.get("/vp/wachtwoordzin?taal=en"), "Change passphrase", "New passphrase again")
    differ = browser.submit("/vp/wachtwoordzin?taal=en", {"old": PASSPHRASE, "new": "een nieuwe zin van mij",
                                                          "repeat": "een andere zin van mij"},
                            form_page="/vp/wachtwoordzin?taal=en")
    english(differ, "The two new passphrases are not the same.", status=400)
    short = browser.submit("/vp/wachtwoordzin?taal=en", {"old": PASSPHRASE, "new": "kort", "repeat": "kort"},
                           form_page="/vp/wachtwoordzin?taal=en")
    english(short, "The new passphrase has at least 12 characters.", status=400)


def test_the_recipients_page_in_english(deventer, browser, client, db):
    log_in(browser, VP)
    english(client.get("/vp/ontvangers?taal=en"), "Who can read reports and files",
            "How to compare a fingerprint", "competent authority (Mayor", "Withdraw endorsement")
    mayor = staff_id(db, MAYOR)
    # Withdraw the burgemeester's endorsement, then endorse again with a wrong fingerprint.
    assert browser.submit(f"/vp/ontvangers/{mayor}/intrekken", {}, form_page="/vp/ontvangers").status_code == 302
    wrong = browser.submit(f"/vp/ontvangers/{mayor}/erkennen?taal=en",
                           {"fingerprint": "0000 0000", "office": "burgemeester"}, form_page="/vp/ontvangers")
    english(wrong, "The fingerprint does not match this account's key.", status=400)


def test_the_bevoegd_gezags_inbox_and_dossier_in_english(deventer, browser, client, db, use_case, as_staff):
    in_behandeling(db, use_case, as_staff, deventer, who=VP)
    escalate(db, use_case, as_staff, deventer, who=VP)
    log_in(browser, MAYOR)
    inbox = english(client.get("/bg/?taal=en"), "Files for the competent authority",
                    "You only see files the confidential adviser has passed on to you.",
                    "Passed on to the competent authority", "not yet")
    ref = re.search(r'href="/bg/dossier/([0-9a-f]{32})\?taal=en"', inbox).group(1)
    dossier = f"/bg/dossier/{ref}"
    dutch(client.get(dossier), "Besluit vastleggen")
    english(client.get(f"{dossier}?taal=en"), f"File on case {deventer}", "The report (as passed on)",
            "What happened", "The confidential adviser's explanation", "Requesting the reporter's identity",
            "An order or decision of a court", "Start an investigation", "Refer elsewhere", "Record decision",
            "The reporter's identity is not in this file.")
    refused = browser.submit(f"{dossier}/besluit?taal=en", {"decision": "onderzoek", "motivation": ""},
                             form_page=f"{dossier}?taal=en")
    english(refused, "The reasons for the decision are missing.", status=400)
    no_ground = browser.submit(f"{dossier}/identiteit?taal=en", {"reason": "Een bevel."},
                               form_page=f"{dossier}?taal=en")
    english(no_ground, "Choose the legal ground on which the identity must be disclosed", status=400)
    decided = browser.submit(f"{dossier}/besluit?taal=en", {"decision": "onderzoek", "motivation": "Ernstig."},
                             form_page=f"{dossier}?taal=en")
    assert decided.status_code == 302
    english(client.get(f"{dossier}?taal=en"), "Decision", "Start an investigation", "Ernstig.")
    english(client.get("/bg/?taal=en"), "Decision taken", "taken ")


def test_the_register_pages_in_english(deventer, browser, client, clock):
    log_in(browser, VP)
    year = clock.today().year
    english(client.get("/jaarverslag/?taal=en"), "Annual report on whistleblowing reports",
            "Figures only, never the content of a report.", "Download the register of reports (CSV)")
    page = english(client.get(f"/jaarverslag/{year}?taal=en"), f"Reports in {year}: < 5",
                   "Receipt acknowledged within 7 days", "Kind of report", "Not yet assessed", "Channel",
                   "Web (without JavaScript)", "Named or anonymous", "Outcome", "Still open",
                   "Counts under 5 are shown as \"< 5\"")
    assert 'aria-label="Kind of report"' in page  # the chart's title too
    dutch(client.get(f"/jaarverslag/{year}"), f"Meldingen in {year}: < 5", "Soort melding")


def test_the_summary_in_dutch_is_the_pdfs(app, world, clock):
    """The register page writes its summary itself, to translate it; in Dutch it says what the
    PDF says (whistle.services.register.pdf.summary_lines)."""
    from whistle.domain.indicators import annual_figures
    from whistle.domain.register import Fact
    from whistle.services.register.pdf import summary_lines
    from whistle.web.register import summary
    facts = [Fact(year=2026, kind="ongewenst_gedrag", channel="web_js", named=True, outcome=None, route="intern",
                  ack_days=3, feedback_days=30, feedback_in_time=True, extended=False, count=7),
             Fact(year=2025, kind=None, channel="mondeling", named=False, outcome=None, route="intern",
                  ack_days=9, feedback_days=None, feedback_in_time=None, extended=False, count=2)]
    this, last = annual_figures(facts, 2026), annual_figures(facts, 2025)
    with app.test_request_context("/jaarverslag/2026"):
        assert summary(this, last) == summary_lines(this, last)
    with app.test_request_context("/jaarverslag/2026?taal=en"):
        english_lines = summary(this, last)
    assert english_lines[0] == "Reports in 2026: 7 (in 2025: < 5)" and "median 3 days" in english_lines[1]


def test_the_services_texts_these_pages_show_are_listed():
    """Every audit label, role, refusal and register label this room's pages show is in the
    staff's or the melder's list, so the `translated` filter finds it in the catalogue."""
    from whistle.domain import disclosure as rules
    from whistle.domain.audit_labels import ACTOR_LABELS, EVENT_LABELS, event_description
    from whistle.domain.complaint import ComplaintOutcome
    from whistle.domain.disclosure import DisclosureRefused, DisclosureState, LegalGround
    from whistle.domain.indicators import annual_figures
    from whistle.domain.lifecycle import Decision, Event
    from whistle.domain.offices import OFFICE_LABELS
    from whistle.domain.report import IDENTITY_FIELDS, REPORT_FIELDS
    from whistle.domain.roles import STAFF_ROLE_LABELS
    from whistle.services.dossiers import DECISION_LABELS
    from whistle.services.errors import InvalidInput
    from whistle.services.input import bounded_text, member
    from whistle.services.staff import accounts
    from whistle.services.staff.deletion import _HOLDS
    from whistle.web.filters import ORGANISATION_KINDS
    known = KNOWN | MELDER_KNOWN
    texts = (set(EVENT_LABELS.values()) | set(ACTOR_LABELS.values()) | set(STAFF_ROLE_LABELS.values())
             | set(OFFICE_LABELS.values()) | set(ORGANISATION_KINDS.values()) | set(DECISION_LABELS.values())
             | {s.label for s in DisclosureState} | {g.label for g in LegalGround}
             | {o.label for o in ComplaintOutcome} | {f.label for f in REPORT_FIELDS + IDENTITY_FIELDS}
             | {accounts.EXPIRED, accounts.FIRST_USED, "medewerker (account bestaat niet meer)",
                f"De nieuwe wachtwoordzin heeft minstens {accounts.MIN_PASSPHRASE} tekens."})
    steps = {event_description(f"case_{e.value}") for e in Event}
    texts |= {s.removeprefix("Stap: ") for s in steps} | {event_description("something_else")}
    figures = annual_figures([], 2026, [("Fraude", "fraude")], [("Hengelo", "hengelo")])
    texts |= {b.title for b in figures.breakdowns} | {label for b in figures.breakdowns for label, _c in b.rows
                                                      if label not in ("Fraude", "Hengelo")}
    from whistle.domain.register import Fact
    few = annual_figures([Fact(year=2026, kind=None, channel="web_js", named=False, outcome=None, route="intern",
                               ack_days=3, feedback_days=None, feedback_in_time=None, extended=False, count=2)],
                         2026)
    texts |= {few.acknowledged.median_days, few.acknowledged.share}
    refusals = []
    for attempt in (lambda: member(None, "decision", Decision, "besluit"),
                    lambda: member(None, "outcome", ComplaintOutcome, "besluit op de klacht"),
                    lambda: bounded_text("", "motivation", limit=10, what="De motivering van het besluit"),
                    lambda: bounded_text("", "motivation", limit=10, what="De motivering van het besluit op de klacht")):
        with pytest.raises(InvalidInput) as exc:
            attempt()
        refusals.append(exc.value.message)
    for attempt in (lambda: rules.check_reason(""), lambda: rules.check_ground("geen")):
        with pytest.raises(DisclosureRefused) as exc:
            attempt()
        refusals.append(exc.value.message)
    texts |= set(refusals)
    assert texts - known == set()
    assert {text for _model, _column, text in _HOLDS} <= known  # worded with the count (%(n)s)
