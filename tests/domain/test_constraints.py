"""Every CHECK constraint on a column of the models allows exactly the values of its domain
enum, in the enum's order (the migrations wrote them in that order; tests/test_migrations.py
compares the migrated database with the models)."""
import re

from sqlalchemy import CheckConstraint

from whistle.domain.benadeling import BenadelingKind
from whistle.domain.disclosure import DisclosureState, LegalGround, Requester
from whistle.domain.complaint import ComplaintOutcome
from whistle.domain.meeting import MeetingKind
from whistle.domain.oral import OralForm
from whistle.domain.lifecycle import State
from whistle.domain.records import Author, RecordKind
from whistle.domain.roles import EndorsedRole, StaffRole
from whistle.models import Base

EXPECTED = {
    ("cases", "state"): [s.value for s in State],
    ("staff", "role"): [r.value for r in StaffRole],
    ("records", "kind"): [k.value for k in RecordKind],
    ("records", "author"): [Author.MELDER.value, Author.COUNSELLOR.value],
    ("attachments", "author"): [Author.MELDER.value, Author.COUNSELLOR.value],
    ("dossier_records", "author"): [Author.COUNSELLOR.value, Author.AUTHORITY.value],
    ("endorsements", "role"): [r.value for r in EndorsedRole],
    ("case_benadeling", "kind"): [k.value for k in BenadelingKind],
    ("disclosures", "state"): [s.value for s in DisclosureState],
    ("disclosures", "ground"): [g.value for g in LegalGround],
    ("disclosures", "requester_role"): [r.value for r in Requester],
    ("case_complaints", "outcome"): [o.value for o in ComplaintOutcome],
    ("case_minutes", "form"): [f.value for f in OralForm],
    ("case_meetings", "kind"): [k.value for k in MeetingKind],
}


def value_lists() -> dict[tuple[str, str], list[str]]:
    found = {}
    for table in Base.metadata.sorted_tables:
        for constraint in table.constraints:
            if not isinstance(constraint, CheckConstraint):
                continue
            m = re.fullmatch(r"(\w+) IN \((.*)\)", str(constraint.sqltext))
            if m:
                found[(table.name, m.group(1))] = re.findall(r"'([^']*)'", m.group(2))
    return found


def test_every_value_list_constraint_is_derived_from_its_enum():
    assert value_lists() == EXPECTED


def test_the_melder_is_stored_as_reporter():
    assert Author.MELDER.value == "reporter" and Author.MELDER == "reporter"
    assert [r.value for r in StaffRole] == ["counsellor", "authority", "admin"]
