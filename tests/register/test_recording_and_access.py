"""The register records each melding's channel and named/anonymous when it arrives and its
route and outcome when the lifecycle moves it; the annual report is seen by the
vertrouwenspersoon and the holder of the regeling's annual_report_to office only, its pages run
no script and load nothing from another origin, and the PDFs hold what they should."""
from __future__ import annotations

import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from tests.authority.conftest import (  # noqa: F401  (fixtures)
    REPORT_TEXT, as_staff, cheaper_login_hash, email, escalate, in_behandeling, make_staff, melder, melding, send_melding,
    town,
)
from whistle.models import AuditEvent, Case
from whistle.reporter_client import FlaskTransport, ReporterClient
from whistle.services.counsellor import on_behalf
from whistle.services.lifecycle import transition


def case_row(db, ref: str) -> Case:
    with db() as s:
        c = s.scalar(select(Case).where(Case.ref == ref))
        s.expunge(c)
        return c


def test_channel_and_named_are_recorded_at_intake(town, browser, app, db, use_case, as_staff):
    send_melding(browser, identity=True)
    send_melding(browser, identity=False)
    api = ReporterClient(FlaskTransport(app.test_client()), "deventer")
    api.submit({"what": "Via de browser met JavaScript"})
    with db() as s:
        on_behalf.report_on_behalf(use_case(s), as_staff(s), {"what": "Mondeling verteld."}, give_code=False)
    with db() as s:
        got = sorted((c.channel, c.named) for c in s.scalars(select(Case)))
    assert got == [("namens", False), ("web_js", False), ("web_zonder_js", False), ("web_zonder_js", True)]


def test_route_and_outcome_follow_the_lifecycle(town, browser, melding, db, use_case, as_staff):
    assert (case_row(db, melding.ref).route, case_row(db, melding.ref).outcome) == ("intern", None)
    in_behandeling(db, use_case, as_staff, melding.ref)
    escalate(db, use_case, as_staff, melding.ref)
    assert case_row(db, melding.ref).route == "bevoegd_gezag"
    with db() as s:
        transition(use_case(s), melding.ref, "decide", as_staff(s, "burgemeester"),
                   decision="onderzoek", motivation="Wij laten dit onderzoeken.")
        transition(use_case(s), melding.ref, "give_feedback", as_staff(s), text="Er komt een onderzoek.")
        transition(use_case(s), melding.ref, "close", as_staff(s))
    c = case_row(db, melding.ref)
    assert (c.route, c.outcome, c.state) == ("bevoegd_gezag", "onderzoek", "afgesloten")
    code = send_melding(browser, identity=False)
    with db() as s:
        ref = s.scalars(select(Case.ref).where(Case.ref != melding.ref)).one()
        transition(use_case(s), ref, "withdraw", melder(use_case(s), code))
    assert (case_row(db, ref).outcome, case_row(db, ref).route) == ("ingetrokken", "intern")


def _page(browser, who_email: str, path: str):
    browser.login_counsellor(who_email)
    return browser.client.get(path)


def test_only_the_counsellor_and_the_annual_report_office_see_the_report(town, browser, db, app):
    send_melding(browser, org="samenwerking")
    year = browser.now().year
    for who, status in (("vp", 200), ("directeur", 200)):
        browser.client.get("/")  # fresh
        r = _page(browser, email(who, "samenwerking"), f"/jaarverslag/{year}")
        assert r.status_code == status, who
        html = r.get_data(as_text=True)
        assert f"Jaarverslag meldingen {year}: Samenwerking" in html and "Voor: Directeur-bestuurder" in html
        assert "<svg" in html and "<script" not in html and "style=" not in html
        assert f"<th>{year - 1}</th>" in html  # the comparison with the previous year
        assert not re.search(r'(?:src|href)="(?:https?:)?//', html), "nothing from another origin"
        assert "Jaarverslag</a>" in html
        pdf = browser.client.get(f"/jaarverslag/{year}.pdf")
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
        assert f"Jaarverslag meldingen {year}" in text and "Meldingen in" in text and REPORT_TEXT not in text
        browser.submit("/vp/logout", {}, form_page=f"/jaarverslag/{year}")
    make_staff(town, "samenwerking", "manager", "authority", "leidinggevende")
    for who, org in (("manager", "samenwerking"), ("burgemeester", "deventer"), ("beheer", "deventer")):
        r = _page(browser, email(who, org), f"/jaarverslag/{year}")
        assert r.status_code == 403, who
        assert browser.client.get(f"/jaarverslag/{year}.csv").status_code == 403
        assert "Jaarverslag</a>" not in browser.client.get("/vp/wachtwoordzin").get_data(as_text=True)
        browser.client.post("/vp/logout", data={"csrf_token": browser.csrf("/vp/wachtwoordzin")})
    with db() as s:
        actors = set(s.scalars(select(AuditEvent.actor).where(AuditEvent.event.like("annual_report_%"))))
    assert actors == {email("vp", "samenwerking"), email("directeur", "samenwerking")}


def test_delivering_the_report_to_the_office_is_audited(town, browser, db):
    year = browser.now().year
    browser.login_counsellor(email("vp", "samenwerking"))
    r = browser.submit(f"/jaarverslag/{year}/aanbieden", {}, form_page=f"/jaarverslag/{year}")
    assert r.status_code == 302
    with db() as s:
        ev = s.scalars(select(AuditEvent).where(AuditEvent.event == "annual_report_delivered")).one()
    assert ev.chain == "samenwerking" and f'"year":{year}' in ev.details and "directeur-bestuurder" in ev.details
    assert "(aangeboden)" in browser.client.get("/jaarverslag/").get_data(as_text=True)
    assert browser.client.post(f"/jaarverslag/{year}/aanbieden").status_code == 400  # no CSRF token


def test_case_and_dossier_pdfs_for_who_may_read_them(town, browser, melding, db, use_case, as_staff):
    in_behandeling(db, use_case, as_staff, melding.ref)
    dossier, _ = escalate(db, use_case, as_staff, melding.ref)
    browser.login_counsellor(email("vp"))
    r = browser.client.get(f"/vp/zaak/{melding.ref}/pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.data)).pages)
    assert REPORT_TEXT in text and "gemaakt door Vp (vp@deventer.example) op" in text
    csv = browser.client.get("/vp/register.csv").get_data(as_text=True)
    assert melding.ref in csv and "wethouder" not in csv.lower() and "Jannie" not in csv
    browser.client.post("/vp/logout", data={"csrf_token": browser.csrf("/vp/")})
    browser.login_counsellor(email("burgemeester"))
    r = browser.client.get(f"/bg/dossier/{dossier}/pdf")
    assert r.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.data)).pages)
    assert "De [weggelakt] gunt opdrachten aan een bekende." in text and "Burgemeester" in text
    assert browser.client.get(f"/vp/zaak/{melding.ref}/pdf").status_code == 403
    with db() as s:
        events = set(s.scalars(select(AuditEvent.event).where(AuditEvent.event.like("%_exported"))))
    assert events == {"case_exported", "dossier_exported", "register_exported"}
