"""Regelingen: validation names the file and the field of the first problem."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

from whistle.domain.deadlines import SIX_WEEKS, FeedbackTerm, TermUnit
from whistle.domain.errors import DomainError, RegelingError
from whistle.domain.lifecycle import MeldingKind
from whistle.domain.regeling import (
    Recusal, Regeling, load_regeling, organisations_dir, parse_regeling, regeling_from_default,
)

VALID = {
    "slug": "proefdorp",
    "name": "Gemeente Proefdorp",
    "kind": "gemeente",
    "feedback": {"term": "6 weeks"},
    "categories": [{"id": "fraude", "label": "Fraude", "kind": "integriteitsschending"}],
    "external_routes": ["huis_voor_klokkenluiders", {"id": "vng_commissie", "wording": "VNG-commissie"}],
    "authority": {
        "recipients": ["burgemeester", "college"],
        "recusal": [{"concerns": "burgemeester", "handled_by": "locoburgemeester"}],
    },
}


def changed(**edits) -> dict:
    data = copy.deepcopy(VALID)
    for dotted, value in edits.items():
        *parents, last = dotted.split("__")
        target = data
        for key in parents:
            target = target[key]
        if value is DELETE:
            del target[last]
        else:
            target[last] = value
    return data


DELETE = object()


def refusal(data: dict, source: str = "proefdorp.toml") -> RegelingError:
    with pytest.raises(RegelingError) as refused:
        parse_regeling(data, source)
    assert isinstance(refused.value, DomainError)
    assert source in str(refused.value) and refused.value.field in str(refused.value)
    return refused.value


def test_a_valid_regeling_parses_into_frozen_data():
    regeling = parse_regeling(VALID, "proefdorp.toml")
    assert regeling.feedback_term == SIX_WEEKS
    assert regeling.external_routes[1].wording == "VNG-commissie"
    assert regeling.authority.recusal == (Recusal("burgemeester", "locoburgemeester"),)
    assert regeling.categories[0].kind is MeldingKind.INTEGRITEITSSCHENDING
    with pytest.raises(AttributeError):
        regeling.slug = "other"  # type: ignore[misc]


def test_a_term_may_be_written_as_a_table():
    regeling = parse_regeling(changed(feedback={"term": {"amount": 30, "unit": "working_days"}}), "x.toml")
    assert regeling.feedback_term == FeedbackTerm(30, TermUnit.WORKING_DAYS)


def test_a_missing_feedback_term_is_refused_naming_file_and_field():
    error = refusal(changed(feedback={}))
    assert (error.file, error.field) == ("proefdorp.toml", "feedback.term")
    assert refusal(changed(feedback=DELETE)).field == "feedback"


def test_an_unknown_route_is_refused_naming_its_position():
    error = refusal(changed(external_routes=["huis_voor_klokkenluiders", {"id": "ombudsman"}]))
    assert error.field == "external_routes[1].id" and "ombudsman" in error.message
    assert refusal(changed(external_routes=["huis_voor_klokkenluiders", "ombudsman"])).field == "external_routes[1]"


def test_a_term_beyond_three_months_is_refused():
    error = refusal(changed(feedback={"term": "13 weeks"}))
    assert error.field == "feedback.term" and "statutory maximum" in error.message
    assert parse_regeling(changed(feedback={"term": "12 weeks"}), "x.toml").feedback_term.amount == 12
    assert refusal(changed(feedback={"term": "90 days"})).field == "feedback.term"
    assert refusal(changed(feedback={"term": {"amount": 64, "unit": "working_days"}})).field == "feedback.term"


@pytest.mark.parametrize("edits, field", [
    ({"name": 42}, "name"),
    ({"feedback__term": 6}, "feedback.term"),
    ({"feedback__term": {"amount": "6", "unit": "weeks"}}, "feedback.term.amount"),
    ({"feedback__term": {"amount": True, "unit": "weeks"}}, "feedback.term.amount"),
    ({"authority__recipients": "burgemeester"}, "authority.recipients"),
    ({"retention": {"closed_case_days": "a year"}}, "retention.closed_case_days"),
    ({"counsellor": {"may_report_on_behalf": "yes"}}, "counsellor.may_report_on_behalf"),
])
def test_a_wrong_type_is_refused_naming_the_field(edits, field):
    assert refusal(changed(**edits)).field == field


@pytest.mark.parametrize("edits, field", [
    ({"slug": DELETE}, "slug"),
    ({"colour": "blue"}, "colour"),
    ({"feedback__term_weeks": 6}, "feedback.term_weeks"),
    ({"kind": "waterschap"}, "kind"),
    ({"slug": "Proef Dorp"}, "slug"),
    ({"feedback__term": "six weeks"}, "feedback.term"),
    ({"feedback__term": {"amount": 6, "unit": "months"}}, "feedback.term.unit"),
    ({"categories": []}, "categories"),
    ({"categories": [{"id": "fraude", "label": "Fraude", "kind": "roddel"}]}, "categories[0].kind"),
    ({"categories": [{"id": "x", "label": "X", "kind": "ongewenst_gedrag"},
                     {"id": "x", "label": "Y", "kind": "ongewenst_gedrag"}]}, "categories[1].id"),
    ({"categories": [{"id": "x", "label": "", "kind": "ongewenst_gedrag"}]}, "categories[0].label"),
    ({"external_routes": ["autoriteit_woningcorporaties"]}, "external_routes[0]"),
    ({"external_routes": ["politie", "politie"]}, "external_routes[1]"),
    ({"authority__recipients": ["burgemeester", "Wethouder Jansen"]}, "authority.recipients[1]"),
    ({"authority__recipients": []}, "authority.recipients"),
    ({"authority__recusal": [{"concerns": "wethouder", "handled_by": "de_rest"}]}, "authority.recusal[0].handled_by"),
    ({"counsellor": {"annual_report_to": "ceo"}}, "counsellor.annual_report_to"),
])
def test_other_mistakes_are_refused_naming_the_field(edits, field):
    assert refusal(changed(**edits)).field == field


def test_load_regeling_names_the_file_and_checks_the_slug_against_the_file_name(tmp_path: Path):
    broken = tmp_path / "proefdorp.toml"
    broken.write_text('slug = "proefdorp"\nname = "Gemeente Proefdorp"\nkind = "gemeente"\n[feedback]\n', encoding="utf-8")
    with pytest.raises(RegelingError) as refused:
        load_regeling(broken)
    assert refused.value.file == str(broken) and refused.value.field == "feedback.term"
    assert str(broken) in str(refused.value) and "feedback.term" in str(refused.value)

    misnamed = tmp_path / "elders.toml"
    misnamed.write_text((organisations_dir() / "demo.toml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(RegelingError, match="slug"):
        load_regeling(misnamed)

    garbled = tmp_path / "garbled.toml"
    garbled.write_text("slug = ", encoding="utf-8")
    with pytest.raises(RegelingError, match="not valid TOML"):
        load_regeling(garbled)


def test_a_regeling_round_trips_through_its_stored_dict():
    regeling = parse_regeling(VALID, "proefdorp.toml")
    assert Regeling.from_dict(regeling.to_dict()) == regeling
    default = regeling_from_default()
    assert Regeling.from_dict(default.to_dict()) == default


def test_the_statutory_default_is_six_weeks_with_the_generic_routes():
    default = regeling_from_default()
    assert default.feedback_term == SIX_WEEKS
    assert [r.id for r in default.external_routes][-1] == "huis_voor_klokkenluiders"
    assert {c.kind for c in default.categories} == set(MeldingKind)
