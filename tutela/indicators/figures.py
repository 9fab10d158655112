"""The shapes of the indicators: what a number is about (MetricFilter), the number (Figure), its breakdowns
(Table) and an indicator's numbers together (Metric)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from tutela.accounts.models import Municipality, Team, Territory
from tutela.cases.models import Case

# Figure kinds: how a number is shown, and suppressed when it leaves the service (suppression.py)
COUNT = "count"  # a count of cases, children, interventions or deadlines
SHARE = "share"  # a percentage of two counts
MEDIAN = "median"  # a median over `basis` cases
CHANGE = "change"  # a percentage change between two counts
RATE = "rate"  # a value derived from a count (cases per FTE)
AMOUNT = "amount"  # euros spent on `basis` interventions
PLAIN = "plain"  # about the staff or the population, never about the children: shown as it is


@dataclass(frozen=True)
class MetricFilter:
    """What the numbers are about: a territory and a period (inclusive), optionally a Comune and a team."""

    territory: Territory
    start: dt.date
    end: dt.date
    municipality: Municipality | None = None
    team: Team | None = None
    # Numbers several indicators share, computed once for this filter (one dashboard request)
    memo: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def start_at(self) -> dt.datetime:
        return midnight(self.start)

    @property
    def end_at(self) -> dt.datetime:
        """The first instant after the period."""
        return midnight(self.end + dt.timedelta(days=1))

    def year_before(self) -> MetricFilter:
        return MetricFilter(
            self.territory, year_earlier(self.start), year_earlier(self.end), self.municipality, self.team
        )


@dataclass
class Figure:
    """One number. `cases` are the cases behind it (its drill-down; a function that builds them when building
    them for every row of a long table would cost more than the number: `case_list()` reads either), `series`
    names it within the metric; `basis` are the counts a derived value rests on (a share's numerator and
    denominator, a median's cases)."""

    label: str
    value: int | Decimal | None
    kind: str = COUNT
    series: str = ""
    cases: QuerySet[Case] | Callable[[], QuerySet[Case]] | None = None
    unit: str = ""
    basis: tuple[int, ...] = ()
    drill: str = ""  # a derived value's list: the series of the figure whose cases it is computed on

    def __post_init__(self) -> None:
        if self.kind == COUNT and not self.basis and isinstance(self.value, int):
            self.basis = (self.value,)

    def case_list(self) -> QuerySet[Case] | None:
        return self.cases() if callable(self.cases) else self.cases


@dataclass
class Table:
    """A breakdown (by month, type, Comune, social worker): one row per label, one figure per column."""

    title: str
    columns: list[str]
    rows: list[tuple[str, list[Figure]]]


@dataclass
class Metric:
    key: str
    title: str
    figures: list[Figure]
    tables: list[Table] = field(default_factory=list)
    # Figures that add up to a figure shown beside them: suppressing one alone would let it be subtracted back.
    groups: list[list[Figure]] = field(default_factory=list)
    note: str = ""

    def figure(self, series: str) -> Figure | None:
        """The figure named `series`, among the headline numbers and the tables' cells."""
        cells = [f for _label, row in (r for t in self.tables for r in t.rows) for f in row]
        return next((f for f in [*self.figures, *cells] if f.series and f.series == series), None)


def midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def year_earlier(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def share(part: int, whole: int) -> Decimal | None:
    """part / whole as a percentage with one decimal; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def share_figure(label: str, part: int, whole: int, *, drill: str = "") -> Figure:
    return Figure(label, share(part, whole), SHARE, unit="%", basis=(part, whole), drill=drill)
