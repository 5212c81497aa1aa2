"""The regelingen shipped in config/organisations."""
from __future__ import annotations

import re

import pytest

from whistle.domain.deadlines import SIX_WEEKS
from whistle.domain.regeling import Recusal, Regeling, load_regeling, shipped_regeling_paths

PATHS = shipped_regeling_paths()
BY_SLUG = {path.stem: path for path in PATHS}


def test_one_regeling_is_shipped_per_organisation_and_a_demo():
    assert set(BY_SLUG) == {"senzer", "samentwente", "samenwerking", "s-hertogenbosch", "deventer", "demo"}


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_every_shipped_regeling_loads_and_round_trips(path):
    regeling = load_regeling(path)
    assert regeling.slug == path.stem
    assert Regeling.from_dict(regeling.to_dict()) == regeling


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_no_shipped_regeling_contains_a_phone_number_or_an_email_address(path):
    # An [oral] phone or voicemail line is the one place for a number (issue 15.1): a general
    # number the organisation publishes, or the demo's fictional one (tests/domain/test_oral_channels.py).
    text = re.sub(r"(?m)^(phone|voicemail) = .*$", "", path.read_text(encoding="utf-8"))
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.-]+", text), "looks like an e-mail address"
    assert not re.search(r"(?:\+31|\b0)[\s-]?\d(?:[\s-]?\d){7,}", text), "looks like a phone number"
    assert not re.search(r"\b\d{4}\s?[A-Z]{2}\b", text), "looks like a postcode"


def load(slug: str) -> Regeling:
    return load_regeling(BY_SLUG[slug])


def test_deventer_gives_feedback_in_six_weeks_names_the_vng_committee_and_its_recusal_rules():
    deventer = load("deventer")
    assert deventer.feedback_term == SIX_WEEKS
    assert "vng_commissie" in [r.id for r in deventer.external_routes]
    assert deventer.authority.recipients == ("burgemeester", "college")
    assert set(deventer.authority.recusal) == {
        Recusal("wethouder", "college_without_concerned"), Recusal("burgemeester", "locoburgemeester")}
    assert deventer.counsellor_may_report_on_behalf
    assert len(deventer.categories) == 5


def test_the_organisations_special_rules_are_in_their_regelingen():
    assert load("samentwente").anonymous_via_counsellor
    samenwerking = load("samenwerking")
    assert samenwerking.annual_report_to == "directeur-bestuurder"
    assert Recusal("directeur-bestuurder", "raad_van_commissarissen") in samenwerking.authority.recusal
    assert "autoriteit_woningcorporaties" in [r.id for r in samenwerking.external_routes]
    hertogenbosch = load("s-hertogenbosch")
    assert hertogenbosch.name == "Gemeente 's-Hertogenbosch" and hertogenbosch.counsellor_may_report_on_behalf
    assert len(hertogenbosch.categories) == 9 and hertogenbosch.category("ondermijning")
    assert len(load("senzer").categories) == 8
    assert load("demo").name == "Gemeente Demodorp" and load("demo").feedback_term == SIX_WEEKS
