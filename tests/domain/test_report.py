"""The report's fields: one list with the names the protocol documents, Dutch labels, limits
and the one required field, published as the intake answer describes."""
import re
from pathlib import Path

from whistle.domain.report import (
    IDENTITY_FIELD_NAMES, IDENTITY_FIELDS, MAX_FIELD_CHARS, MAX_MESSAGE_CHARS, REPORT_FIELD_NAMES,
    REPORT_FIELDS, REPORT_TEXT_FIELDS, Input, published,
)

PROTOCOL = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text(encoding="utf-8")


def members_of(record: str) -> list[str]:
    """The member names of a record's table in docs/protocol.md section 6."""
    table = PROTOCOL.split(f"**`{record}`**", 1)[1].split("\n\n", 2)[1]
    return re.findall(r"^\| `(\w+)` \|", table, flags=re.M)


def test_the_fields_are_the_members_the_protocol_documents_in_its_order():
    assert list(REPORT_FIELD_NAMES) == members_of("report") == ["what", "when", "where", "who", "how_known", "category", "unit"]
    assert list(IDENTITY_FIELD_NAMES) == members_of("identity") == ["name", "contact"]


def test_only_what_is_required_and_it_says_so_in_dutch():
    required = [f for f in REPORT_FIELDS + IDENTITY_FIELDS if f.required]
    assert [f.name for f in required] == ["what"]
    assert required[0].missing == "Beschrijf wat er is gebeurd."
    assert all(f.missing is None for f in REPORT_FIELDS + IDENTITY_FIELDS if not f.required)


def test_every_field_has_a_question_a_label_and_the_limit():
    for f in REPORT_FIELDS + IDENTITY_FIELDS:
        assert f.question and f.label, f.name
        assert f.max_chars == MAX_FIELD_CHARS == 50_000
        assert f.too_long == "Het veld is te lang (meer dan 50000 tekens)."
    assert MAX_MESSAGE_CHARS == 20_000
    assert REPORT_FIELDS[0].question == "Wat is er gebeurd?" and REPORT_FIELDS[0].label == "Wat is er gebeurd"


def test_the_category_is_a_choice_and_not_text_to_redact():
    category = [f for f in REPORT_FIELDS if f.name == "category"]
    assert category[0].input is Input.CATEGORY and not category[0].free_text
    assert [f.name for f in REPORT_TEXT_FIELDS] == ["what", "when", "where", "who", "how_known"]


def test_the_unit_is_a_choice_from_the_regelings_units_refused_by_name():
    unit = [f for f in REPORT_FIELDS if f.name == "unit"][0]
    assert unit.input is Input.UNIT and not unit.free_text and not unit.required
    assert unit.choices == "units" and [f.choices for f in REPORT_FIELDS if f.choices] == ["categories", "units"]
    assert unit.unknown == "Onbekende gemeente of afdeling: kies er een uit de lijst."


def test_published_as_the_intake_answer_describes():
    fields = published(REPORT_FIELDS)
    assert fields[0] == {"name": "what", "label": "Wat is er gebeurd?", "input": "text", "required": True,
                         "max_chars": 50000, "if_missing": "Beschrijf wat er is gebeurd.",
                         "if_too_long": "Het veld is te lang (meer dan 50000 tekens)."}
    assert [f["input"] for f in fields] == ["text", "line", "line", "text", "text", "category", "unit"]
    assert fields[-1]["if_unknown"] == "Onbekende gemeente of afdeling: kies er een uit de lijst."
    assert [f["name"] for f in published(IDENTITY_FIELDS)] == ["name", "contact"]
