"""Issue 15: from which moment a regeling's feedback term runs (Deventer), a category's own
term (Senzer) and the benadeling follow-up moments."""
from __future__ import annotations

import copy
from datetime import date

import pytest

from whistle.domain.deadlines import FeedbackTerm, TermStart, TermUnit, compute_deadlines
from whistle.domain.errors import RegelingError
from whistle.domain.regeling import (
    DEFAULT_FOLLOW_UP_MONTHS, Regeling, load_regeling, organisations_dir, parse_regeling,
)
from tests.domain.test_regeling import VALID

SIX_WEEKS = FeedbackTerm(6, TermUnit.WEEKS)


def with_(**top) -> dict:
    data = copy.deepcopy(VALID)
    data.update(top)
    return data


def test_deventer_counts_its_six_weeks_from_the_melding():
    regeling = load_regeling(organisations_dir() / "deventer.toml")
    assert regeling.feedback_runs_from is TermStart.MELDING
    d = compute_deadlines(regeling.feedback_term, date(2026, 12, 1), runs_from=regeling.feedback_runs_from)
    assert d.feedback == date(2027, 1, 12)  # the example: not 19-01-2027
    # The statutory maximum still runs from the acknowledgement window.
    assert d.feedback_maximum == date(2027, 3, 8)


def test_the_default_runs_from_the_acknowledgement():
    d = compute_deadlines(SIX_WEEKS, date(2026, 12, 1))
    assert d.feedback == date(2027, 1, 19)
    assert parse_regeling(VALID, "x").feedback_runs_from is TermStart.ACKNOWLEDGEMENT


def test_a_term_from_the_melding_stays_within_the_statutory_maximum():
    # 12 weeks from a melding acknowledged the same day: within three months of the acknowledgement.
    d = compute_deadlines(FeedbackTerm(12, TermUnit.WEEKS), date(2026, 12, 1), date(2026, 12, 1),
                          runs_from=TermStart.MELDING)
    assert d.feedback <= d.feedback_maximum and not d.clamped


def test_an_unknown_runs_from_is_refused_naming_the_field():
    with pytest.raises(RegelingError) as err:
        parse_regeling(with_(feedback={"term": "6 weeks", "runs_from": "ontvangst"}), "x.toml")
    assert err.value.field == "feedback.runs_from"


def test_senzer_gives_its_two_categories_a_term_for_informing_the_directie():
    regeling = load_regeling(organisations_dir() / "senzer.toml")
    for cid in ("discriminatie_racisme", "seksueel_grensoverschrijdend_gedrag"):
        c = regeling.category(cid)
        assert c.term == FeedbackTerm(2, TermUnit.WORKING_DAYS) and c.action == "De directie informeren"
    assert regeling.category("fraude_corruptie").term is None
    assert Regeling.from_dict(regeling.to_dict()) == regeling


@pytest.mark.parametrize("category, field", [
    ({"term": "2 working days"}, "categories[0].action"),
    ({"action": "De directie informeren"}, "categories[0].term"),
    ({"term": "20 weeks", "action": "x"}, "categories[0].term"),
    ({"term": "soon", "action": "x"}, "categories[0].term"),
])
def test_a_category_term_needs_its_action_and_a_sane_length(category, field):
    data = copy.deepcopy(VALID)
    data["categories"][0].update(category)
    with pytest.raises(RegelingError) as err:
        parse_regeling(data, "x.toml")
    assert err.value.field == field


def test_follow_up_moments_default_to_three_and_twelve_months_and_may_change():
    assert parse_regeling(VALID, "x").follow_up_months == DEFAULT_FOLLOW_UP_MONTHS == (3, 12)
    assert parse_regeling(with_(benadeling={"follow_up_months": [6]}), "x").follow_up_months == (6,)


@pytest.mark.parametrize("months, field", [
    ([12, 3], "benadeling.follow_up_months[1]"),
    ([0], "benadeling.follow_up_months[0]"),
    (["3"], "benadeling.follow_up_months[0]"),
    ([3, 24], "benadeling.follow_up_months[1]"),  # past the 730 days of retention
])
def test_follow_up_moments_are_ascending_whole_months_before_retention(months, field):
    with pytest.raises(RegelingError) as err:
        parse_regeling(with_(benadeling={"follow_up_months": months}), "x.toml")
    assert err.value.field == field


def test_units_a_regeling_serves_parse_and_refuse_duplicates():
    regeling = load_regeling(organisations_dir() / "samentwente.toml")
    assert regeling.unit("hengelo").label == "Gemeente Hengelo"
    assert Regeling.from_dict(regeling.to_dict()) == regeling
    assert parse_regeling(VALID, "x").units == ()
    for units, field in (([{"id": "a", "label": "A"}, {"id": "a", "label": "B"}], "units[1].id"),
                         ([{"id": "A B", "label": "A"}], "units[0].id"),
                         ([{"id": "a"}], "units[0].label")):
        with pytest.raises(RegelingError) as err:
            parse_regeling(with_(units=units), "x.toml")
        assert err.value.field == field
