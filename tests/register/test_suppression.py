"""Small counts are suppressed: any cell under 5 reads "< 5", and a total never gives a
suppressed cell away (the boundary is 4 and 5)."""
from whistle.domain.indicators import annual_figures
from whistle.domain.register import Fact
from whistle.domain.suppression import HIDDEN, breakdown, share, total_cell


def test_four_is_hidden_and_five_is_shown():
    assert str(total_cell(4)) == HIDDEN and total_cell(4).hidden
    assert str(total_cell(5)) == "5" and not total_cell(5).hidden
    assert str(total_cell(1)) == HIDDEN
    assert str(total_cell(0)) == "0"  # a zero identifies nobody


def test_a_single_small_cell_takes_its_smallest_neighbour_along():
    # total 4 + 9 + 12 = 25 is shown: with only the 4 hidden, 25 - 9 - 12 would give it away
    assert [str(c) for c in breakdown([4, 9, 12])] == [HIDDEN, HIDDEN, "12"]
    assert [str(c) for c in breakdown([5, 9, 12])] == ["5", "9", "12"]
    assert [str(c) for c in breakdown([0, 3, 10])] == ["0", HIDDEN, HIDDEN]
    assert [str(c) for c in breakdown([2, 3, 10])] == [HIDDEN, HIDDEN, "10"]


def test_no_total_reveals_a_hidden_cell():
    for counts in ([4, 9, 12], [1, 5], [0, 3, 10], [4, 0, 0], [2, 2, 30], [5, 4]):
        cells = breakdown(counts)
        shown_total = total_cell(sum(counts))
        hidden = [c for c in cells if c.hidden]
        if shown_total.hidden:
            continue
        # a reader who knows the total and every shown cell learns only the sum of the hidden
        # ones, and that sum belongs to two cells or more
        assert len(hidden) != 1, counts


def test_shares_need_five_on_both_sides():
    assert share(5, 10) == "50%"
    assert share(4, 10) != "40%" and "< 5" in share(4, 10)
    assert "< 5" in share(6, 10)  # 4 late would show
    assert share(0, 0) == "-"


def _fact(n: int, *, ack: int | None = 3, channel="web_js", named=False, year=2026) -> Fact:
    return Fact(year, "vermoeden_misstand", channel, named, None, "intern", ack, None, None, False, n)


def test_the_annual_figures_suppress_at_the_boundary():
    four = annual_figures([_fact(4)], 2026)
    assert str(four.total) == HIDDEN
    assert str(four.breakdown("Kanaal").rows[0][1]) == HIDDEN
    assert four.acknowledged.median_days.startswith("niet getoond")
    assert str(four.acknowledged.counted) == HIDDEN  # "< 5 van 4" would give the four away
    five = annual_figures([_fact(5)], 2026)
    assert str(five.total) == "5"
    assert dict(five.breakdown("Kanaal").rows)["Web (met JavaScript)"].value == 5
    assert str(dict(five.breakdown("Kanaal").rows)["Web (met JavaScript)"]) == "5"
    assert five.acknowledged.median_days == "3" and five.acknowledged.share == "100%"
    mixed = annual_figures([_fact(5, named=True), _fact(4, named=False)], 2026)
    named = dict(mixed.breakdown("Met naam of anoniem").rows)
    assert str(mixed.total) == "9" and str(named["Met naam"]) == HIDDEN and str(named["Anoniem"]) == HIDDEN
