"""Issue 15 (point 3): the pure rules of disclosing the melder's identity without consent, and the
regeling's reaction term ([disclosure] reaction_term)."""
from __future__ import annotations

import copy
from datetime import date, timedelta

import pytest

from whistle.domain import disclosure as rules
from whistle.domain.disclosure import (
    DEFAULT_REACTION_TERM_DAYS, Disclosure, DisclosureRefused, DisclosureState as S, LegalGround,
)
from whistle.domain.errors import RegelingError
from whistle.domain.regeling import Regeling, parse_regeling, regeling_from_default, shipped_regeling_paths, load_regeling
from tests.domain.test_regeling import VALID

DAY = date(2026, 12, 2)


def requested(by: int = 1) -> Disclosure:
    return Disclosure(S.REQUESTED, by, DAY)


def notified(on: date = DAY, term: int = 10) -> Disclosure:
    return Disclosure(S.NOTIFIED, 1, DAY, decided_by=2, notified_on=on, react_until=rules.react_until(on, term))


# --- the request ------------------------------------------------------------------------------

@pytest.mark.parametrize("ground", list(LegalGround))
def test_each_listed_legal_ground_is_accepted_and_labelled(ground):
    assert rules.check_ground(ground.value) is ground
    assert ground.label


@pytest.mark.parametrize("raw", ["", None, "nieuwsgierigheid", "RECHTERLIJK_BEVEL", 3])
def test_a_ground_not_on_the_list_is_refused(raw):
    with pytest.raises(DisclosureRefused) as exc:
        rules.check_ground(raw)
    assert exc.value.field == "ground" and "wettelijke" in exc.value.message


@pytest.mark.parametrize("raw", ["", "   ", None, 12])
def test_a_reason_must_be_written(raw):
    with pytest.raises(DisclosureRefused) as exc:
        rules.check_reason(raw)
    assert exc.value.field == "reason"


def test_a_reason_is_trimmed_and_bounded():
    assert rules.check_reason("  Vordering OM 2026/123  ") == "Vordering OM 2026/123"
    with pytest.raises(DisclosureRefused):
        rules.check_reason("x" * (rules.MAX_REASON_CHARS + 1))


def test_no_request_without_an_identity_or_beside_an_open_one():
    with pytest.raises(DisclosureRefused) as exc:
        rules.check_new_request(0, has_identity=False)
    assert exc.value.field == "identity" and "geen naam" in exc.value.message
    with pytest.raises(DisclosureRefused) as exc:
        rules.check_new_request(1, has_identity=True)
    assert exc.value.field == "state"
    rules.check_new_request(0, has_identity=True)


# --- four eyes --------------------------------------------------------------------------------

def test_the_requester_cannot_decide_their_own_request():
    with pytest.raises(DisclosureRefused) as exc:
        rules.decide(requested(by=7), 7, approve=True)
    assert "vier ogen" in exc.value.message
    with pytest.raises(DisclosureRefused):
        rules.decide(requested(by=7), 7, approve=False)


def test_a_second_counsellor_approves_or_refuses():
    assert rules.decide(requested(by=7), 8, approve=True) is S.APPROVED
    assert rules.decide(requested(by=7), 8, approve=False) is S.REFUSED


def test_a_request_of_the_bevoegd_gezag_takes_two_counsellors_to_approve():
    from whistle.domain.disclosure import Requester
    asked = Disclosure(S.REQUESTED, 50, DAY, requester_role=Requester.AUTHORITY)
    assert rules.needs_second(asked)
    assert rules.decide(asked, 7, approve=True) is S.REQUESTED  # seconded: the first of two
    seconded = Disclosure(S.REQUESTED, 50, DAY, requester_role=Requester.AUTHORITY, seconded_by=7)
    assert not rules.needs_second(seconded)
    with pytest.raises(DisclosureRefused) as exc:
        rules.decide(seconded, 7, approve=True)
    assert "vier ogen" in exc.value.message
    assert rules.decide(seconded, 8, approve=True) is S.APPROVED
    assert rules.decide(asked, 7, approve=False) is S.REFUSED  # one counsellor may refuse
    assert not rules.needs_second(requested(by=7))  # a counsellor's request is the first pair of eyes


@pytest.mark.parametrize("state", [S.APPROVED, S.REFUSED, S.NOTIFIED, S.DISCLOSED, S.WITHDRAWN])
def test_a_request_is_decided_once(state):
    with pytest.raises(DisclosureRefused) as exc:
        rules.decide(Disclosure(state, 1, DAY, decided_by=2), 3, approve=True)
    assert exc.value.field == "state"


# --- the notice and the term ------------------------------------------------------------------

def test_only_an_approved_request_is_notified():
    assert rules.notify(Disclosure(S.APPROVED, 1, DAY, decided_by=2)) is S.NOTIFIED
    for state in (S.REQUESTED, S.REFUSED, S.NOTIFIED, S.WITHDRAWN):
        with pytest.raises(DisclosureRefused):
            rules.notify(Disclosure(state, 1, DAY))


def test_the_reaction_term_runs_from_the_notice():
    assert rules.react_until(DAY, 10) == DAY + timedelta(days=10)
    d = notified(DAY, 10)
    assert rules.first_disclosure_day(d) == DAY + timedelta(days=11)


@pytest.mark.parametrize("term", [0, -1, 91, "10", 1.5, True, None])
def test_a_reaction_term_out_of_range_is_refused(term):
    with pytest.raises(DisclosureRefused):
        rules.react_until(DAY, term)


def test_disclosure_waits_for_the_end_of_the_term():
    d = notified(DAY, 10)
    for today in (DAY, DAY + timedelta(days=5), DAY + timedelta(days=10)):
        with pytest.raises(DisclosureRefused) as exc:
            rules.check_disclose(d, today)
        assert exc.value.field == "term" and "12-12-2026" in exc.value.message
    assert rules.check_disclose(d, DAY + timedelta(days=11)) is S.DISCLOSED


@pytest.mark.parametrize("state", [S.REQUESTED, S.REFUSED, S.DISCLOSED, S.WITHDRAWN])
def test_disclosure_needs_an_approved_and_notified_request(state):
    with pytest.raises(DisclosureRefused) as exc:
        rules.check_disclose(Disclosure(state, 1, DAY, decided_by=2), DAY + timedelta(days=100))
    assert exc.value.field == "state"


def test_an_approved_request_without_notice_goes_only_when_the_notice_was_withheld():
    approved = Disclosure(S.APPROVED, 1, DAY, decided_by=2)
    with pytest.raises(DisclosureRefused):
        rules.check_disclose(approved, DAY + timedelta(days=100))
    withheld = Disclosure(S.APPROVED, 1, DAY, decided_by=2, notice_withheld=True)
    assert rules.check_disclose(withheld, DAY) is S.DISCLOSED


def test_withdrawing_is_possible_until_the_identity_went():
    for state in (S.REQUESTED, S.APPROVED, S.NOTIFIED):
        assert rules.check_withdraw(Disclosure(state, 1, DAY)) is S.WITHDRAWN
    for state in (S.REFUSED, S.DISCLOSED, S.WITHDRAWN):
        with pytest.raises(DisclosureRefused):
            rules.check_withdraw(Disclosure(state, 1, DAY))


def test_the_notice_names_the_ground_the_reason_and_the_term():
    text = rules.notice_text(LegalGround.COURT_ORDER, "Beschikking rechtbank Overijssel", date(2026, 12, 12))
    assert "rechter" in text and "Beschikking rechtbank Overijssel" in text and "12-12-2026" in text
    assert "zonder uw toestemming" in text


# --- the regeling's term ----------------------------------------------------------------------

def with_(**top) -> dict:
    data = copy.deepcopy(VALID)
    data.update(top)
    return data


def test_the_reaction_term_defaults_to_ten_days_and_survives_storage():
    regeling = parse_regeling(VALID, "x")
    assert regeling.disclosure_reaction_term == DEFAULT_REACTION_TERM_DAYS == 10
    assert regeling_from_default().disclosure_reaction_term == 10
    own = parse_regeling(with_(disclosure={"reaction_term": 14}), "x")
    assert own.disclosure_reaction_term == 14
    assert Regeling.from_dict(own.to_dict()) == own


@pytest.mark.parametrize("term", [0, 91, "10 dagen", 2.5, True])
def test_a_bad_reaction_term_names_the_field(term):
    with pytest.raises(RegelingError) as exc:
        parse_regeling(with_(disclosure={"reaction_term": term}), "x.toml")
    assert exc.value.field == "disclosure.reaction_term"


def test_an_unknown_key_in_the_disclosure_table_is_refused():
    with pytest.raises(RegelingError) as exc:
        parse_regeling(with_(disclosure={"term": 10}), "x.toml")
    assert exc.value.field == "disclosure.term"


def test_every_shipped_regeling_has_a_reaction_term():
    for path in shipped_regeling_paths():
        assert rules.MIN_REACTION_TERM_DAYS <= load_regeling(path).disclosure_reaction_term <= rules.MAX_REACTION_TERM_DAYS
