"""What many interventions cost, month by month, computed by the database: the totals per paying Comune and per
service of the cost page and of the indicators, for a territory of any size (ADR 0018).

The rules are those of `units.py`, written once more in SQL so that no intervention is loaded into Python:
one statement expands each intervention into its months in the period, counts the active days less the
suspended ones, the months with an active day, the one-off start and the hours recorded, prices them in
integer cents and adds them up by (paying Comune, service, month). Units times unit cost of the hours is rounded
to the cent half to even in integer arithmetic, as `Decimal.quantize` does, so the totals are the sums of the
rows to the cent; a test holds the two computations equal on SQLite and on PostgreSQL.

Suspensions are added up, not merged: the services keep them disjoint (a suspension starts no earlier than
the intervention's last event, and only one is open at a time), so the sum is the merged length.
Dates become day numbers (days since 1 January 2000) so that the same arithmetic runs on both databases.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from tutela.services.costs.units import CENT, month_end
from tutela.services.models import ContractRate, DeliveryRecord, Intervention, ServiceType, Suspension

EPOCH = dt.date(2000, 1, 1)
Key = tuple[int, int]  # (paying Comune, service type)


@dataclass(frozen=True)
class Dialect:
    dayno: Callable[[str], str]  # a date column as its day number
    greatest: str
    least: str


DIALECTS = {
    "postgresql": Dialect(lambda column: f"({column} - DATE '2000-01-01')", "GREATEST", "LEAST"),
    "sqlite": Dialect(lambda column: f"CAST(julianday({column}) - 2451544.5 AS INTEGER)", "MAX", "MIN"),
}


def _day(day: dt.date) -> int:
    return (day - EPOCH).days


@dataclass
class GroupTotals:
    """The interventions of a group, how many have a unit cost, and their cost in each month (cents)."""

    interventions: int = 0
    priced: int = 0
    cents: list[int] = field(default_factory=list)

    @property
    def by_month(self) -> list[Decimal]:
        return [Decimal(c) * CENT for c in self.cents]

    @property
    def total(self) -> Decimal:
        return Decimal(sum(self.cents)) * CENT


@dataclass
class CostTotals:
    """The costs of a set of interventions by (paying Comune, service type) and month of `months`."""

    months: list[dt.date]
    groups: dict[Key, GroupTotals]

    def by(self, axis: int) -> dict[int, GroupTotals]:
        """Rolled up by paying Comune (axis 0) or by service type (axis 1)."""
        rolled: dict[int, GroupTotals] = {}
        for key, group in self.groups.items():
            into = rolled.setdefault(key[axis], GroupTotals(cents=[0] * len(self.months)))
            into.interventions += group.interventions
            into.priced += group.priced
            into.cents = [a + b for a, b in zip(into.cents, group.cents, strict=True)]
        return rolled

    @property
    def interventions(self) -> int:
        return sum(g.interventions for g in self.groups.values())

    @property
    def priced(self) -> int:
        return sum(g.priced for g in self.groups.values())

    @property
    def total(self) -> Decimal:
        return sum((g.total for g in self.groups.values()), Decimal("0"))


def cost_totals(
    interventions: QuerySet[Intervention], *, months: list[dt.date], today: dt.date
) -> CostTotals:
    """The costs of these interventions in each of `months` (first days of consecutive months), up to today."""
    scope_sql, scope_params = interventions.order_by().values("pk").query.sql_with_params()
    groups: dict[Key, GroupTotals] = defaultdict(lambda: GroupTotals(cents=[0] * len(months)))
    with connection.cursor() as cursor:
        cursor.execute(*_cost_statement(scope_sql, scope_params, months, today))
        for pm, st, n, cents, count in cursor.fetchall():
            if n == COUNTS:
                groups[(pm, st)].interventions, groups[(pm, st)].priced = int(count), int(cents)
            else:
                groups[(pm, st)].cents[n] = int(cents)
    return CostTotals(months=months, groups=dict(groups))


COUNTS = -1  # the row of a group that counts its interventions (and, as its "cents", those with a unit cost)


def _tables() -> dict[str, str]:
    return {
        "intervention": Intervention._meta.db_table,
        "service_type": ServiceType._meta.db_table,
        "rate": ContractRate._meta.db_table,
        "suspension": Suspension._meta.db_table,
        "delivery": DeliveryRecord._meta.db_table,
    }


def _cost_statement(
    scope_sql: str, scope_params: tuple[Any, ...], months: list[dt.date], today: dt.date
) -> tuple[str, list[Any]]:
    """One statement: the priced units of every (intervention, month), added up by Comune, service and month,
    and a COUNTS row per group with its interventions and those with a unit cost.

    `months` rows: (index, first day, last day counted — the month's end or today —, the month's end); with no
    months the statement only counts."""
    d = DIALECTS[connection.vendor]
    t = _tables()
    g, least = d.greatest, d.least
    month_rows = ", ".join(["(%s, %s, %s, %s)"] * len(months)) or ", ".join(
        ["CAST(NULL AS INTEGER)"] * 4
    ).join("()")
    month_params: list[Any] = []
    for n, month in enumerate(months):
        end = month_end(month)
        month_params += [n, _day(month), _day(min(end, today)), _day(end)]
    day = _day(today)
    hours_cost = "h.ch * sc.uc"  # ten-thousandths of a euro: cents of hours times cents of a euro
    sql = f"""
    WITH months (n, lo, hi, last_day) AS (VALUES {month_rows}),
    scope AS (
        SELECT i.id AS id, i.paying_municipality_id AS pm, i.service_type_id AS st, t.unit AS unit,
               CAST(ROUND(COALESCE(i.unit_cost, r.unit_cost) * 100) AS BIGINT) AS uc,
               {d.dayno("i.started_on")} AS s, COALESCE({d.dayno("i.ended_on")}, %s) AS e
        FROM {t["intervention"]} i
        JOIN {t["service_type"]} t ON t.id = i.service_type_id
        LEFT JOIN {t["rate"]} r ON r.id = i.contract_rate_id
        WHERE i.id IN ({scope_sql})
    ),
    active AS (
        SELECT sc.id AS id, m.n AS n, {g}(m.lo, sc.s) AS lo, {least}(m.hi, sc.e) AS hi
        FROM scope sc JOIN months m ON sc.s <= m.hi AND sc.e >= m.lo AND m.lo <= m.hi
        WHERE sc.unit IN ('days', 'months') AND sc.uc IS NOT NULL AND sc.s <= sc.e
    ),
    suspended AS (
        SELECT a.id AS id, a.n AS n,
               SUM({g}(0, {least}(a.hi, COALESCE({d.dayno("x.ends_on")} - 1, %s))
                          - {g}(a.lo, {d.dayno("x.starts_on")}) + 1)) AS days
        FROM active a JOIN {t["suspension"]} x ON x.intervention_id = a.id
        GROUP BY a.id, a.n
    ),
    counted AS (
        SELECT a.id AS id, a.n AS n, a.hi - a.lo + 1 - COALESCE(su.days, 0) AS days
        FROM active a LEFT JOIN suspended su ON su.id = a.id AND su.n = a.n
    ),
    hours AS (
        SELECT dr.intervention_id AS id, m.n AS n, CAST(ROUND(SUM(dr.units) * 100) AS BIGINT) AS ch
        FROM {t["delivery"]} dr JOIN months m ON {d.dayno("dr.day")} BETWEEN m.lo AND m.hi
        WHERE dr.intervention_id IN (SELECT id FROM scope WHERE unit = 'hours' AND uc IS NOT NULL)
          AND dr.day >= %s AND dr.day <= %s
        GROUP BY dr.intervention_id, m.n
    ),
    priced AS (
        SELECT sc.pm AS pm, sc.st AS st, c.n AS n,
               CASE WHEN sc.unit = 'days' THEN c.days * sc.uc
                    WHEN c.days > 0 THEN sc.uc ELSE 0 END AS cents
        FROM counted c JOIN scope sc ON sc.id = c.id
        UNION ALL
        SELECT sc.pm, sc.st, m.n, sc.uc
        FROM scope sc JOIN months m ON sc.s >= m.lo AND sc.s <= m.last_day AND sc.s <= %s
        WHERE sc.unit = 'one_off' AND sc.uc IS NOT NULL
        UNION ALL
        SELECT sc.pm, sc.st, h.n,
               ({hours_cost}) / 100
               + CASE WHEN ({hours_cost}) %% 100 > 50
                        OR (({hours_cost}) %% 100 = 50 AND (({hours_cost}) / 100) %% 2 = 1)
                      THEN 1 ELSE 0 END
        FROM hours h JOIN scope sc ON sc.id = h.id
    )
    SELECT pm, st, n, SUM(cents), 0 FROM priced GROUP BY pm, st, n
    UNION ALL
    SELECT pm, st, {COUNTS}, COUNT(uc), COUNT(*) FROM scope GROUP BY pm, st
    """
    first, last = (months[0], min(month_end(months[-1]), today)) if months else (today, today)
    params = [*month_params, day, *scope_params, day, first, last, day]
    return sql, params
