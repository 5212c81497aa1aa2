"""Issue 15.1: the regeling's optional [oral] table: the vertrouwenspersoon's phone number and
hours, a voice-message line, a meeting in person on request. Checked by `whistle config check`
(which loads each file through parse_regeling)."""
from __future__ import annotations

import copy

import pytest

from whistle.domain.errors import RegelingError
from whistle.domain.oral_channels import OralChannels, dial_digits, tel_uri
from whistle.domain.regeling import Regeling, load_regeling, organisations_dir, parse_regeling
from tests.domain.test_regeling import VALID


def with_oral(oral) -> dict:
    data = copy.deepcopy(VALID)
    data["oral"] = oral
    return data


def refused(oral) -> RegelingError:
    with pytest.raises(RegelingError) as exc:
        parse_regeling(with_oral(oral), "x.toml")
    return exc.value


def test_a_full_table_is_read_and_survives_the_stored_json():
    regeling = parse_regeling(with_oral({
        "phone": "0570-693 000", "phone_hours": "ma-vr 9-17", "voicemail": "+31 570 693 001",
        "meeting": True, "meeting_how": "Op het stadskantoor."}), "x.toml")
    assert regeling.oral == OralChannels("0570-693 000", "ma-vr 9-17", "+31 570 693 001", True,
                                         "Op het stadskantoor.")
    assert Regeling.from_dict(regeling.to_dict()).oral == regeling.oral


def test_without_the_table_there_are_no_oral_channels_and_none_stored():
    regeling = parse_regeling(copy.deepcopy(VALID), "x.toml")
    assert regeling.oral is None and "oral" not in regeling.to_dict()


def test_one_channel_is_enough():
    assert parse_regeling(with_oral({"meeting": True}), "x.toml").oral == OralChannels(meeting=True)
    assert parse_regeling(with_oral({"voicemail": "14 0570"}), "x.toml").oral.voicemail == "14 0570"


@pytest.mark.parametrize("oral, field, words", [
    ({"phone": "0570-69"}, "oral.phone", "Dutch form"),
    ({"phone": "bel ons"}, "oral.phone", "Dutch form"),
    ({"voicemail": "+0 12"}, "oral.voicemail", "international"),
    ({"phone": 570693000}, "oral.phone", "must be str"),
    ({"phone": "  "}, "oral.phone", "must not be empty"),
    ({"meeting": "ja"}, "oral.meeting", "must be bool"),
    ({"phone_hours": "9-17", "meeting": True}, "oral.phone_hours", "phone is missing"),
    ({"meeting_how": "Op kantoor"}, "oral.meeting_how", "meeting is not true"),
    ({"meeting": False}, "oral", "offers no channel"),
    ({"phone": "0570-693 000", "fax": "0570-693 002"}, "oral.fax", "unknown key; allowed: meeting, meeting_how"),
    ({"phone": "0570-693 000", "phone_hours": "x" * 301}, "oral.phone_hours", "at most 300"),
    ("0570-693 000", "oral", "must be a table"),
])
def test_a_bad_table_is_refused_with_the_field_and_the_reason(oral, field, words):
    error = refused(oral)
    assert error.field == field and words in error.message, (error.field, error.message)


def test_numbers_become_tel_links():
    assert dial_digits("0570-693 000") == "0570693000"
    assert tel_uri("(0570) 69 30 00") == "tel:0570693000"
    assert tel_uri("0031 570 693 000") == tel_uri("+31 570 693 000") == "tel:+31570693000"
    assert tel_uri("14 073") == "tel:14073"
    assert dial_digits("06-1234") is None and dial_digits("0570-693 000 toets 2") is None


def test_only_the_demo_names_numbers_and_they_are_fictional():
    """No real organisation's code gives a number for its vertrouwenspersoon (docs/regelingen.md):
    their files name none; the demo's are 0570-000 xxx and marked as demo."""
    for path in sorted(organisations_dir().glob("*.toml")):
        oral = load_regeling(path).oral
        if path.stem == "demo":
            assert oral.phone.startswith("0570-000") and oral.voicemail.startswith("0570-000") and oral.meeting
            assert "DEMO" in path.read_text()
        else:
            assert oral is None or not (oral.phone or oral.voicemail), path.name
