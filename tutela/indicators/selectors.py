"""Reads of the objectives (seed 002): expected against actual values, and the Gantt chart of the phases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tutela.accounts.access import territories_with
from tutela.accounts.roles import Cap
from tutela.indicators.figures import MetricFilter
from tutela.indicators.models import Indicator, Objective, Phase
from tutela.indicators.sources import OBJECTIVE_SOURCES


def objectives_visible_to(user: Any) -> QuerySet[Objective]:
    return Objective.objects.filter(territory_id__in=territories_with(user, Cap.INDICATORS_VIEW))


def get_objective_for_user(user: Any, pk: int, *, manage: bool = False) -> Objective:
    """The objective, if it belongs to a territory where the user sees (or manages) indicators; 404 otherwise."""
    capability = Cap.INDICATORS_MANAGE if manage else Cap.INDICATORS_VIEW
    objective = (
        Objective.objects.select_related("territory", "approved_by")
        .filter(pk=pk, territory_id__in=territories_with(user, capability))
        .first()
    )
    if objective is None:
        raise Http404
    return objective


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


@dataclass(frozen=True)
class Evaluation:
    """An indicator's expected value against the value found, as the objective page shows them."""

    expected: str
    actual: str | None
    achieved: bool | None  # None: no value found yet
    progress: Decimal | None  # percentage of the expected value reached (ratios and counts)
    source: str  # how the actual value was obtained


def _pair_text(numerator: Decimal, denominator: Decimal) -> str:
    return f"{_fmt(numerator)}/{_fmt(denominator)}"


def _actual_pair(indicator: Indicator, objective: Objective) -> tuple[Decimal, Decimal, str] | None:
    if indicator.metric_key:
        source = OBJECTIVE_SOURCES.get(indicator.metric_key)
        if source is None:
            return None
        numerator, denominator = source.compute(
            MetricFilter(objective.territory, objective.starts_on, objective.ends_on)
        )
        return (
            Decimal(numerator),
            Decimal(denominator),
            _("calcolato dai dati: %(what)s") % {"what": source.label},
        )
    if indicator.actual_numerator is None or indicator.actual_denominator is None:
        return None
    return indicator.actual_numerator, indicator.actual_denominator, _manual(indicator)


def _manual(indicator: Indicator) -> str:
    when = timezone.localtime(indicator.actual_recorded_at) if indicator.actual_recorded_at else None
    return _("inserito da %(who)s il %(when)s: %(note)s") % {
        "who": indicator.actual_recorded_by or "—",
        "when": date_format(when, "d/m/Y") if when else "—",
        "note": indicator.actual_note,
    }


def indicator_evaluate(indicator: Indicator, objective: Objective) -> Evaluation:
    """Expected against actual. A ratio compares shares (130/210 ≥ 120/200 is 61.9% ≥ 60%), a count the number
    reached (6 of 6 planned), a date whether the result came on or before the expected day."""
    if indicator.value_type == Indicator.ValueType.DATE:
        expected_date = indicator.expected_date
        assert expected_date is not None
        expected = _("entro il %(day)s") % {"day": expected_date.strftime("%d/%m/%Y")}
        if indicator.actual_date is None:
            return Evaluation(expected, None, None, None, "")
        return Evaluation(
            expected,
            indicator.actual_date.strftime("%d/%m/%Y"),
            indicator.actual_date <= expected_date,
            None,
            _manual(indicator),
        )
    assert indicator.expected_numerator is not None and indicator.expected_denominator
    exp_num, exp_den = indicator.expected_numerator, indicator.expected_denominator
    expected = _pair_text(exp_num, exp_den)
    actual = _actual_pair(indicator, objective)
    if actual is None:
        return Evaluation(expected, None, None, None, "")
    num, den, source = actual
    if indicator.value_type == Indicator.ValueType.RATIO:
        if not den:
            return Evaluation(expected, _pair_text(num, den), None, None, source)
        target, reached = exp_num / exp_den, num / den
    else:
        target, reached = exp_num, num
    progress = (reached * 100 / target).quantize(Decimal("0.1"), ROUND_HALF_UP) if target else None
    return Evaluation(expected, _pair_text(num, den), reached >= target, progress, source)


# --- Gantt chart ---------------------------------------------------------------------------------------------

GANTT_WIDTH = 1000  # the SVG's viewBox width; bars start after the label column
GANTT_LABEL = 60
GANTT_ROW = 34
GANTT_HEADER = 28


@dataclass(frozen=True)
class GanttBar:
    number: int
    phase: Phase
    y: int
    planned: tuple[float, float]  # x, width
    actual: tuple[float, float] | None
    late: bool


@dataclass(frozen=True)
class Gantt:
    height: int
    months: list[tuple[float, str]]
    bars: list[GanttBar]
    today: float | None
    width: int = GANTT_WIDTH
    label_width: int = GANTT_LABEL


def gantt(objective: Objective, phases: list[Phase], today: dt.date | None = None) -> Gantt:
    """The phases as bars on the objective's period: planned (light) and actual (dark, red when late)."""
    today = today or timezone.localdate()
    start = min(
        [
            objective.starts_on,
            *(p.planned_start for p in phases),
            *(p.actual_start for p in phases if p.actual_start),
        ]
    )
    end = max(
        [objective.ends_on, *(p.planned_end for p in phases), *(p.actual_end for p in phases if p.actual_end)]
    )
    span = max((end - start).days + 1, 1)
    usable = GANTT_WIDTH - GANTT_LABEL

    def x(day: dt.date) -> float:
        return round(GANTT_LABEL + (day - start).days * usable / span, 1)

    def bar(first: dt.date, last: dt.date) -> tuple[float, float]:
        return x(first), max(round(x(last + dt.timedelta(days=1)) - x(first), 1), 2.0)

    bars = []
    for number, phase in enumerate(phases, start=1):
        actual = None
        late = False
        if phase.actual_start:
            last = phase.actual_end or min(max(today, phase.actual_start), end)
            actual = bar(phase.actual_start, last)
            late = last > phase.planned_end
        elif today > phase.planned_start:
            late = True  # should have started
        bars.append(
            GanttBar(
                number,
                phase,
                GANTT_HEADER + (number - 1) * GANTT_ROW,
                bar(phase.planned_start, phase.planned_end),
                actual,
                late,
            )
        )
    months = []
    month = start.replace(day=1)
    while month <= end:
        if month >= start:
            months.append((x(month), date_format(month, "M y")))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return Gantt(
        height=GANTT_HEADER + len(phases) * GANTT_ROW + 4,
        months=months,
        bars=bars,
        today=x(today) if start <= today <= end else None,
    )
