"""What the service delivers and owes: interventions by type and paying Comune, court deadlines met on time."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.cases.models import Case
from tutela.deadlines.models import Deadline
from tutela.indicators.figures import AMOUNT, Figure, Metric, MetricFilter, Table, share_figure
from tutela.indicators.metrics.common import base_cases, cases_of
from tutela.services.costs import CostTotals, cost_totals, interventions_for_costs, months_between
from tutela.services.models import Intervention, InterventionState

ZERO = Decimal("0")


def delivered_interventions(f: MetricFilter) -> QuerySet[Intervention]:
    """Interventions delivered in the period: started by its end, not ended before its start."""
    return (
        Intervention.objects.filter(case__in=base_cases(f), started_on__lte=f.end)
        .exclude(state=InterventionState.PLANNED)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=f.start))
    )


def intervention_costs(user: Any, f: MetricFilter) -> CostTotals:
    """What the interventions delivered in the period whose costs the user may see cost in the months of the
    period (whole months, as the cost page computes them: services/costs), by type and by paying Comune."""
    months = months_between(f.start, f.end)
    interventions = delivered_interventions(f).filter(pk__in=interventions_for_costs(user).values("pk"))
    return cost_totals(interventions, months=months, today=timezone.localdate())


def interventions_by_type(f: MetricFilter, costs: CostTotals | None = None) -> Metric:
    """Interventions delivered in the period by service type and by paying Comune; with `costs` (for who may
    see them: intervention_costs), what they cost in the months of the period. Counted by the database."""
    interventions = delivered_interventions(f).order_by()
    fields = ("service_type", "service_type__name", "paying_municipality", "paying_municipality__name")
    counted = list(interventions.values(*fields).annotate(n=Count("pk")))  # one row per (service, Comune)

    def cases_with(**lookup: Any) -> QuerySet[Case]:
        return cases_of(interventions.filter(**lookup).values("case_id"))

    def table(title: str, field: str, prefix: str, axis: int) -> Table:
        counts: dict[int, int] = {}
        names: dict[int, str] = {}
        for row in counted:
            counts[row[field]] = counts.get(row[field], 0) + row["n"]
            names[row[field]] = row[f"{field}__name"]
        groups = costs.by(axis) if costs is not None else {}
        rows = []
        for group in sorted(counts, key=lambda g: names[g]):
            name = names[group]
            count = Figure(
                name, counts[group], series=f"{prefix}:{group}", cases=cases_with(**{field: group})
            )
            spent = groups[group].total if group in groups else ZERO
            rows.append((name, [count, *_cost_cells(counts[group], spent, costs, count.series)]))
        columns = [_("Interventi"), *([_("Spesa nei mesi del periodo")] if costs is not None else [])]
        return Table(title, columns, rows)

    by_type = table(_("Per tipo di servizio"), "service_type", "tipo", 1)
    by_municipality = table(_("Per Comune che sostiene la spesa"), "paying_municipality", "comune", 0)
    total = sum(row["n"] for row in counted)
    figures = [Figure(_("Interventi erogati nel periodo"), total, series="tutti", cases=cases_with())]
    spent = costs.total if costs is not None else ZERO
    figures += _cost_cells(total, spent, costs, "tutti", _("Spesa nei mesi del periodo"))
    columns = [0, 1] if costs is not None else [0]
    return Metric(
        "interventions",
        _("Interventi per tipo e Comune"),
        figures,
        tables=[by_type, by_municipality],
        # counts, and costs when shown: each column adds up to the headline figure beside it
        groups=[
            [cells[column] for _label, cells in t.rows]
            for column in columns
            for t in (by_type, by_municipality)
        ],
        note=_cost_note(costs, total - costs.priced if costs is not None else 0),
    )


def _cost_cells(
    count: int, spent: Decimal, costs: CostTotals | None, drill: str, label: str = ""
) -> list[Figure]:
    """The cost of `count` interventions (unknown costs left out), suppressed outside with their number."""
    if costs is None:
        return []
    return [Figure(label or _("Spesa"), spent, AMOUNT, unit="€", basis=(count,), drill=drill)]


def _cost_note(costs: CostTotals | None, unknown: int) -> str:
    if costs is None:
        return ""
    note = _("La spesa è quella dei mesi interi del periodo, calcolata come nel prospetto dei costi.")
    if unknown:
        note += " " + _("%(n)d interventi senza costo unitario non sono conteggiati nella spesa.") % {
            "n": unknown
        }
    return note


def court_deadlines(f: MetricFilter) -> Metric:
    """Deadlines set by the courts (duties and reports) falling in the period: met on time when done_at ≤ due_at."""
    deadlines = Deadline.objects.filter(
        case__in=base_cases(f),
        kind__in=[Deadline.Kind.COURT_DUTY, Deadline.Kind.COURT_REPORT],
        cancelled_at__isnull=True,
        due_at__gte=f.start_at,
        due_at__lt=f.end_at,
    )
    now = timezone.now()
    on_time = deadlines.filter(done_at__isnull=False, done_at__lte=F("due_at"))
    late = deadlines.filter(done_at__gt=F("due_at"))
    overdue = deadlines.filter(done_at__isnull=True, due_at__lt=now)
    pending = deadlines.filter(done_at__isnull=True, due_at__gte=now)
    counted = deadlines.aggregate(  # one pass over the period's deadlines
        total=Count("pk"),
        on_time=Count("pk", filter=Q(done_at__isnull=False, done_at__lte=F("due_at"))),
        late=Count("pk", filter=Q(done_at__gt=F("due_at"))),
        overdue=Count("pk", filter=Q(done_at__isnull=True, due_at__lt=now)),
        pending=Count("pk", filter=Q(done_at__isnull=True, due_at__gte=now)),
    )
    parts = [
        Figure(label, counted[key], series=series, cases=cases_of(qs.values("case_id")))
        for label, qs, key, series in [
            (_("rispettate"), on_time, "on_time", "puntuali"),
            (_("adempiute in ritardo"), late, "late", "in_ritardo"),
            (_("scadute e non adempiute"), overdue, "overdue", "scadute"),
            (_("non ancora scadute"), pending, "pending", "aperte"),
        ]
    ]
    due = parts[0].value + parts[1].value + parts[2].value  # type: ignore[operator]
    return Metric(
        "court_deadlines",
        _("Scadenze dell'autorità giudiziaria"),
        [
            Figure(
                _("Scadenze nel periodo"),
                counted["total"],
                series="tutte",
                cases=cases_of(deadlines.values("case_id")),
            ),
            *parts,
            share_figure(
                _("Quota rispettata tra quelle già scadute"),
                int(parts[0].value or 0),
                int(due),
                drill="tutte",
            ),
        ],
        groups=[parts],
        note=_(
            "Adempimenti e relazioni disposti dai provvedimenti; l'elenco mostra le pratiche a cui si riferiscono."
        ),
    )
