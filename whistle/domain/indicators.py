"""The annual report's indicators (ISO 37002 9.1.2; Samenwerking's integrity code), computed
from the register's facts of one organisation (or several, for a shared service) and year, with
small counts suppressed (whistle.domain.suppression)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from statistics import median
from typing import Iterable

from whistle.domain.lifecycle import MeldingKind
from whistle.domain.register import Channel, Fact, Outcome, Route
from whistle.domain.suppression import THRESHOLD, Cell, breakdown, share, total_cell


@dataclass(frozen=True)
class Breakdown:
    title: str
    rows: tuple[tuple[str, Cell], ...]  # (label, cell)


@dataclass(frozen=True)
class Timeliness:
    counted: Cell             # meldingen with the step taken
    in_time: Cell
    late: Cell
    share: str
    median_days: str          # shown only over at least THRESHOLD meldingen


@dataclass(frozen=True)
class AnnualFigures:
    year: int
    total: Cell
    breakdowns: tuple[Breakdown, ...]
    acknowledged: Timeliness
    feedback: Timeliness
    extensions: Cell
    previous_total: Cell

    def breakdown(self, title: str) -> Breakdown:
        return next(b for b in self.breakdowns if b.title == title)


def _count(facts: list[Fact], key, values: list[tuple[str, str | None]], title: str) -> Breakdown:
    tally: Counter = Counter()
    for f in facts:
        tally[key(f)] += f.count
    counts = [tally[v] for _label, v in values]
    return Breakdown(title, tuple((label, cell) for (label, _v), cell in zip(values, breakdown(counts))))


def _median(days: list[tuple[int, int]]) -> str:
    tally: Counter = Counter()
    for d, n in days:
        tally[d] += n
    total = sum(tally.values())
    if total < THRESHOLD:
        return "niet getoond (< 5)" if total else "-"
    flat = [d for d in sorted(tally) for _ in range(tally[d])]  # days are few distinct values
    return f"{median(flat):g}"


def _timeliness(pairs: list[tuple[bool, int | None, int]]) -> Timeliness:
    in_time = sum(n for ok, _d, n in pairs if ok)
    late = sum(n for ok, _d, n in pairs if not ok)
    cells = breakdown([in_time, late])
    return Timeliness(total_cell(in_time + late), cells[0], cells[1], share(in_time, in_time + late),
                      _median([(d, n) for _ok, d, n in pairs if d is not None]))


def annual_figures(facts: Iterable[Fact], year: int,
                   categories: Iterable[tuple[str, str]] = (),
                   units: Iterable[tuple[str, str]] = ()) -> AnnualFigures:
    """`categories`: (label, id) of the regeling's categories, in its order (issue 14); `units`
    likewise for a regeling that serves several units (SamenTwente), else no such breakdown."""
    units = list(units)
    all_facts = list(facts)
    this = [f for f in all_facts if f.year == year]
    before = sum(f.count for f in all_facts if f.year == year - 1)
    kinds = [(k.label, k.value) for k in MeldingKind] + [("Nog niet beoordeeld", None)]
    outcomes = [(o.label, o.value) for o in Outcome] + [("Nog lopend", None)]
    by_unit = (_count(this, lambda f: f.unit, units + [("Niet vastgelegd", None)], "Eenheid"),) if units else ()
    breakdowns = by_unit + (
        _count(this, lambda f: f.kind, kinds, "Soort melding"),
        _count(this, lambda f: f.category, list(categories) + [("Niet vastgelegd", None)], "Onderwerp (regeling)"),
        _count(this, lambda f: f.channel, [(c.label, c.value) for c in Channel], "Kanaal"),
        _count(this, lambda f: f.named, [("Met naam", True), ("Anoniem", False)], "Met naam of anoniem"),
        _count(this, lambda f: f.route, [(r.label, r.value) for r in Route], "Route"),
        _count(this, lambda f: f.outcome, outcomes, "Uitkomst"),
        _count(this, lambda f: f.benadeling, [("Benadeling gemeld", True), ("Geen benadeling gemeld", False)],
               "Benadeling"),
    )
    ack = _timeliness([(bool(f.ack_in_time), f.ack_days, f.count) for f in this if f.ack_days is not None])
    fb = _timeliness([(bool(f.feedback_in_time), f.feedback_days, f.count)
                      for f in this if f.feedback_in_time is not None])
    extended = sum(f.count for f in this if f.extended)
    return AnnualFigures(year, total_cell(sum(f.count for f in this)), breakdowns, ack, fb,
                         total_cell(extended), total_cell(before))
