"""SamenTwente (issue 15, point 5): the melder may say which of the regeling's units
(municipalities, departments) the melding concerns. The choice is a member of the sealed report
(`unit`), refused by name when the regeling does not list it, shown to the counsellor by its
label and pre-selected at triage; a regeling without units asks nothing."""
import re

from sqlalchemy import func, select

from tests.authority.conftest import (  # noqa: F401 - fixtures
    as_staff, cheaper_login_hash, email, make_staff,
)
from tests.conftest import code_from_receipt
from whistle.models import Case, Record
from whistle.reporter_client import FlaskTransport, ReporterClient
from whistle.services.lifecycle import transition

QUESTION = "Over welke gemeente of afdeling gaat uw melding? (mag leeg blijven)"


def samentwente(world):
    world.org("samentwente", name="SamenTwente")
    make_staff(world, "samentwente", "vp", "counsellor", None)
    return email("vp", "samentwente")


def acknowledged(db, use_case, as_staff, vp) -> str:
    with db() as s:
        ref = s.scalars(select(Case.ref)).one()
        transition(use_case(s), ref, "acknowledge", as_staff(s, vp))
        s.commit()
    return ref


def test_the_form_asks_for_the_unit_and_the_counsellor_sees_it_and_triage_pre_selects_it(
        world, browser, db, use_case, as_staff):
    vp = samentwente(world)
    form = browser.client.get("/o/samentwente/melden").get_data(as_text=True)
    assert QUESTION in form and '<select id="unit" name="unit">' in form
    assert '<option value="enschede" >Gemeente Enschede</option>' in form
    page = browser.submit("/o/samentwente/melden", {"what": "Fraude bij de inkoop", "unit": "enschede"})
    assert page.status_code == 200, page.get_data(as_text=True)
    code_from_receipt(page.get_data(as_text=True))
    with db() as s:  # sealed with the rest of the report: nowhere in the clear
        assert all(b"enschede" not in r.ciphertext for r in s.scalars(select(Record)))
        assert s.scalar(select(Case.unit)) is None  # the counsellor records the unit, not the melder
    ref = acknowledged(db, use_case, as_staff, vp)
    browser.login_counsellor(vp)
    case_page = browser.client.get(f"/vp/zaak/{ref}").get_data(as_text=True)
    assert "<dt>Gemeente of afdeling volgens de melder</dt><dd class=\"record\">Gemeente Enschede</dd>" in case_page
    assert '<option value="enschede" selected>Gemeente Enschede</option>' in case_page
    assert "(de melder noemde: Gemeente Enschede)" in case_page
    assert len(re.findall(r'<option value="\w+" selected>Gemeente', case_page)) == 1


def test_an_unknown_unit_is_refused_by_name_and_nothing_is_stored(world, browser, db):
    samentwente(world)
    page = browser.submit("/o/samentwente/melden", {"what": "Fraude bij de inkoop", "unit": "amsterdam"})
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "Onbekende gemeente of afdeling: kies er een uit de lijst." in text
    assert "Fraude bij de inkoop" in text  # the melder's text stays on the form
    with db() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 0


def test_a_regeling_without_units_asks_nothing_and_refuses_a_unit(world, browser, db, client):
    world.org()
    world.staff(email="vp@deventer.example")
    form = browser.client.get("/o/deventer/melden").get_data(as_text=True)
    assert QUESTION not in form and 'name="unit"' not in form
    assert client.get("/api/v1/orgs/deventer/intake").get_json()["units"] == []
    page = browser.submit("/o/deventer/melden", {"what": "Fraude", "unit": "enschede"})
    assert page.status_code == 400 and "Onbekende gemeente of afdeling" in page.get_data(as_text=True)
    with db() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 0


def test_the_reference_client_sends_the_unit_sealed_and_refuses_an_unknown_one(
        world, browser, db, use_case, as_staff):
    vp = samentwente(world)
    melder = ReporterClient(FlaskTransport(browser.client), "samentwente")
    intake = melder.fetch_intake()
    assert {"id": "hengelo", "label": "Gemeente Hengelo"} in intake["units"]
    unit_field = [f for f in intake["report_fields"] if f["name"] == "unit"][0]
    assert unit_field["input"] == "unit" and not unit_field["required"]
    assert unit_field["if_unknown"] == "Onbekende gemeente of afdeling: kies er een uit de lijst."
    try:
        melder.submit({"what": "Via de API", "unit": "amsterdam"})
    except ValueError as exc:
        assert "Onbekende gemeente of afdeling" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("an unknown unit was sent")
    with db() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 0
    melder.submit({"what": "Via de API", "unit": "hengelo"})
    ref = acknowledged(db, use_case, as_staff, vp)
    browser.login_counsellor(vp)
    case_page = browser.client.get(f"/vp/zaak/{ref}").get_data(as_text=True)
    assert "Gemeente Hengelo</dd>" in case_page
    assert '<option value="hengelo" selected>Gemeente Hengelo</option>' in case_page


def test_the_melders_own_copy_names_the_unit_and_category_by_label(world, browser):
    """The copy a melder downloads (issue 12.7) reads as the form did: the labels of what they
    chose, never the regeling's ids."""
    samentwente(world)
    page = browser.submit("/o/samentwente/melden", {"what": "Fraude bij de inkoop", "unit": "enschede",
                                                    "category": "fraude_corruptie"})
    code = code_from_receipt(page.get_data(as_text=True))
    assert browser.melder_login("samentwente", code).status_code == 302
    copy = browser.client.get("/melder/kopie").get_data(as_text=True)
    assert "Gemeente Enschede" in copy and ">enschede<" not in copy
    assert "fraude_corruptie" not in copy
