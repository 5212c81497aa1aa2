"""Parsing people's input (whistle.services.input): what each function accepts, what it refuses
with which message and field, and its limits at the boundary."""
import base64
from datetime import date, datetime
from enum import Enum

import pytest
from werkzeug.datastructures import MultiDict

import crypto
from whistle.services import input as given
from whistle.services.errors import InvalidInput


def refused(call, *args, **kwargs) -> InvalidInput:
    with pytest.raises(InvalidInput) as exc:
        call(*args, **kwargs)
    return exc.value


# --- choices ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["ja", "JA", " Ja ", "yes", "true", "True", "1", "on", True])
def test_yes_no_reads_every_yes_word(value):
    assert given.yes_no(value, "meldingswaardig", "meldingswaardig") is True


@pytest.mark.parametrize("value", ["nee", "Nee ", "no", "false", "FALSE", "0", "off", False])
def test_yes_no_reads_every_no_word(value):
    assert given.yes_no(value, "meldingswaardig", "meldingswaardig") is False


@pytest.mark.parametrize("value", [None, "", " ", "misschien", "2", "j", 1, 0, ["ja"]])
def test_yes_no_refuses_anything_else_naming_the_field(value):
    exc = refused(given.yes_no, value, "meldingswaardig", "meldingswaardig")
    assert exc.message == "Kies ja of nee bij 'meldingswaardig'." and exc.field == "meldingswaardig"


def test_yes_no_and_a_checkbox_share_one_vocabulary():
    for word in given.YES:
        assert given.checked(word) and given.yes_no(word, "x", "x")
    for word in given.NO:
        assert not given.checked(word) and not given.yes_no(word, "x", "x")
    assert not given.YES & given.NO


@pytest.mark.parametrize("value", ["on", "ja", " JA ", "1", "true", "yes", True])
def test_a_ticked_checkbox(value):
    assert given.checked(value) is True


@pytest.mark.parametrize("value", [None, "", "nee", "off", "anything", 1, False, ["on"]])
def test_an_unticked_checkbox_is_never_an_error(value):
    assert given.checked(value) is False


class Colour(Enum):
    RED = "rood"
    GREEN = "groen"


def test_member_accepts_a_value_or_a_member():
    assert given.member("rood", "colour", Colour, "kleur") == "rood"
    assert given.member(Colour.GREEN, "colour", Colour, "kleur") == "groen"


@pytest.mark.parametrize("value", [None, "", "Rood", " rood", "blauw", 1])
def test_member_refuses_what_is_not_a_value_and_lists_the_choices(value):
    exc = refused(given.member, value, "colour", Colour, "kleur")
    assert exc.message == "Kies een geldige waarde bij 'kleur' (rood, groen)." and exc.field == "colour"


# --- text ------------------------------------------------------------------------------------

def test_text_is_stripped_and_kept_up_to_its_limit():
    assert given.bounded_text("  hallo \n", "reason", limit=5, what="De reden") == "hallo"
    assert given.bounded_text(" " + "x" * 5 + " ", "reason", limit=5, what="De reden") == "x" * 5


def test_text_one_over_its_limit_is_refused_with_the_limit_in_the_message():
    exc = refused(given.bounded_text, "x" * 6, "reason", limit=5, what="De reden")
    assert exc.message == "De reden is te lang (meer dan 5 tekens)." and exc.field == "reason"
    exc = refused(given.bounded_text, "x" * 6, "note", limit=5, what="De tekst", required=False,
                  after=" Er is niets verstuurd.")
    assert exc.message == "De tekst is te lang (meer dan 5 tekens). Er is niets verstuurd."


@pytest.mark.parametrize("value", [None, "", "   \n", 12, ["tekst"]])
def test_required_text_that_is_empty_or_not_text_is_missing(value):
    exc = refused(given.bounded_text, value, "reason", limit=5, what="De reden")
    assert exc.message == "De reden ontbreekt." and exc.field == "reason"
    exc = refused(given.bounded_text, value, "reason", limit=5, what="De reden", missing="Geef een reden.")
    assert exc.message == "Geef een reden."


@pytest.mark.parametrize("value", [None, "", "  "])
def test_optional_text_may_be_empty(value):
    assert given.bounded_text(value, "note", limit=5, what="De tekst", required=False) == ""


def test_a_message_between_melder_and_counsellor():
    limit = given.MAX_MESSAGE_CHARS
    assert limit == 20000
    assert given.message_text(" Dank u. ") == "Dank u."
    assert given.message_text("x" * limit) == "x" * limit
    exc = refused(given.message_text, "x" * (limit + 1))
    assert exc.message == "Het bericht is te lang (meer dan 20000 tekens)." and exc.field == "text"
    for empty in (None, "", " \t"):
        exc = refused(given.message_text, empty)
        assert exc.message == "Het bericht is leeg." and exc.field == "text"


# --- numbers, dates, lists -------------------------------------------------------------------

@pytest.mark.parametrize("value, number", [("12", 12), (" 7 ", 7), ("-3", -3), (4, 4)])
def test_whole_number(value, number):
    assert given.whole_number(value, "staff", "Kies uit de lijst.") == number


@pytest.mark.parametrize("value", [None, "", "twaalf", "1.5", "0x10", []])
def test_whole_number_refused_with_the_callers_message(value):
    exc = refused(given.whole_number, value, "staff", "Kies uit de lijst.")
    assert exc.message == "Kies uit de lijst." and exc.field == "staff"


def test_iso_date():
    assert given.iso_date("2025-03-01", "until", "nee") == date(2025, 3, 1)
    assert given.iso_date(" 2025-12-31\n", "until", "nee") == date(2025, 12, 31)
    assert given.iso_date(date(2025, 1, 1), "until", "nee") == date(2025, 1, 1)
    moment = datetime(2025, 1, 1, 12)
    assert given.iso_date(moment, "until", "nee") is moment


@pytest.mark.parametrize("value", [None, "", "later", "2025-02-30", "01-03-2025", "2025-3-1", 20250301])
def test_iso_date_refused_with_the_callers_message(value):
    exc = refused(given.iso_date, value, "until", "verlengen tot: geef een datum als JJJJ-MM-DD.")
    assert exc.message == "verlengen tot: geef een datum als JJJJ-MM-DD." and exc.field == "until"


def test_listed_reads_a_form_a_json_list_or_one_value():
    assert given.listed(MultiDict([("m", "1"), ("m", "2"), ("n", "3")]), "m") == ["1", "2"]
    assert given.listed(MultiDict(), "m") == []
    assert given.listed({"m": [1, 2]}, "m") == [1, 2]
    assert given.listed({"m": (3,)}, "m") == [3]
    assert given.listed({"m": "1"}, "m") == ["1"]
    assert given.listed({"m": None}, "m") == [] == given.listed({}, "m")


# --- the protocol's fields -------------------------------------------------------------------

def test_b64_round_trip():
    for data in (b"", b"\x00", b"\xff" * 31, bytes(range(256))):
        text = given.b64(data)
        assert text == base64.b64encode(data).decode() and given.unb64(text, "x") == data


def test_unb64_with_its_size():
    assert given.unb64(given.b64(b"k" * 32), "key", size=32) == b"k" * 32
    for n in (31, 33, 0):
        exc = refused(given.unb64, given.b64(b"k" * n), "key", size=32)
        assert exc.message == f"key: expected 32 bytes, got {n}" and exc.field == "key"


@pytest.mark.parametrize("value", ["not base64!!", "YWJj\n", " YWJj", "YWJ", "YW=j", "-_-_",
                                   "YWJjZA"])
def test_unb64_refuses_what_is_not_strict_base64(value):
    exc = refused(given.unb64, value, "report")
    assert exc.message == "report: not valid base64" and exc.field == "report"


@pytest.mark.parametrize("value", [None, 12, b"YWJj", ["YWJj"]])
def test_unb64_refuses_what_is_not_a_string(value):
    exc = refused(given.unb64, value, "report")
    assert exc.message == "report: expected a base64 string" and exc.field == "report"


def test_sealed_record_accepts_a_real_record_and_every_padded_size():
    blob = crypto.seal_record(crypto.new_case_key(), "message", "ab" * 16, {"text": "hallo"})
    assert given.sealed_record(given.b64(blob), "ciphertext") == blob
    for blocks in (1, 3):
        raw = b"r" * (24 + blocks * crypto.PADDING_BLOCK + 16)
        assert given.sealed_record(given.b64(raw), "ciphertext") == raw


@pytest.mark.parametrize("size", [0, 40, 24 + crypto.PADDING_BLOCK + 15, 24 + crypto.PADDING_BLOCK + 17])
def test_sealed_record_refuses_what_cannot_be_padded(size):
    exc = refused(given.sealed_record, given.b64(b"r" * size), "Whistle-Attachment-Record")
    assert exc.message == "Whistle-Attachment-Record: not a sealed, padded record"
    assert exc.field == "Whistle-Attachment-Record"


def test_sealed_record_checks_base64_first():
    assert refused(given.sealed_record, "%%", "report").message == "report: not valid base64"
    assert refused(given.sealed_record, None, "report").message == "report: expected a base64 string"


def test_case_locator():
    assert given.case_locator("0123456789abcdef" * 2) == bytes.fromhex("0123456789abcdef" * 2)


@pytest.mark.parametrize("value", [None, "", "ab" * 15, "ab" * 17, "AB" * 16, "g" * 32, 12, b"ab" * 16])
def test_case_locator_refused(value):
    exc = refused(given.case_locator, value)
    assert exc.message == "locator: expected 32 lowercase hex characters" and exc.field == "locator"
