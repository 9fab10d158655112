"""The indicators computed from the data (seeds 001, 002, 004), one function per indicator.

Each function takes a `MetricFilter` (territory, period, optionally a Comune of residence and a team) and returns
a `Metric`: its figures, each with the number and, when the number counts cases, the queryset of the cases
behind it. Those querysets are not scoped to anyone: the drill-down intersects them with
`cases_visible_to(user)` (views.drilldown), the dashboard shows the numbers only to territory-wide roles.
Which numbers may leave the service, and how they are suppressed, is `suppression.py`'s business (ADR 0013).
"""

from __future__ import annotations

from collections.abc import Callable

from tutela.indicators.figures import Metric, MetricFilter
from tutela.indicators.metrics.children import (
    minors_in_charge,
    new_cases,
    personalised_projects,
    take_in_charge_time,
    yearly_change,
)
from tutela.indicators.metrics.common import base_cases, in_charge_cases, one_per_child
from tutela.indicators.metrics.delivery import court_deadlines, interventions_by_type
from tutela.indicators.metrics.staff import (
    INHABITANTS_PER_SOCIAL_WORKER,
    caseload,
    social_workers_of,
    social_workers_ratio,
    staff_fte,
)
from tutela.indicators.metrics.teams import meetings_held, micro_teams

MetricFunction = Callable[[MetricFilter], Metric]

METRICS: dict[str, MetricFunction] = {
    "minors_in_charge": minors_in_charge,
    "new_cases": new_cases,
    "take_in_charge": take_in_charge_time,
    "personalised_projects": personalised_projects,
    "micro_teams": micro_teams,
    "meetings": meetings_held,
    "yearly_change": yearly_change,
    "caseload": caseload,
    "social_workers": social_workers_ratio,
    "interventions": interventions_by_type,
    "court_deadlines": court_deadlines,
}

__all__ = [
    "INHABITANTS_PER_SOCIAL_WORKER",
    "METRICS",
    "MetricFunction",
    "base_cases",
    "caseload",
    "court_deadlines",
    "in_charge_cases",
    "interventions_by_type",
    "meetings_held",
    "micro_teams",
    "minors_in_charge",
    "new_cases",
    "one_per_child",
    "personalised_projects",
    "social_workers_of",
    "social_workers_ratio",
    "staff_fte",
    "take_in_charge_time",
    "yearly_change",
]
