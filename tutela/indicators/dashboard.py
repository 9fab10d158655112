"""The dashboard's view of the metrics: formatted numbers with their drill-down links, the charts' data, and
the rows of the XLSX export (with small counts suppressed, ADR 0013)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tutela.accounts.access import has_capability
from tutela.accounts.roles import Cap
from tutela.indicators.figures import COUNT, Figure, Metric, MetricFilter
from tutela.indicators.forms import filter_query
from tutela.indicators.metrics import METRICS, interventions_by_type
from tutela.indicators.metrics.delivery import intervention_costs
from tutela.indicators.suppression import complementary, public_value


@dataclass(frozen=True)
class ShownFigure:
    label: str
    text: str
    url: str | None
    series: str


@dataclass(frozen=True)
class ShownTable:
    title: str
    columns: list[str]
    rows: list[tuple[str, list[ShownFigure]]]


@dataclass(frozen=True)
class ShownMetric:
    key: str
    title: str
    figures: list[ShownFigure]
    tables: list[ShownTable]
    note: str
    chart: str | None  # the id of its canvas


def format_value(value: int | Decimal | str | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    text = number_format(value, decimal_pos=None, use_l10n=True, force_grouping=True)
    return f"{text} {unit}".strip() if unit and unit != "%" else f"{text}{unit}"


def drilldown_url(f: MetricFilter, metric: str, series: str) -> str:
    query = {"indicatore": metric, "serie": series, **filter_query(f)}
    return f"{reverse('indicators:drilldown')}?{urlencode(query)}"


def _shown(f: MetricFilter, metric: Metric, figure: Figure) -> ShownFigure:
    """A count links to its own cases; a derived value (median, share, change) to the cases it rests on."""
    url = None
    if figure.cases is not None and figure.series:
        url = drilldown_url(f, metric.key, figure.series)
    elif figure.drill and figure.value is not None:
        url = drilldown_url(f, metric.key, figure.drill)
    return ShownFigure(figure.label, format_value(figure.value, figure.unit), url, figure.series)


# Which breakdown each chart draws: (metric, table index or None for the metric's first group, chart type)
CHARTS: dict[str, tuple[int | None, str]] = {
    "new_cases": (0, "bar"),
    "take_in_charge": (0, "bar"),
    "caseload": (0, "bar"),
    "interventions": (0, "barh"),
    "court_deadlines": (None, "doughnut"),
}


def metrics_for(f: MetricFilter, user: Any) -> list[Metric]:
    """Every indicator; the interventions with their costs for who may see the costs (services/costs.py)."""
    costs = intervention_costs(user, f) if has_capability(user, Cap.COSTS_VIEW, f.territory.pk) else None
    return [
        interventions_by_type(f, costs) if key == "interventions" else compute(f)
        for key, compute in METRICS.items()
    ]


def shown_metrics(f: MetricFilter, metrics: list[Metric]) -> list[ShownMetric]:
    return [
        ShownMetric(
            metric.key,
            metric.title,
            [_shown(f, metric, figure) for figure in metric.figures],
            [
                ShownTable(
                    table.title,
                    table.columns,
                    [(label, [_shown(f, metric, cell) for cell in cells]) for label, cells in table.rows],
                )
                for table in metric.tables
            ],
            metric.note,
            f"chart-{metric.key}" if metric.key in CHARTS and _chart_figures(metric) else None,
        )
        for metric in metrics
    ]


def _chart_figures(metric: Metric) -> list[tuple[str, Figure]]:
    table_index, _kind = CHARTS[metric.key]
    if table_index is None:
        return [(figure.label, figure) for figure in (metric.groups[0] if metric.groups else [])]
    if table_index >= len(metric.tables):
        return []
    return [(label, cells[0]) for label, cells in metric.tables[table_index].rows if cells[0].kind == COUNT]


def chart_specs(metrics: list[Metric]) -> list[dict[str, Any]]:
    """What dashboard.js draws (through json_script): the same numbers as the tables beside each chart."""
    specs = []
    for metric in metrics:
        if metric.key not in CHARTS:
            continue
        points = _chart_figures(metric)
        if not points:
            continue
        kind = CHARTS[metric.key][1]
        specs.append(
            {
                "id": f"chart-{metric.key}",
                "type": "bar" if kind == "barh" else kind,
                "horizontal": kind == "barh",
                "label": metric.title,
                "labels": [label for label, _figure in points],
                "values": [float(figure.value or 0) for _label, figure in points],
            }
        )
    return specs


def export_rows(f: MetricFilter, metrics: list[Metric]) -> list[list[Any]]:
    """Every number of the dashboard, suppressed as it may leave the service."""
    rows: list[list[Any]] = [
        [_("Territorio"), str(f.territory), "", ""],
        [_("Periodo"), f"{f.start:%d/%m/%Y} - {f.end:%d/%m/%Y}", "", ""],
        [_("Comune di residenza"), str(f.municipality or _("tutti")), "", ""],
        [_("Équipe"), str(f.team or _("tutte")), "", ""],
        [
            _("Nota"),
            _(
                "Conteggi da 1 a 5 indicati come «< 6»; valori che ne derivano o che li renderebbero ricavabili: «n.d.»"
            ),
            "",
            "",
        ],
    ]
    for metric in metrics:
        hidden = complementary(metric)
        for figure in metric.figures:
            rows.append([metric.title, figure.label, _cell(public_value(figure, hidden)), figure.unit])
        for table in metric.tables:
            for label, cells in table.rows:
                for column, cell in zip(table.columns, cells, strict=True):
                    rows.append(
                        [
                            f"{metric.title} — {table.title}",
                            f"{label}: {column}",
                            _cell(public_value(cell, hidden)),
                            cell.unit,
                        ]
                    )
    return rows


def _cell(value: int | Decimal | str | None) -> int | float | str | None:
    """Decimals as numbers the spreadsheet can add up."""
    return float(value) if isinstance(value, Decimal) else value
