"""Samenwerking from melding to closing (issue 15, point 5): a melding about the
directeur-bestuurder goes to the raad van commissarissen, who decides; the melder reads the
terugkoppeling and sees the Autoriteit woningcorporaties route with every art. 2c authority;
the counsellor records category and risk at triage; the year's report, which then counts the
category, is delivered to the directeur-bestuurder, who alone of the bevoegd gezag sees it."""
from sqlalchemy import select

from tests.authority.conftest import (  # noqa: F401 - fixtures
    as_staff, cheaper_login_hash, email, escalate, make_staff, send_melding, staff_id, town,
)
from whistle.models import Case
from whistle.services.authority import decisions as authority
from whistle.services.counsellor import betrokkenen as concerned
from whistle.services.lifecycle import transition
from whistle.services.register.annual import annual_report

RISK = {"risk_identity_known": "nee", "risk_traceable": "ja", "risk_dependent": "ja", "risk_signals": "nee",
        "risk_level": "midden"}


def test_samenwerking_walks_its_own_rules_from_melding_to_closing(town, world, browser, db, use_case, as_staff):
    make_staff(world, "samenwerking", "commissaris", "authority", "raad_van_commissarissen")
    code = send_melding(browser, org="samenwerking", identity=False, what="Over de directeur-bestuurder.")
    vp, directeur, rvc = (email(n, "samenwerking") for n in ("vp", "directeur", "commissaris"))
    with db() as s:
        ref = s.scalar(select(Case.ref))
        transition(use_case(s), ref, "acknowledge", as_staff(s, vp))
        transition(use_case(s), ref, "triage", as_staff(s, vp), kind="integriteitsschending", meldingswaardig=True,
                   category="discriminatie", **RISK)
        concerned.mark(use_case(s), as_staff(s, vp), ref, [staff_id(db, directeur)])
        s.commit()
    dossier, recipients = escalate(db, use_case, as_staff, ref, who=vp)
    assert recipients == [rvc]  # about the directeur-bestuurder: the raad van commissarissen
    with db() as s:
        assert authority.inbox(s, as_staff(s, directeur)) == []
        authority.decide(use_case(s), as_staff(s, rvc), dossier,
                         {"decision": "onderzoek", "motivation": "Wij laten dit extern onderzoeken."})
        transition(use_case(s), ref, "give_feedback", as_staff(s, vp), text="De raad van commissarissen onderzoekt.")
        s.commit()

    browser.melder_login("samenwerking", code)
    page = browser.client.get("/melder/zaak").get_data(as_text=True)
    assert "De raad van commissarissen onderzoekt." in page
    assert "Autoriteit woningcorporaties" in page and "Autoriteit Persoonsgegevens" in page
    assert 'id="routes-guide"' in page

    with db() as s:
        transition(use_case(s), ref, "close", as_staff(s, vp))
        s.commit()
        assert s.scalar(select(Case.state)) == "afgesloten"
        year = s.scalar(select(Case.received_on)).year
        rep = annual_report(use_case(s), "cli", "samenwerking", year)
    assert rep.report_to == "Directeur-bestuurder"
    assert dict(rep.figures.breakdown("Onderwerp (regeling)").rows)["Discriminatie"].__str__() == "< 5"

    browser.login_counsellor(vp)
    delivered = browser.submit(f"/jaarverslag/{year}/aanbieden", {}, form_page=f"/jaarverslag/{year}")
    assert delivered.status_code in (200, 302), delivered.get_data(as_text=True)
    browser.client.get("/")
    browser.login_counsellor(directeur)
    assert browser.client.get(f"/jaarverslag/{year}").status_code == 200
    browser.login_counsellor(rvc)
    assert browser.client.get(f"/jaarverslag/{year}").status_code in (403, 404)
