"""Issue 16.1: a regeling may word its categories in the other languages of the melder's
pages; what it leaves out stays Dutch, and a wrong table is refused when the regeling loads."""
from __future__ import annotations

import copy
import tomllib

import pytest

from whistle.domain.errors import RegelingError
from whistle.domain.regeling import Regeling, organisations_dir, parse_regeling
from whistle.domain.regeling_translations import category_text


def deventer_data() -> dict:
    with open(organisations_dir() / "deventer.toml", "rb") as f:
        return tomllib.load(f)


def test_deventer_words_its_categories_in_every_language_and_keeps_dutch():
    regeling = parse_regeling(deventer_data(), "deventer.toml")
    crime = regeling.category("ernstig_strafbaar_feit")
    assert category_text(crime, "label", "nl") == "Een ernstig strafbaar feit"
    assert category_text(crime, "label", "en") == "A serious criminal offence"
    assert category_text(crime, "note", "ar").startswith("يجب")
    rules = regeling.category("schending_regels_beleid")
    assert category_text(rules, "note", "pl") == "" and category_text(rules, "label", "tr") != rules.label
    # stored and read back (the organisation's regeling is kept as a dict) without loss
    assert Regeling.from_dict(regeling.to_dict()).category("ernstig_strafbaar_feit") == crime


def test_a_language_the_regeling_leaves_out_is_dutch():
    data = deventer_data()
    del data["categories"][1]["translations"]["pl"]
    rules = parse_regeling(data, "x.toml").category("schending_regels_beleid")
    assert category_text(rules, "label", "pl") == "Schending van regels of beleid"


@pytest.mark.parametrize("change, where", [
    (lambda c: c["translations"].update(de={"label": "Eine Straftat"}), "translations"),
    (lambda c: c["translations"]["en"].update(title="A title"), "translations.en"),
    (lambda c: c["translations"]["en"].update(action="Inform the board"), "translations.en.action"),
    (lambda c: c["translations"]["en"].update(label="  "), "translations.en.label"),
])
def test_a_wrong_translation_table_is_refused(change, where):
    data = copy.deepcopy(deventer_data())
    change(data["categories"][0])
    with pytest.raises(RegelingError) as refused:
        parse_regeling(data, "x.toml")
    assert where in str(refused.value)
