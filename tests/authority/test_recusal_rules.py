"""Who receives a dossier, from the shipped regelingen: the recipients, the recusal rules and
the betrokkenen (whistle.domain.recusal)."""
import pytest

from whistle.domain.offices import HOLDABLE_OFFICES as OFFICES
from whistle.domain.recusal import Member, entitled
from whistle.domain.regeling import load_regeling, shipped_regeling_paths

BURGEMEESTER, LOCO, W1, W2, SECRETARIS = 1, 2, 3, 4, 5
COLLEGE = [Member(BURGEMEESTER, "burgemeester"), Member(LOCO, "locoburgemeester"),
           Member(W1, "wethouder"), Member(W2, "wethouder"), Member(SECRETARIS, "gemeentesecretaris")]


def regeling(slug):
    return load_regeling(next(p for p in shipped_regeling_paths() if p.stem == slug))


def test_deventer_sends_to_the_college_and_never_to_the_gemeentesecretaris():
    result = entitled(regeling("deventer").authority, COLLEGE, concerned=[])
    assert result.recipients == (BURGEMEESTER, LOCO, W1, W2)
    assert result.rules == () and result.recused == ()


def test_deventer_about_a_wethouder_goes_to_the_college_without_that_wethouder():
    result = entitled(regeling("deventer").authority, COLLEGE, concerned=[W1])
    assert result.roles == ("college_without_concerned",)
    assert result.recipients == (BURGEMEESTER, LOCO, W2)
    assert result.recused == (W1,)


def test_deventer_about_the_burgemeester_goes_to_the_locoburgemeester_only():
    result = entitled(regeling("deventer").authority, COLLEGE, concerned=[BURGEMEESTER])
    assert result.roles == ("locoburgemeester",)
    assert result.recipients == (LOCO,)
    assert result.recused == (BURGEMEESTER,)


def test_deventer_about_the_burgemeester_and_the_loco_leaves_nobody():
    result = entitled(regeling("deventer").authority, COLLEGE, concerned=[BURGEMEESTER, LOCO])
    assert result.recipients == ()


def test_samenwerking_about_the_directeur_bestuurder_goes_to_the_raad_van_commissarissen():
    members = [Member(10, "directeur-bestuurder"), Member(11, "raad_van_commissarissen"),
               Member(12, "raad_van_commissarissen")]
    auth = regeling("samenwerking").authority
    assert entitled(auth, members, concerned=[]).recipients == (10,)
    about = entitled(auth, members, concerned=[10])
    assert about.roles == ("raad_van_commissarissen",) and about.recipients == (11, 12)


def test_a_counsellor_or_unknown_account_as_betrokkene_changes_no_rule():
    result = entitled(regeling("deventer").authority, COLLEGE, concerned=[99])
    assert result.recipients == (BURGEMEESTER, LOCO, W1, W2) and result.rules == ()


def test_a_member_without_an_office_receives_nothing():
    result = entitled(regeling("deventer").authority, COLLEGE + [Member(7, None)], concerned=[])
    assert 7 not in result.recipients


@pytest.mark.parametrize("body", ["college", "college_without_concerned", "vertrouwenspersoon"])
def test_a_body_is_not_an_office_a_person_holds(body):
    assert body not in OFFICES
    assert "burgemeester" in OFFICES and "raad_van_commissarissen" in OFFICES
