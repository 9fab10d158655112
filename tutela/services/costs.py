"""What the interventions cost, month by month, and who pays (seed 000 step 5; seed 003: the Comune pays).

The monthly cost of an intervention is its unit cost times the units of the month:
- hours: the hours delivered that month up to today (the timesheet lines, DeliveryRecord);
- days: the days the intervention was active that month: from `started_on` to `ended_on` (both included, never
  after today), less the days it was suspended (a suspension runs from its `starts_on` to the day before
  `ends_on`, the day it resumed; an open suspension runs to today);
- months: 1 for every month with at least one active day;
- one-off: 1 in the month the intervention started.
The unit cost is the intervention's own, else the one of the contract rate it applies; without either the cost
is unknown and shown as such, never counted as zero.

Every read starts from `interventions_for_costs(user)`: a Comune's officer sees the interventions their Comune
pays, the administrative office, the managing body and the manager those of their territory. The figures come
from a fixed number of queries whatever the number of interventions (sums in SQL, suspensions prefetched once).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tutela.accounts.access import grants_of
from tutela.accounts.models import Municipality
from tutela.accounts.roles import Cap, Scope
from tutela.core.exports import spreadsheet_safe
from tutela.services.models import DeliveryRecord, Intervention, InterventionState, ServiceType, Suspension

Unit = ServiceType.Unit
ZERO = Decimal("0")
CENT = Decimal("0.01")


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


# --- periods and units --------------------------------------------------------------------------------------


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


def unit_cost_of(intervention: Intervention) -> Decimal | None:
    if intervention.unit_cost is not None:
        return intervention.unit_cost
    rate = intervention.contract_rate
    return rate.unit_cost if rate is not None else None


# --- the report ---------------------------------------------------------------------------------------------


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
        return None if self.unit_cost is None else (self.total_units * self.unit_cost).quantize(CENT)

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


@dataclass
class CostGroup:
    label: str
    by_month: dict[dt.date, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    interventions: int = 0
    cells: list[Decimal] = field(default_factory=list)  # by_month in the report's order, for the pages

    @property
    def total(self) -> Decimal:
        return sum(self.by_month.values(), ZERO)


@dataclass
class CostReport:
    first: dt.date
    last: dt.date
    months: list[dt.date]
    rows: list[InterventionCost]
    by_municipality: list[CostGroup]
    by_service: list[CostGroup]
    without_rate: int

    @property
    def total(self) -> Decimal:
        return sum((g.total for g in self.by_municipality), ZERO)

    def month_totals(self) -> list[Decimal]:
        return [sum((g.by_month.get(m, ZERO) for g in self.by_municipality), ZERO) for m in self.months]


def _in_period(
    interventions: QuerySet[Intervention], first: dt.date, last: dt.date
) -> QuerySet[Intervention]:
    """Interventions running at some point of the period, and those authorised but not yet started."""
    running = Q(started_on__lte=month_end(last)) & (Q(ended_on__isnull=True) | Q(ended_on__gte=first))
    return interventions.filter(running | Q(state=InterventionState.PLANNED, started_on__isnull=True))


def cost_report(
    user: Any,
    *,
    first: dt.date,
    last: dt.date,
    municipality: Municipality | None = None,
    today: dt.date | None = None,
) -> CostReport:
    """Monthly costs of the user's interventions from `first`'s month to `last`'s, grouped by paying Comune
    and by service, with each intervention's authorised budget against what it has cost to date."""
    today = today or timezone.localdate()
    months = months_between(first, last)
    first, last = months[0], month_end(months[-1])
    interventions = _in_period(interventions_for_costs(user), first, last)
    if municipality is not None:
        interventions = interventions.filter(paying_municipality=municipality)
    interventions = interventions.select_related(
        "case", "service_type", "paying_municipality", "provider", "contract_rate"
    ).prefetch_related(Prefetch("suspensions", queryset=Suspension.objects.order_by("starts_on")))
    listed = list(interventions.order_by("paying_municipality__name", "service_type__name", "case__code"))
    ids = [i.pk for i in listed]
    monthly = _hours_by_month(ids, first, min(last, today))
    to_date = _hours_to_date(ids, today)
    rows = [_row(i, months, monthly, to_date, today) for i in listed]
    return CostReport(
        first=first,
        last=last,
        months=months,
        rows=rows,
        by_municipality=_groups(rows, months, lambda i: i.paying_municipality.name),
        by_service=_groups(rows, months, lambda i: i.service_type.name),
        without_rate=sum(1 for r in rows if r.unit_cost is None),
    )


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
        spent = (_units_to_date(intervention, suspensions, to_date, today) * unit_cost).quantize(CENT)
    return InterventionCost(intervention=intervention, unit_cost=unit_cost, units=units, spent_to_date=spent)


def _units_to_date(
    intervention: Intervention, suspensions: list[Suspension], to_date: dict[int, Decimal], today: dt.date
) -> Decimal:
    """All the units since the start, up to today."""
    unit = intervention.service_type.unit
    started = intervention.started_on
    if unit == Unit.HOURS:
        return to_date.get(intervention.pk, ZERO)
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


def _groups(rows: list[InterventionCost], months: list[dt.date], key: Any) -> list[CostGroup]:
    groups: dict[str, CostGroup] = {}
    for row in rows:
        label = key(row.intervention)
        group = groups.setdefault(label, CostGroup(label=label))
        group.interventions += 1
        for month in months:
            cost = row.cost(month)
            if cost:
                group.by_month[month] += cost
    for group in groups.values():
        group.cells = [group.by_month.get(month, ZERO) for month in months]
    return sorted(groups.values(), key=lambda g: g.label)


# --- the XLSX for the Comuni --------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal | dt.date):
        return value
    return spreadsheet_safe(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def _append(sheet: Any, values: Iterable[Any]) -> None:
    sheet.append([_cell(v) for v in values])


def cost_workbook(report: CostReport) -> IO[bytes]:
    """The report as a workbook: one row per intervention and month, the totals per Comune and per service, and
    the budget against the cost to date. Text never runs as a formula (core.exports.spreadsheet_safe)."""
    book = Workbook(write_only=True)
    detail = book.create_sheet(title=_("Dettaglio mensile")[:31])
    _append(
        detail,
        [
            _("Mese"),
            _("Comune che sostiene la spesa"),
            _("Pratica"),
            _("Servizio"),
            _("Codice SIUSS"),
            _("Ente erogatore"),
            _("Unità di misura"),
            _("Quantità"),
            _("Costo unitario (€)"),
            _("Costo (€)"),
        ],
    )
    for row in report.rows:
        i = row.intervention
        for month in report.months:
            quantity = row.units.get(month, ZERO)
            if not quantity:
                continue
            _append(
                detail,
                [
                    month.strftime("%m/%Y"),
                    i.paying_municipality.name,
                    i.case.code,
                    i.service_type.name,
                    i.service_type.siuss_code,
                    i.provider.name if i.provider else "",
                    i.service_type.get_unit_display(),
                    quantity,
                    row.unit_cost,
                    row.cost(month),
                ],
            )
    _group_sheet(book, _("Per Comune"), _("Comune"), report.by_municipality, report.months)
    _group_sheet(book, _("Per servizio"), _("Servizio"), report.by_service, report.months)
    budget = book.create_sheet(title=_("Impegnato e speso")[:31])
    _append(
        budget,
        [
            _("Pratica"),
            _("Servizio"),
            _("Comune che sostiene la spesa"),
            _("Stato"),
            _("Importo autorizzato (€)"),
            _("Speso a oggi (€)"),
            _("Residuo (€)"),
        ],
    )
    for row in report.rows:
        i = row.intervention
        _append(
            budget,
            [
                i.case.code,
                i.service_type.name,
                i.paying_municipality.name,
                i.get_state_display(),
                row.budget,
                row.spent_to_date,
                row.residual,
            ],
        )
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it, and closing deletes it)
    book.save(handle)
    handle.seek(0)
    return handle


def _group_sheet(book: Any, title: str, label: str, groups: list[CostGroup], months: list[dt.date]) -> None:
    sheet = book.create_sheet(title=title[:31])
    _append(sheet, [label, _("Interventi"), *(m.strftime("%m/%Y") for m in months), _("Totale (€)")])
    for group in groups:
        _append(
            sheet,
            [
                group.label,
                group.interventions,
                *(group.by_month.get(m, ZERO) for m in months),
                group.total,
            ],
        )
