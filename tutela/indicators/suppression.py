"""Small counts never leave the service (ADR 0013): what the XLSX export and any Comune-facing view show.

A count from 1 to 5 is shown as "< 6"; a value derived from such a count (a share, a median, a change, cases per
FTE) as "n.d.". Zero stays zero: it identifies nobody. Where figures add up to a total shown beside them (a
metric's `groups`), hiding one alone would let it be subtracted back, so the smallest other non-zero figure of
the group is hidden too ("n.d.", never "< 6", since it may well be larger than 5).
"""

from __future__ import annotations

from decimal import Decimal

from tutela.indicators.figures import COUNT, PLAIN, Figure, Metric

SMALL_COUNT = 5
HIDDEN_COUNT = "< 6"
NOT_AVAILABLE = "n.d."


def is_small(count: int | None) -> bool:
    return count is not None and 0 < count <= SMALL_COUNT


def is_suppressed(figure: Figure) -> bool:
    """True when the figure rests on a count from 1 to 5 (staff and population figures never do)."""
    return figure.kind != PLAIN and any(is_small(count) for count in figure.basis)


def complementary(metric: Metric) -> set[int]:
    """The ids of the figures hidden only so that a suppressed one cannot be recomputed from the total."""
    hidden: set[int] = set()
    for group in metric.groups:
        if sum(1 for f in group if is_suppressed(f)) != 1:
            continue
        others = [f for f in group if not is_suppressed(f) and f.value]
        if others:
            hidden.add(id(min(others, key=lambda f: f.value or 0)))
    return hidden


def public_value(
    figure: Figure, hidden: set[int] | frozenset[int] = frozenset()
) -> int | Decimal | str | None:
    """The value as it may leave the service."""
    if is_suppressed(figure):
        return HIDDEN_COUNT if figure.kind == COUNT else NOT_AVAILABLE
    if id(figure) in hidden:
        return NOT_AVAILABLE
    return figure.value
