"""The cost page's report (seed 000 step 5; seed 003: the Comune pays): totals per paying Comune and per service
month by month from the database (`totals.py`), and the interventions one page at a time with their units,
cost, budget and spending to date (`units.py`).

Every read starts from `interventions_for_costs(user)`: a Comune's officer sees the interventions their Comune
pays, the administrative office, the managing body and the manager those of their territory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from tutela.accounts.access import grants_of
from tutela.accounts.models import Municipality
from tutela.accounts.roles import Cap, Scope
from tutela.services.costs.totals import CostTotals, GroupTotals, cost_totals
from tutela.services.costs.units import (
    CENT,
    ZERO,
    month_end,
    month_units,
    months_between,
    unit_cost_of,
    units_to_date,
)
from tutela.services.models import DeliveryRecord, Intervention, InterventionState, ServiceType, Suspension

PAGE_SIZE = 25
CHUNK = 500  # interventions computed at a time for the XLSX
ORDER = ("paying_municipality__name", "service_type__name", "case__code", "pk")


# --- scope --------------------------------------------------------------------------------------------------


def interventions_for_costs(user: Any) -> QuerySet[Intervention]:
    """The interventions whose costs the user may see: a Comune's officer those paid by their Comune (in their
    territory), the other roles with costs_view those of their territory."""
    condition: Q | None = None
    for grant in grants_of(user):
        if Cap.COSTS_VIEW not in grant.capabilities:
            continue
        part: Q | None = None
        if grant.scope == Scope.RESIDENCE and grant.municipality_id:
            part = Q(paying_municipality_id=grant.municipality_id)
            if grant.territory_id:
                part &= Q(case__territory_id=grant.territory_id)
        elif grant.scope == Scope.TERRITORY and grant.territory_id:
            part = Q(case__territory_id=grant.territory_id)
        if part is not None:
            condition = part if condition is None else condition | part
    if condition is None:
        return Intervention.objects.none()
    return Intervention.objects.filter(condition)


def cost_municipalities(user: Any) -> QuerySet[Municipality]:
    """The Comuni the cost page filters by: the officer's own Comune, or the Comuni of the user's territories
    (read from the grants, not from the interventions, so that the filter costs nothing at any volume)."""
    condition = Q(pk__in=[])
    for grant in grants_of(user):
        if Cap.COSTS_VIEW not in grant.capabilities:
            continue
        if grant.scope == Scope.RESIDENCE and grant.municipality_id:
            condition |= Q(pk=grant.municipality_id)
        elif grant.scope == Scope.TERRITORY and grant.territory_id:
            condition |= Q(territories=grant.territory_id)
    return Municipality.objects.filter(condition).distinct().order_by("name")


def in_period(interventions: QuerySet[Intervention], first: dt.date, last: dt.date) -> QuerySet[Intervention]:
    """Interventions running at some point of the period, and those authorised but not yet started."""
    running = Q(started_on__lte=month_end(last)) & (Q(ended_on__isnull=True) | Q(ended_on__gte=first))
    return interventions.filter(running | Q(state=InterventionState.PLANNED, started_on__isnull=True))


# --- one intervention ---------------------------------------------------------------------------------------


@dataclass
class InterventionCost:
    intervention: Intervention
    unit_cost: Decimal | None
    units: dict[dt.date, Decimal]
    spent_to_date: Decimal | None

    def cost(self, month: dt.date) -> Decimal | None:
        if self.unit_cost is None:
            return None
        return (self.units.get(month, ZERO) * self.unit_cost).quantize(CENT)

    @property
    def monthly(self) -> list[tuple[dt.date, Decimal, Decimal | None]]:
        """(month, units, cost) in the report's order, for the pages."""
        return [(month, units, self.cost(month)) for month, units in self.units.items()]

    @property
    def total_units(self) -> Decimal:
        return sum(self.units.values(), ZERO)

    @property
    def total(self) -> Decimal | None:
        """The period's cost: the months' costs, each rounded to the cent, added up."""
        if self.unit_cost is None:
            return None
        return sum((self.cost(month) or ZERO for month in self.units), ZERO)

    @property
    def budget(self) -> Decimal | None:
        return self.intervention.budget

    @property
    def residual(self) -> Decimal | None:
        if self.budget is None or self.spent_to_date is None:
            return None
        return self.budget - self.spent_to_date

    @property
    def over_budget(self) -> bool:
        return self.residual is not None and self.residual < 0

    @property
    def used_percent(self) -> int | None:
        if not self.budget or self.spent_to_date is None:
            return None
        return int((self.spent_to_date * 100 / self.budget).to_integral_value())


def costs_of(
    interventions: list[Intervention], months: list[dt.date], today: dt.date
) -> list[InterventionCost]:
    """Each intervention's units and cost in the months, and its spending to date: three queries for the list
    (suspensions prefetched by the caller's queryset, hours of the months, hours to date)."""
    ids = [i.pk for i in interventions]
    monthly = _hours_by_month(ids, months[0], min(month_end(months[-1]), today)) if months else {}
    to_date = _hours_to_date(ids, today)
    return [_row(i, months, monthly, to_date, today) for i in interventions]


def _hours_by_month(ids: list[int], first: dt.date, last: dt.date) -> dict[tuple[int, dt.date], Decimal]:
    rows = (
        DeliveryRecord.objects.filter(intervention_id__in=ids, day__range=(first, last))
        .annotate(month=TruncMonth("day"))
        .values("intervention_id", "month")
        .annotate(units=Sum("units"))
    )
    return {(r["intervention_id"], _as_date(r["month"])): r["units"] for r in rows}


def _hours_to_date(ids: list[int], today: dt.date) -> dict[int, Decimal]:
    rows = (
        DeliveryRecord.objects.filter(intervention_id__in=ids, day__lte=today)
        .values("intervention_id")
        .annotate(units=Sum("units"))
    )
    return {r["intervention_id"]: r["units"] for r in rows}


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _row(
    intervention: Intervention,
    months: list[dt.date],
    monthly: dict[tuple[int, dt.date], Decimal],
    to_date: dict[int, Decimal],
    today: dt.date,
) -> InterventionCost:
    suspensions = list(intervention.suspensions.all())
    units = {
        m: month_units(
            intervention,
            m,
            suspensions=suspensions,
            delivered=monthly.get((intervention.pk, m), ZERO),
            today=today,
        )
        for m in months
    }
    unit_cost = unit_cost_of(intervention)
    spent = None
    if unit_cost is not None:
        hours = to_date.get(intervention.pk, ZERO)
        spent = (units_to_date(intervention, suspensions, hours, today) * unit_cost).quantize(CENT)
    return InterventionCost(intervention=intervention, unit_cost=unit_cost, units=units, spent_to_date=spent)


# --- the report ---------------------------------------------------------------------------------------------


@dataclass
class CostGroup:
    label: str
    interventions: int
    cells: list[Decimal]  # the cost of each month of the report

    @property
    def total(self) -> Decimal:
        return sum(self.cells, ZERO)


@dataclass
class CostPage:
    """One page of the report's interventions in (Comune, service, case) order, by keyset."""

    rows: list[InterventionCost]
    next_cursor: str  # "" on the last page
    first: bool


@dataclass
class CostReport:
    first: dt.date
    last: dt.date
    months: list[dt.date]
    by_municipality: list[CostGroup]
    by_service: list[CostGroup]
    interventions: int
    without_rate: int
    page: CostPage

    @property
    def total(self) -> Decimal:
        return sum((g.total for g in self.by_municipality), ZERO)

    def month_totals(self) -> list[Decimal]:
        return [sum((g.cells[n] for g in self.by_municipality), ZERO) for n in range(len(self.months))]


def report_interventions(
    user: Any, *, first: dt.date, last: dt.date, municipality: Municipality | None = None
) -> QuerySet[Intervention]:
    """The interventions of the report: the user's, in the months from `first`'s to `last`'s, of the Comune."""
    interventions = in_period(interventions_for_costs(user), first, month_end(last))
    if municipality is not None:
        interventions = interventions.filter(paying_municipality=municipality)
    return interventions


def cost_report(
    user: Any,
    *,
    first: dt.date,
    last: dt.date,
    municipality: Municipality | None = None,
    today: dt.date | None = None,
    after: str = "",
    paged: bool = True,
) -> CostReport:
    """Monthly costs of the user's interventions from `first`'s month to `last`'s, grouped by paying Comune
    and by service, and (unless not `paged`: the XLSX reads them all with cost_rows) a page of the
    interventions with their budget against what they cost to date."""
    today = today or timezone.localdate()
    months = months_between(first, last)
    interventions = report_interventions(user, first=months[0], last=months[-1], municipality=municipality)
    totals = cost_totals(interventions, months=months, today=today)
    return CostReport(
        first=months[0],
        last=month_end(months[-1]),
        months=months,
        by_municipality=_groups(totals, 0, Municipality.objects.all()),
        by_service=_groups(totals, 1, ServiceType.objects.all()),
        interventions=totals.interventions,
        without_rate=totals.interventions - totals.priced,
        page=_page(interventions, months, today, after) if paged else CostPage([], "", True),
    )


def _groups(totals: CostTotals, axis: int, named: QuerySet[Any]) -> list[CostGroup]:
    rolled: dict[int, GroupTotals] = totals.by(axis)
    names = dict(named.filter(pk__in=list(rolled)).values_list("pk", "name"))
    groups = [CostGroup(names[pk], g.interventions, g.by_month) for pk, g in rolled.items()]
    return sorted(groups, key=lambda g: g.label)


def _detailed(interventions: QuerySet[Intervention]) -> QuerySet[Intervention]:
    return (
        interventions.select_related(
            "case", "service_type", "paying_municipality", "provider", "contract_rate"
        )
        .prefetch_related(Prefetch("suspensions", queryset=Suspension.objects.order_by("starts_on")))
        .order_by(*ORDER)
    )


def _after(interventions: QuerySet[Intervention], cursor: str) -> QuerySet[Intervention] | None:
    """The interventions after the cursor (an intervention's id) in ORDER; None for a cursor that does not
    read or is not among them (first page)."""
    if not cursor.isdigit():
        return None
    last = interventions.filter(pk=int(cursor)).values_list(*ORDER).first()
    if last is None:
        return None
    condition = Q()
    for depth in range(len(ORDER) - 1, -1, -1):
        equal = Q(**{field: value for field, value in zip(ORDER[:depth], last, strict=False)})
        condition |= equal & Q(**{f"{ORDER[depth]}__gt": last[depth]})
    return interventions.filter(condition)


def _page(
    interventions: QuerySet[Intervention], months: list[dt.date], today: dt.date, after: str
) -> CostPage:
    following = _after(interventions, after) if after else None
    listed = list(_detailed(following if following is not None else interventions)[: PAGE_SIZE + 1])
    more = len(listed) > PAGE_SIZE
    listed = listed[:PAGE_SIZE]
    return CostPage(
        rows=costs_of(listed, months, today),
        next_cursor=str(listed[-1].pk) if more else "",
        first=following is None,
    )


def cost_rows(
    interventions: QuerySet[Intervention], months: list[dt.date], today: dt.date
) -> Iterator[InterventionCost]:
    """Every intervention's costs in ORDER, computed CHUNK at a time (the XLSX: memory stays flat)."""
    following: QuerySet[Intervention] | None = interventions
    while following is not None:
        listed = list(_detailed(following)[:CHUNK])
        yield from costs_of(listed, months, today)
        following = _after(interventions, str(listed[-1].pk)) if len(listed) == CHUNK else None
