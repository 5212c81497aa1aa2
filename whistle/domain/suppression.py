"""Small-count suppression for published figures: in a small organisation a count of 1 can
identify a melder. Any count from 1 to 4 is shown as "< 5" (a zero identifies nobody and is
shown), and a breakdown never lets its total give a suppressed cell away: when only one cell is
suppressed, the smallest other non-zero cell is suppressed with it, and a total under 5 is
suppressed itself."""
from __future__ import annotations

from dataclasses import dataclass

THRESHOLD = 5
HIDDEN = "< 5"


@dataclass(frozen=True)
class Cell:
    value: int
    hidden: bool

    def __str__(self) -> str:
        return HIDDEN if self.hidden else str(self.value)


def is_small(n: int) -> bool:
    return 0 < n < THRESHOLD


def total_cell(n: int) -> Cell:
    return Cell(n, is_small(n))


def breakdown(counts: list[int]) -> list[Cell]:
    """The cells of one breakdown that adds up to a shown total, with complementary suppression."""
    hidden = [is_small(n) for n in counts]
    if sum(hidden) == 1:
        others = [(n, i) for i, n in enumerate(counts) if n > 0 and not hidden[i]]
        if others:
            hidden[min(others)[1]] = True
    return [Cell(n, h) for n, h in zip(counts, hidden)]


def share(part: int, whole: int) -> str:
    """A percentage, only when neither the part nor the rest is a small count."""
    if whole == 0:
        return "-"
    if is_small(part) or is_small(whole - part):
        return "niet getoond (< 5)"
    return f"{round(100 * part / whole)}%"
