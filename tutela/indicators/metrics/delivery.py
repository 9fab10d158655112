"""What the service delivers and owes: interventions by type and paying Comune, court deadlines met on time."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.cases.models import Case
from tutela.deadlines.models import Deadline
from tutela.indicators.figures import AMOUNT, Figure, Metric, MetricFilter, Table, share_figure
from tutela.indicators.metrics.common import base_cases, cases_of
from tutela.services.costs import cost_report
from tutela.services.models import Intervention, InterventionState


def delivered_interventions(f: MetricFilter) -> QuerySet[Intervention]:
    """Interventions delivered in the period: started by its end, not ended before its start."""
    return (
        Intervention.objects.filter(case__in=base_cases(f), started_on__lte=f.end)
        .exclude(state=InterventionState.PLANNED)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=f.start))
    )


def intervention_costs(user: Any, f: MetricFilter) -> dict[int, Decimal | None]:
    """What each intervention the user may see the costs of cost in the months of the period (whole months,
    services/costs.py); None when it has no unit cost."""
    report = cost_report(user, first=f.start, last=f.end)
    return {row.intervention.pk: row.total for row in report.rows}


def interventions_by_type(f: MetricFilter, costs: Mapping[int, Decimal | None] | None = None) -> Metric:
    """Interventions delivered in the period by service type and by paying Comune; with `costs` (for who may
    see them: intervention_costs), what they cost in the months of the period."""
    interventions = delivered_interventions(f)
    listed: list[Any] = list(
        interventions.order_by().values_list(
            "pk", "service_type", "service_type__name", "paying_municipality", "paying_municipality__name"
        )
    )

    def cases_with(**lookup: Any) -> QuerySet[Case]:
        return cases_of(interventions.filter(**lookup).values("case_id"))

    def table(title: str, key: int, name: int, lookup: str, prefix: str) -> Table:
        groups: dict[Any, list[int]] = {}
        labels: dict[Any, str] = {}
        for row in listed:
            groups.setdefault(row[key], []).append(row[0])
            labels[row[key]] = row[name]
        rows = []
        for group in sorted(groups, key=lambda g: labels[g]):
            count = Figure(
                labels[group],
                len(groups[group]),
                series=f"{prefix}:{group}",
                cases=cases_with(**{lookup: group}),
            )
            rows.append((labels[group], [count, *_cost_cells(groups[group], costs, count.series)]))
        columns = [_("Interventi"), *([_("Spesa nei mesi del periodo")] if costs is not None else [])]
        return Table(title, columns, rows)

    by_type = table(_("Per tipo di servizio"), 1, 2, "service_type", "tipo")
    by_municipality = table(_("Per Comune che sostiene la spesa"), 3, 4, "paying_municipality", "comune")
    figures = [Figure(_("Interventi erogati nel periodo"), len(listed), series="tutti", cases=cases_with())]
    figures += _cost_cells([row[0] for row in listed], costs, "tutti", _("Spesa nei mesi del periodo"))
    unknown = sum(1 for row in listed if costs is not None and costs.get(row[0]) is None)
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
        note=_cost_note(costs, unknown),
    )


def _cost_cells(
    ids: list[int], costs: Mapping[int, Decimal | None] | None, drill: str, label: str = ""
) -> list[Figure]:
    """The cost of these interventions (unknown costs left out), suppressed outside with their number."""
    if costs is None:
        return []
    total = sum((costs.get(pk) or Decimal("0") for pk in ids), Decimal("0"))
    return [Figure(label or _("Spesa"), total, AMOUNT, unit="€", basis=(len(ids),), drill=drill)]


def _cost_note(costs: Mapping[int, Decimal | None] | None, unknown: int) -> str:
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
    parts = [
        Figure(label, qs.count(), series=series, cases=cases_of(qs.values("case_id")))
        for label, qs, series in [
            (_("rispettate"), on_time, "puntuali"),
            (_("adempiute in ritardo"), late, "in_ritardo"),
            (_("scadute e non adempiute"), overdue, "scadute"),
            (_("non ancora scadute"), pending, "aperte"),
        ]
    ]
    due = parts[0].value + parts[1].value + parts[2].value  # type: ignore[operator]
    return Metric(
        "court_deadlines",
        _("Scadenze dell'autorità giudiziaria"),
        [
            Figure(
                _("Scadenze nel periodo"),
                deadlines.count(),
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
