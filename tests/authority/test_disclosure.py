"""Issue 15 (point 3): disclosure of the melder's identity without consent, through the services
and the pages: the bevoegd gezag (or a counsellor) asks, a second counsellor decides (never the
one who asked), a refusal keeps its reason, the melder is told in their case with the reasons and
a term, the identity goes only after the term and only to who asked. Real database, real crypto;
on PostgreSQL too with WHISTLE_TEST_DATABASE_URL (the constraints)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError

from tests.authority.conftest import MELDER_NAME, escalate, in_behandeling, melder, send_melding, staff_id
from tests.lifecycle.conftest import mail_settings, smtp  # noqa: F401  (fixtures)
from whistle.models import AuditEvent, Case, Disclosure, Dossier, Record
from whistle.services import disclosure
from whistle.services.authority import decisions as authority
from whistle.services.errors import InvalidInput, NotFound
from whistle.services.melder import case as reporter

REASON = "Vordering van de officier van justitie d.d. 1 december 2026 in strafzaak 2026/4711 (art. 126nd Sv)."
REFUSAL = "De vordering noemt geen wettelijke grond die de identiteit van deze melder vereist."
LINK = re.compile(r'href="/bg/dossier/([0-9a-f]{32})"')


@pytest.fixture
def sent(melding, db, use_case, as_staff):
    in_behandeling(db, use_case, as_staff, melding.ref)
    ref, _ = escalate(db, use_case, as_staff, melding.ref)
    return ref


def ask(db, use_case, as_staff, dossier_ref, who="burgemeester", **form):
    with db() as s:
        row = disclosure.request_by_authority(use_case(s), as_staff(s, who), dossier_ref,
                                              {"ground": "strafrechtelijk_onderzoek", "reason": REASON} | form)
        return row.id


def decide(db, use_case, as_staff, ref, disclosure_id, who="vp2", **form):
    with db() as s:
        disclosure.decide(use_case(s), as_staff(s, who), ref, disclosure_id, {"decision": "toestaan"} | form)


def approve(db, use_case, as_staff, ref, disclosure_id, **form):
    """Both counsellors approve a request of the bevoegd gezag: vp seconds, vp2 decides."""
    decide(db, use_case, as_staff, ref, disclosure_id, who="vp")
    assert row(db).state == "requested" and row(db).seconded_by_id == staff_id(db, "vp")
    decide(db, use_case, as_staff, ref, disclosure_id, who="vp2", **form)


def row(db) -> Disclosure:
    with db() as s:
        r = s.scalars(select(Disclosure).order_by(Disclosure.id.desc())).first()
        s.expunge(r)
        return r


def events(db) -> list[tuple[str, str]]:
    with db() as s:
        return [(e.event, e.details) for e in s.scalars(select(AuditEvent).where(AuditEvent.event.like("%disclos%")
                                                                                 ).order_by(AuditEvent.id))]


def melder_messages(db, use_case, code) -> list[str]:
    with db() as s:
        ctx = melder(use_case(s), code)
        return [r.body.get("text", "") for r in reporter.open_records(s, ctx) if r.kind == "message"]


# --- the services -----------------------------------------------------------------------------

def test_request_approve_notify_wait_disclose_to_the_requester_only(melding, sent, db, use_case, as_staff, clock):
    first_day = clock.today()
    d = ask(db, use_case, as_staff, sent)
    r = row(db)
    assert (r.state, r.requester_role, r.requested_on) == ("requested", "authority", first_day)
    assert REASON.encode() not in r.reason and b"4711" not in r.reason  # sealed, nothing readable at rest
    assert not any("4711" in details for _, details in events(db))

    decide(db, use_case, as_staff, melding.ref, d, who="vp")
    with db() as s:  # the one who seconded cannot also decide: two distinct counsellors
        with pytest.raises(InvalidInput) as exc:
            disclosure.decide(use_case(s), as_staff(s, "vp"), melding.ref, d, {"decision": "toestaan"})
    assert "vier ogen" in exc.value.message and row(db).state == "requested"
    assert not [t for t in melder_messages(db, use_case, melding.code) if "identiteit" in t]
    decide(db, use_case, as_staff, melding.ref, d, who="vp2")
    r = row(db)
    assert r.state == "notified" and r.notified_on == first_day
    assert r.react_until == first_day + timedelta(days=10)  # the regeling's default term
    notice = [t for t in melder_messages(db, use_case, melding.code) if "identiteit" in t]
    assert len(notice) == 1 and REASON in notice[0] and f"{r.react_until:%d-%m-%Y}" in notice[0]
    assert "strafrechtelijk onderzoek" in notice[0]

    # Not before the end of the term: nothing changes.
    clock.advance(days=10)
    with db() as s:
        with pytest.raises(InvalidInput) as exc:
            disclosure.disclose(use_case(s), as_staff(s, "vp2"), melding.ref, d)
    assert exc.value.field == "term" and "tot en met" in exc.value.message
    assert row(db).state == "notified"
    with db() as s:
        assert s.scalar(select(Dossier.id).order_by(Dossier.id.desc())) is not None
        assert len(s.scalars(select(Dossier)).all()) == 1

    clock.advance(days=1)
    with db() as s:
        new, recipients = disclosure.disclose(use_case(s), as_staff(s, "vp2"), melding.ref, d)
        new_ref = new.locator.hex()
        assert [m.email for m in recipients] == ["burgemeester@deventer.example"]
    r = row(db)
    assert r.state == "disclosed" and r.disclosed_on == clock.today()
    with db() as s:
        opened = authority.read(use_case(s), as_staff(s, "burgemeester"), new_ref)
        identity = next(e for e in opened.entries if e["type"] == "identity")
        assert identity["name"] == MELDER_NAME and identity["without_consent"] is True
        # The other members who held the first dossier do not get the identity.
        with pytest.raises(NotFound):
            authority.read(use_case(s), as_staff(s, "loco"), new_ref)
    assert [e for e, _ in events(db)] == ["disclosure_requested", "disclosure_seconded", "disclosure_approved",
                                          "disclosure_notified", "identity_disclosed"]


def test_a_counsellor_cannot_decide_their_own_request(melding, sent, db, use_case, as_staff):
    with db() as s:
        d = disclosure.request_by_counsellor(use_case(s), as_staff(s, "vp"), melding.ref,
                                             {"ground": "rechterlijk_bevel", "reason": REASON}).id
    with db() as s:
        with pytest.raises(InvalidInput) as exc:
            disclosure.decide(use_case(s), as_staff(s, "vp"), melding.ref, d, {"decision": "toestaan"})
    assert "vier ogen" in exc.value.message
    assert row(db).state == "requested"
    assert not [t for t in melder_messages(db, use_case, melding.code) if "identiteit" in t]
    decide(db, use_case, as_staff, melding.ref, d, who="vp2")
    assert row(db).state == "notified" and row(db).decided_by_id == staff_id(db, "vp2")


def test_a_refusal_keeps_its_reason_and_tells_the_requester(melding, sent, db, use_case, as_staff):
    d = ask(db, use_case, as_staff, sent)
    with db() as s:
        with pytest.raises(InvalidInput) as exc:  # a refusal without a reason changes nothing
            disclosure.decide(use_case(s), as_staff(s, "vp"), melding.ref, d, {"decision": "weigeren", "reason": " "})
    assert exc.value.field == "reason" and row(db).state == "requested"
    decide(db, use_case, as_staff, melding.ref, d, who="vp", decision="weigeren", reason=REFUSAL)
    r = row(db)
    assert r.state == "refused" and REFUSAL.encode() not in r.decision
    with db() as s:
        views = disclosure.dossier_views(use_case(s), as_staff(s, "burgemeester"), sent)
    assert views[0].decision["reason"] == REFUSAL and views[0].request["reason"] == REASON
    assert [e for e, _ in events(db)][-1] == "disclosure_refused"
    assert not [t for t in melder_messages(db, use_case, melding.code) if "identiteit" in t]
    with db() as s:  # refused is final: nothing can be disclosed
        with pytest.raises(InvalidInput):
            disclosure.disclose(use_case(s), as_staff(s, "vp"), melding.ref, d)


@pytest.mark.parametrize("form, field", [
    ({"ground": "nieuwsgierigheid", "reason": REASON}, "ground"),
    ({"ground": "rechterlijk_bevel", "reason": ""}, "reason"),
    ({"reason": REASON}, "ground"),
])
def test_a_request_needs_a_listed_ground_and_a_reason(melding, sent, db, use_case, as_staff, form, field):
    with db() as s:
        with pytest.raises(InvalidInput) as exc:
            disclosure.request_by_authority(use_case(s), as_staff(s, "burgemeester"), sent, form)
    assert exc.value.field == field
    with db() as s:
        assert s.scalar(select(Disclosure.id)) is None


def test_one_open_request_at_a_time_and_withdrawing(melding, sent, db, use_case, as_staff):
    d = ask(db, use_case, as_staff, sent)
    with db() as s:
        with pytest.raises(InvalidInput) as exc:
            disclosure.request_by_authority(use_case(s), as_staff(s, "loco"), sent,
                                            {"ground": "rechterlijk_bevel", "reason": REASON})
    assert exc.value.field == "state"
    with db() as s:  # another member cannot withdraw the burgemeester's request
        with pytest.raises(NotFound):
            disclosure.withdraw_by_authority(use_case(s), as_staff(s, "loco"), sent, d)
        disclosure.withdraw_by_authority(use_case(s), as_staff(s, "burgemeester"), sent, d)
    assert row(db).state == "withdrawn"
    ask(db, use_case, as_staff, sent, who="loco")  # a new request may follow


def test_a_melder_who_gave_no_identity_gives_a_clear_error(town, browser, db, use_case, as_staff):
    send_melding(browser, identity=False)
    with db() as s:
        ref = s.scalar(select(Case.ref))
    in_behandeling(db, use_case, as_staff, ref)
    dossier_ref, _ = escalate(db, use_case, as_staff, ref)
    with db() as s:
        with pytest.raises(InvalidInput) as exc:
            disclosure.request_by_authority(use_case(s), as_staff(s, "burgemeester"), dossier_ref,
                                            {"ground": "rechterlijk_bevel", "reason": REASON})
    assert exc.value.field == "identity" and "geen naam of contactgegevens" in exc.value.message
    with db() as s:
        assert s.scalar(select(Disclosure.id)) is None


def test_a_counsellor_request_needs_a_dossier(melding, db, use_case, as_staff):
    in_behandeling(db, use_case, as_staff, melding.ref)
    with db() as s:
        with pytest.raises(InvalidInput) as exc:
            disclosure.request_by_counsellor(use_case(s), as_staff(s, "vp"), melding.ref,
                                             {"ground": "rechterlijk_bevel", "reason": REASON})
    assert exc.value.field == "dossier"


def test_a_withheld_notice_needs_a_reason_and_skips_the_term(melding, sent, db, use_case, as_staff):
    d = ask(db, use_case, as_staff, sent)
    decide(db, use_case, as_staff, melding.ref, d, who="vp")
    with db() as s:
        with pytest.raises(InvalidInput):
            disclosure.decide(use_case(s), as_staff(s, "vp2"), melding.ref, d,
                              {"decision": "toestaan", "withhold_notice": "ja", "reason": ""})
    decide(db, use_case, as_staff, melding.ref, d, who="vp2", withhold_notice="ja",
           reason="Het lopende onderzoek naar bewijsvernietiging zou worden geschaad.")
    r = row(db)
    assert r.state == "approved" and r.notice_withheld and r.notified_on is None
    assert not [t for t in melder_messages(db, use_case, melding.code) if "identiteit" in t]
    with db() as s:
        disclosure.disclose(use_case(s), as_staff(s, "vp2"), melding.ref, d)
    assert row(db).state == "disclosed"


# --- the database's own guard (SQLite and PostgreSQL) ------------------------------------------

def test_the_database_refuses_what_the_rules_refuse(melding, sent, db, use_case, as_staff, engine):
    d = ask(db, use_case, as_staff, sent)
    vp = staff_id(db, "vp")
    bad = [
        {"decided_by_id": staff_id(db, "burgemeester"), "decided_on": row(db).requested_on,
         "decision": b"x", "state": "approved"},                        # four eyes: decided by the requester
        {"state": "approved"},                                            # approved without a decision
        {"state": "disclosed"},                                           # disclosed without a date
        {"state": "invented"},
        {"ground": "curiosity"},
        {"state": "notified", "decided_by_id": vp, "decided_on": row(db).requested_on, "decision": b"x"},
        {"seconded_by_id": staff_id(db, "burgemeester")},                 # seconded by the requester
        {"state": "approved", "notice_withheld": True, "decided_by_id": vp,   # one counsellor approved a
         "decided_on": row(db).requested_on, "decision": b"x"},               #  request of the bevoegd gezag
        {"state": "approved", "notice_withheld": True, "decided_by_id": vp, "seconded_by_id": vp,
         "decided_on": row(db).requested_on, "decision": b"x"},             # the same counsellor twice
    ]
    for values in bad:
        with pytest.raises(IntegrityError):
            with engine.begin() as conn:
                conn.execute(update(Disclosure).where(Disclosure.id == d).values(**values))
    approve(db, use_case, as_staff, melding.ref, d)
    r = row(db)
    with pytest.raises(IntegrityError):  # disclosed within the melder's term
        with engine.begin() as conn:
            conn.execute(update(Disclosure).where(Disclosure.id == d).values(
                state="disclosed", disclosed_on=r.react_until))
    with pytest.raises(IntegrityError):  # a second open request for the same case
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO disclosures (case_id, dossier_id, state, ground, requester_role, "
                              "requested_by_id, requested_on, reason, notice_withheld) SELECT case_id, dossier_id, "
                              "'requested', ground, requester_role, requested_by_id, requested_on, reason, :f "
                              "FROM disclosures"), {"f": False})
    assert row(db).state == "notified"


# --- the pages --------------------------------------------------------------------------------

def page(r) -> str:
    return r.get_data(as_text=True)


def login(browser, client, who):
    client.delete_cookie("whistle")
    r = browser.login_counsellor(f"{who}@deventer.example")
    assert r.status_code == 302, page(r)


def test_disclosure_on_the_pages(melding, sent, browser, client, db, clock):
    dossier_page = f"/bg/dossier/{sent}"
    case_page = f"/vp/zaak/{melding.ref}"
    login(browser, client, "burgemeester")
    html = page(client.get(dossier_page))
    assert 'id="identity-disclosure"' in html and "Identiteit opvragen" in html
    refused = browser.submit(f"{dossier_page}/identiteit", {"ground": "x", "reason": REASON}, form_page=dossier_page)
    assert refused.status_code == 400 and "wettelijke grond" in page(refused)
    r = browser.submit(f"{dossier_page}/identiteit", {"ground": "rechterlijk_bevel", "reason": REASON},
                       form_page=dossier_page)
    assert r.status_code == 302, page(r)
    assert REASON in page(client.get(dossier_page))

    login(browser, client, "vp")
    assert "identiteit: verzoek wacht op besluit" in page(client.get("/vp/"))
    html = page(client.get(case_page))
    assert REASON in html and "Besluit vastleggen" in html
    d = row(db).id
    r = browser.submit(f"{case_page}/bekendmaking/{d}/besluit", {"decision": "toestaan"}, form_page=case_page)
    assert r.status_code == 302, page(r)
    assert "U stemde in; een tweede vertrouwenspersoon beslist." in page(client.get(case_page))
    login(browser, client, "vp2")
    r = browser.submit(f"{case_page}/bekendmaking/{d}/besluit", {"decision": "toestaan"}, form_page=case_page)
    assert r.status_code == 302, page(r)
    early = browser.submit(f"{case_page}/bekendmaking/{d}/bekendmaken", {}, form_page=case_page)
    assert early.status_code == 400 and "Er is niets bekendgemaakt" in page(early)

    client.delete_cookie("whistle")
    browser.melder_login("deventer", melding.code)
    html = page(client.get("/melder/zaak"))
    assert REASON in html and 'id="identity-disclosure"' in html
    assert f"{row(db).react_until:%d-%m-%Y}" in html

    clock.advance(days=11)
    login(browser, client, "vp2")
    assert "reactietermijn voorbij" in page(client.get("/vp/"))
    r = browser.submit(f"{case_page}/bekendmaking/{d}/bekendmaken", {}, form_page=case_page)
    assert r.status_code == 302, page(r)

    login(browser, client, "burgemeester")
    refs = LINK.findall(page(client.get("/bg/")))
    assert len(refs) == 2
    new = next(ref for ref in refs if ref != sent)
    html = page(client.get(f"/bg/dossier/{new}"))
    assert MELDER_NAME in html and "zonder toestemming" in html
    import io
    from pypdf import PdfReader
    pdf = client.get(f"/bg/dossier/{new}/pdf")
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert MELDER_NAME in pdf_text and "zonder toestemming" in pdf_text


def test_on_the_pages_the_requester_cannot_decide(melding, sent, browser, client, db):
    case_page = f"/vp/zaak/{melding.ref}"
    login(browser, client, "vp")
    r = browser.submit(f"{case_page}/bekendmaking", {"ground": "rechterlijk_bevel", "reason": REASON},
                       form_page=case_page)
    assert r.status_code == 302, page(r)
    html = page(client.get(case_page))
    assert "een andere vertrouwenspersoon beslist" in html
    d = row(db).id
    r = browser.submit(f"{case_page}/bekendmaking/{d}/besluit", {"decision": "toestaan"}, form_page=case_page)
    assert r.status_code == 400 and "vier ogen" in page(r)
    login(browser, client, "vp2")
    r = browser.submit(f"{case_page}/bekendmaking/{d}/besluit", {"decision": "weigeren", "reason": REFUSAL},
                       form_page=case_page)
    assert r.status_code == 302
    assert REFUSAL in page(client.get(case_page)) and row(db).state == "refused"


def test_deleting_the_case_deletes_its_requests(melding, sent, db, use_case, as_staff):
    """Retention deletes a case with one DELETE (whistle.services.operations.retention): the
    requests and their sealed reasons go with it (ON DELETE CASCADE)."""
    from sqlalchemy import delete, func
    ask(db, use_case, as_staff, sent)
    with db() as s:
        s.execute(delete(Case).where(Case.ref == melding.ref))
    with db() as s:
        assert s.scalar(select(func.count()).select_from(Disclosure)) == 0


def test_only_the_requester_is_mailed_the_notice_of_the_identity(melding, sent, clock, smtp, mail_settings,
                                                                  db, use_case, as_staff):
    """The disclose step through the page mails the usual dossier notice (a link, nothing of the
    content) to the member who asked, and to nobody else."""
    from tests.conftest import Browser
    from whistle.web.app import create_app
    inbox, _ = smtp
    d = ask(db, use_case, as_staff, sent)
    approve(db, use_case, as_staff, melding.ref, d)
    clock.advance(days=11)
    app = create_app(mail_settings, clock=clock)
    try:
        b = Browser(app.test_client())
        assert b.login_counsellor("vp2@deventer.example").status_code == 302
        case_page = f"/vp/zaak/{melding.ref}"
        assert b.submit(f"{case_page}/bekendmaking/{d}/bekendmaken", {}, form_page=case_page).status_code == 302
    finally:
        app.extensions["whistle_engine"].dispose()
    mailed = sorted({r for rcpts, _t in inbox.messages for r in rcpts})
    assert mailed == ["burgemeester@deventer.example"]
    text = inbox.to("burgemeester@deventer.example")[0]
    assert "/bg/" in text and MELDER_NAME not in text and melding.ref not in text
