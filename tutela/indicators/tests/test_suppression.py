"""Small counts never leave the service (ADR 0013)."""

from __future__ import annotations

from decimal import Decimal

from tutela.indicators.figures import CHANGE, MEDIAN, PLAIN, SHARE, Figure, Metric
from tutela.indicators.suppression import HIDDEN_COUNT, NOT_AVAILABLE, complementary, public_value


def test_counts_from_one_to_five_are_hidden_zero_and_six_are_not() -> None:
    shown = {n: public_value(Figure("x", n)) for n in (0, 1, 5, 6, 120)}

    assert shown == {0: 0, 1: HIDDEN_COUNT, 5: HIDDEN_COUNT, 6: 6, 120: 120}
    assert HIDDEN_COUNT == "< 6"


def test_values_derived_from_small_counts_are_not_available() -> None:
    assert public_value(Figure("quota", Decimal("7.5"), SHARE, basis=(3, 40))) == NOT_AVAILABLE
    assert public_value(Figure("quota", Decimal("50.0"), SHARE, basis=(20, 40))) == Decimal("50.0")
    assert public_value(Figure("quota", None, SHARE, basis=(0, 0))) is None
    assert public_value(Figure("mediana", Decimal("4"), MEDIAN, basis=(5,))) == NOT_AVAILABLE
    assert public_value(Figure("variazione", Decimal("20"), CHANGE, basis=(6, 5))) == NOT_AVAILABLE
    # Staff and population figures are about no child: never hidden.
    assert public_value(Figure("FTE", Decimal("2.5"), PLAIN)) == Decimal("2.5")


def test_a_lone_hidden_cell_takes_the_smallest_other_one_with_it() -> None:
    small, medium, large = Figure("a", 3), Figure("b", 20), Figure("c", 30)
    metric = Metric("k", "t", [Figure("totale", 53)], groups=[[small, medium, large]])

    hidden = complementary(metric)

    assert [public_value(f, hidden) for f in (small, medium, large)] == [HIDDEN_COUNT, NOT_AVAILABLE, 30]


def test_no_complement_when_two_cells_are_hidden_or_the_others_are_zero() -> None:
    two = Metric("k", "t", [], groups=[[Figure("a", 3), Figure("b", 4), Figure("c", 30)]])
    zeros = Metric("k", "t", [], groups=[[Figure("a", 3), Figure("b", 0)]])

    assert complementary(two) == set()
    assert complementary(zeros) == set()
