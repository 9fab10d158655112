"""The units an intervention is paid for in a month, by its service's unit of measure (seed 000 step 5).

- hours: the hours delivered that month up to today (the timesheet lines, DeliveryRecord);
- days: the days the intervention was active that month: from `started_on` to `ended_on` (both included, never
  after today), less the days it was suspended (a suspension runs from its `starts_on` to the day before
  `ends_on`, the day it resumed; an open suspension runs to today);
- months: 1 for every month with at least one active day;
- one-off: 1 in the month the intervention started.
The unit cost is the intervention's own, else the one of the contract rate it applies; without either the cost
is unknown and shown as such, never counted as zero. A month's cost is units times unit cost rounded to the cent
(half to even, as `Decimal.quantize`), per intervention and month; totals add those cents.

This module computes one intervention at a time (the rows of the pages and of the XLSX); `totals.py` computes
the same figures for thousands of interventions in one SQL statement, and a test holds the two equal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from tutela.services.models import Intervention, ServiceType, Suspension

Unit = ServiceType.Unit
ZERO = Decimal("0")
CENT = Decimal("0.01")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(month: dt.date) -> dt.date:
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of every month from `first`'s to `last`'s, both included."""
    months, current = [], month_start(first)
    while current <= last:
        months.append(current)
        current = month_end(current) + dt.timedelta(days=1)
    return months


def _suspended_spans(suspensions: Iterable[Suspension], today: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The suspended days as merged, inclusive spans (overlapping suspensions count once)."""
    spans = sorted(
        (s.starts_on, (s.ends_on - dt.timedelta(days=1)) if s.ends_on else today) for s in suspensions
    )
    merged: list[tuple[dt.date, dt.date]] = []
    for lo, hi in spans:
        if hi < lo:
            continue
        if merged and lo <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def active_days(
    intervention: Intervention,
    suspensions: Sequence[Suspension],
    first: dt.date,
    last: dt.date,
    today: dt.date,
) -> int:
    """Days between `first` and `last` (included) on which the intervention was active, up to today."""
    if intervention.started_on is None:
        return 0
    lo = max(first, intervention.started_on)
    hi = min(last, intervention.ended_on or today, today)
    if hi < lo:
        return 0
    days = (hi - lo).days + 1
    for s_lo, s_hi in _suspended_spans(suspensions, today):
        clipped_lo, clipped_hi = max(lo, s_lo), min(hi, s_hi)
        if clipped_hi >= clipped_lo:
            days -= (clipped_hi - clipped_lo).days + 1
    return days


def month_units(
    intervention: Intervention,
    month: dt.date,
    *,
    suspensions: Sequence[Suspension],
    delivered: Decimal,
    today: dt.date,
) -> Decimal:
    """The units of the month by the service's unit of measure (`delivered`: the hours recorded that month)."""
    unit = intervention.service_type.unit
    if unit == Unit.HOURS:
        return delivered
    if unit == Unit.ONE_OFF:
        started = intervention.started_on
        return Decimal(1) if started and month_start(started) == month and started <= today else ZERO
    days = active_days(intervention, suspensions, month, month_end(month), today)
    if unit == Unit.DAYS:
        return Decimal(days)
    return Decimal(1) if days else ZERO


def units_to_date(
    intervention: Intervention, suspensions: Sequence[Suspension], hours: Decimal, today: dt.date
) -> Decimal:
    """All the units since the start, up to today (`hours`: every hour recorded up to today)."""
    unit = intervention.service_type.unit
    started = intervention.started_on
    if unit == Unit.HOURS:
        return hours
    if started is None or started > today:
        return ZERO
    if unit == Unit.ONE_OFF:
        return Decimal(1)
    if unit == Unit.DAYS:
        return Decimal(active_days(intervention, suspensions, started, today, today))
    end = min(intervention.ended_on or today, today)
    return Decimal(
        sum(
            1
            for m in months_between(started, end)
            if active_days(intervention, suspensions, m, month_end(m), today)
        )
    )


def unit_cost_of(intervention: Intervention) -> Decimal | None:
    if intervention.unit_cost is not None:
        return intervention.unit_cost
    rate = intervention.contract_rate
    return rate.unit_cost if rate is not None else None
