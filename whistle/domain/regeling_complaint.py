"""The [complaint] section of a regeling (docs/regelingen.md): who decides on a melder's
complaint after the terugkoppeling, and within which term. Kept beside regeling.py, which
calls `parse_complaint` with its reader for the section."""
from __future__ import annotations

from typing import Any, Mapping

from whistle.domain.complaint import ComplaintRule
from whistle.domain.deadlines import FeedbackTerm, TermUnit
from whistle.domain.errors import DeadlineError
from whistle.domain.offices import HOLDABLE_OFFICES

KEYS = {"decided_by", "term"}
LONGEST_TERM_DAYS = 183  # a decision on a complaint within half a year; a longer term is a typo


def parse_complaint(reader: Any) -> ComplaintRule | None:
    """`reader` is regeling._Reader for the section, or None when the regeling has none."""
    if reader is None:
        return None
    office = reader.office(reader.at("decided_by"), reader.get("decided_by", str))
    if office not in HOLDABLE_OFFICES:
        raise reader.fail("decided_by", f"{office!r} is not an office one account can hold; name the one "
                          "person who decides on a complaint (e.g. gemeentesecretaris)")
    raw = reader.get("term", (str, Mapping))
    try:
        if isinstance(raw, str):
            term = FeedbackTerm.parse(raw)
        else:
            unit = raw.get("unit")
            if unit not in {u.value for u in TermUnit}:
                raise reader.fail("term", f"unit must be one of {[u.value for u in TermUnit]}, got {unit!r}")
            term = FeedbackTerm(raw.get("amount"), TermUnit(unit))
    except DeadlineError as exc:
        raise reader.fail("term", exc.message) from None
    if term.nominal_days > LONGEST_TERM_DAYS:
        raise reader.fail("term", f"term {term} is longer than half a year")
    return ComplaintRule(office, term)


def complaint_dict(rule: ComplaintRule) -> dict[str, Any]:
    return {"decided_by": rule.decided_by, "term": {"amount": rule.term.amount, "unit": rule.term.unit.value}}

