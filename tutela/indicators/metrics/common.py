"""The cases every indicator starts from: the territory's, narrowed by Comune of residence and team."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, Max, OuterRef, Q, QuerySet

from tutela.accounts.models import Membership
from tutela.cases.models import Case
from tutela.indicators.figures import MetricFilter


def base_cases(f: MetricFilter) -> QuerySet[Case]:
    """The territory's cases, restricted to the Comune of residence and to the lead social worker's team.

    Counted in aggregate only, for a territory where the viewer holds `indicators.view` (checked by the views);
    every list of cases behind a number goes through `cases_visible_to` (indicators/views.py, drill-down)."""
    cases = Case.objects.filter(territory=f.territory)
    if f.municipality is not None:
        cases = cases.filter(child__residence_municipality=f.municipality)
    if f.team is not None:
        in_team = Membership.objects.filter(user=OuterRef("lead_social_worker"), team=f.team, active=True)
        cases = cases.filter(Exists(in_team))
    return cases


def in_charge_cases(f: MetricFilter) -> QuerySet[Case]:
    """Cases taken in charge (the case entered IN_CARE: `in_care_since`) before the period ends and not closed
    before it began."""
    return (
        base_cases(f)
        .filter(in_care_since__lt=f.end_at)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=f.start_at))
    )


def in_charge_children(f: MetricFilter) -> int:
    """The children of `in_charge_cases`, counted once per filter (three indicators show the number)."""
    if "in_charge_children" not in f.memo:
        f.memo["in_charge_children"] = children(in_charge_cases(f))
    return int(f.memo["in_charge_children"])


def one_per_child(cases: QuerySet[Case]) -> QuerySet[Case]:
    """One case per child (the latest), so that a list of cases counts children."""
    latest = cases.order_by().values("child_id").annotate(last=Max("pk")).values("last")
    return Case.objects.filter(pk__in=latest)


def children(cases: QuerySet[Case]) -> int:
    return cases.order_by().values("child_id").distinct().count()


def cases_of(pks: list[int] | QuerySet[Any]) -> QuerySet[Case]:
    return Case.objects.filter(pk__in=pks)
