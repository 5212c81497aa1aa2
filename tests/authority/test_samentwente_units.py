"""SamenTwente (issue 15, point 5, in part): its regeling lists the units it serves; the
vertrouwenspersoon records at triage which one a melding concerns; the dossier for the
dagelijks bestuur and the annual figures name it; the melder's identity stays with the
vertrouwenspersoon (no consent, no identity in the dossier)."""
from sqlalchemy import select

from tests.authority.conftest import (  # noqa: F401 - fixtures
    MELDER_NAME, as_staff, cheaper_login_hash, email, escalate, make_staff, send_melding,
)
from whistle.models import Case
from whistle.services.authority import decisions as authority
from whistle.services.errors import InvalidInput
from whistle.services.lifecycle import transition
from whistle.services.register.annual import annual_report


def test_the_unit_is_recorded_at_triage_and_named_in_dossier_and_figures(world, browser, db, use_case, as_staff):
    world.org("samentwente", name="SamenTwente")
    make_staff(world, "samentwente", "vp", "counsellor", None)
    make_staff(world, "samentwente", "db", "authority", "dagelijks_bestuur")
    send_melding(browser, org="samentwente")
    vp = email("vp", "samentwente")
    with db() as s:
        ref = s.scalars(select(Case.ref)).one()
        transition(use_case(s), ref, "acknowledge", as_staff(s, vp))
        s.commit()
    with db() as s:
        try:
            transition(use_case(s), ref, "triage", as_staff(s, vp), kind="vermoeden_misstand",
                       meldingswaardig=True, unit="amsterdam")
        except InvalidInput as exc:
            assert exc.field == "unit"
        else:  # pragma: no cover
            raise AssertionError("an unknown unit was accepted")
    with db() as s:
        assert s.scalar(select(Case.state)) == "ontvangst_bevestigd"
        transition(use_case(s), ref, "triage", as_staff(s, vp), kind="vermoeden_misstand", meldingswaardig=True,
                   unit="hengelo", category="fraude_corruptie")
        s.commit()
    browser.login_counsellor(vp)
    assert "Eenheid: Gemeente Hengelo" in browser.client.get(f"/vp/zaak/{ref}").get_data(as_text=True)
    dossier, recipients = escalate(db, use_case, as_staff, ref, who=vp)
    assert recipients == [email("db", "samentwente")]
    with db() as s:
        opened = authority.read(use_case(s), as_staff(s, email("db", "samentwente")), dossier)
    assert opened.entries[0] == {"type": "unit", "text": "Gemeente Hengelo"}
    assert MELDER_NAME not in repr(opened.entries)
    with db() as s:
        rep = annual_report(use_case(s), "cli", "samentwente", 2026)
    units = dict((label, str(cell)) for label, cell in rep.figures.breakdown("Eenheid").rows)
    assert units["Gemeente Hengelo"] == "< 5" and units["Gemeente Almelo"] == "0"


def test_the_inbox_filters_by_the_unit_a_melding_concerns(world, browser, db, use_case, as_staff):
    """Issue 13.1: a counsellor of a shared service (SamenTwente serves several municipalities)
    narrows the inbox to one of them; a unit the regeling does not list is refused by name."""
    world.org("samentwente", name="SamenTwente")
    make_staff(world, "samentwente", "vp", "counsellor", None)
    send_melding(browser, org="samentwente")
    send_melding(browser, org="samentwente")
    vp = email("vp", "samentwente")
    with db() as s:
        hengelo, untriaged = s.scalars(select(Case.ref).order_by(Case.id)).all()
        transition(use_case(s), hengelo, "acknowledge", as_staff(s, vp))
        transition(use_case(s), hengelo, "triage", as_staff(s, vp), kind="vermoeden_misstand",
                   meldingswaardig=True, unit="hengelo", category="fraude_corruptie")
        s.commit()
    browser.login_counsellor(vp)
    everything = browser.client.get("/vp/").get_data(as_text=True)
    assert 'id="f-unit"' in everything and "Gemeente Hengelo" in everything
    assert hengelo in everything and untriaged in everything
    narrowed = browser.client.get("/vp/?unit=hengelo").get_data(as_text=True)
    assert hengelo in narrowed and untriaged not in narrowed
    assert '<option value="hengelo" selected>' in narrowed
    almelo = browser.client.get("/vp/?unit=almelo").get_data(as_text=True)
    assert hengelo not in almelo and untriaged not in almelo
    refused = browser.client.get("/vp/?unit=amsterdam")
    assert refused.status_code == 400 and "Onbekende gemeente of afdeling" in refused.get_data(as_text=True)
