"""Cases in every workflow state, built through the real services (one factory per state).

Each factory returns a fresh Case (or proposal) of the demo territory; tests pass the `demo` fixture.
"""

from __future__ import annotations

from typing import Any

from tutela.cases.models import Case
from tutela.core.demo.cases import DemoCases
from tutela.core.demo.territory import DemoTerritory
from tutela.services.models import ServiceProposal

_builders: dict[int, DemoCases] = {}


def _builder(demo: DemoTerritory) -> DemoCases:
    key = id(demo)
    if key not in _builders:
        _builders.clear()
        _builders[key] = DemoCases(demo, seed=7)
    return _builders[key]


def referred_case(
    demo: DemoTerritory,
    *,
    channel: str = "indirect",
    residence: str = "Prato",
    days_ago: int = 1,
    sender: str = "school",
) -> Case:
    b = _builder(demo)
    if channel == "direct":
        return b.direct(days_ago=days_ago, residence=residence)
    return b.indirect(days_ago=days_ago, sender=sender, residence=residence)


def assessment_case(demo: DemoTerritory, *, worker: str = "assistente", **kwargs: Any) -> Case:
    return _builder(demo).assigned(referred_case(demo, **kwargs), worker)


def in_care_case(demo: DemoTerritory, *, worker: str = "assistente", **kwargs: Any) -> Case:
    b = _builder(demo)
    case = assessment_case(demo, worker=worker, **kwargs)
    b.in_care(case, None, worker)
    return Case.objects.get(pk=case.pk)


def proposal_in(demo: DemoTerritory, outcome: str) -> ServiceProposal:
    """A proposal brought to `outcome`: draft, returned, submitted, approved, review, authorised,
    authorised_montemurlo, acknowledged, denied, rejected."""
    b = _builder(demo)
    before = set(ServiceProposal.objects.values_list("pk", flat=True))
    b.proposal_to(outcome)
    created = (
        ServiceProposal.objects.exclude(pk__in=before).select_related("case__child", "case__territory").get()
    )
    return created


def closing_case(demo: DemoTerritory) -> Case:
    b = _builder(demo)
    before = set(Case.objects.values_list("pk", flat=True))
    b.closing()
    return Case.objects.exclude(pk__in=before).get()


def closed_case(demo: DemoTerritory) -> Case:
    b = _builder(demo)
    before = set(Case.objects.values_list("pk", flat=True))
    b.closed()
    return Case.objects.exclude(pk__in=before).get()
