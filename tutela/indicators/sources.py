"""Objectives' indicators whose actual value a metric computes (seed 002), and expected-vs-actual."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _l

from tutela.indicators.figures import MetricFilter
from tutela.indicators.metrics import (
    MetricFunction,
    court_deadlines,
    personalised_projects,
    take_in_charge_time,
)
from tutela.meetings.models import MeetingKind
from tutela.meetings.selectors import meetings_planned_vs_held, micro_team_share


@dataclass(frozen=True)
class ObjectiveSource:
    """A metric an objective's indicator may take its actual value from: (numerator, denominator)."""

    label: str | Promise
    compute: Callable[[MetricFilter], tuple[int, int]]


def _pair(metric: MetricFunction, part: str, whole: str) -> Callable[[MetricFilter], tuple[int, int]]:
    def compute(f: MetricFilter) -> tuple[int, int]:
        result = metric(f)
        numerator, denominator = result.figure(part), result.figure(whole)
        assert numerator is not None and denominator is not None
        return int(numerator.value or 0), int(denominator.value or 0)

    return compute


def _court_on_time(f: MetricFilter) -> tuple[int, int]:
    result = court_deadlines(f)
    values = {s: int(result.figure(s).value or 0) for s in ("puntuali", "in_ritardo", "scadute")}  # type: ignore[union-attr]
    return values["puntuali"], sum(values.values())


def _micro_teams(f: MetricFilter) -> tuple[int, int]:
    return micro_team_share(f.territory, (f.start, f.end))


def _network_meetings(f: MetricFilter) -> tuple[int, int]:
    planned, held = meetings_planned_vs_held(f.territory, MeetingKind.NETWORK, (f.start, f.end))
    return held, planned


OBJECTIVE_SOURCES: dict[str, ObjectiveSource] = {
    "micro_team_share": ObjectiveSource(
        _l("Casi complessi e indagini con micro-équipe / casi complessi e indagini"), _micro_teams
    ),
    "network_meetings": ObjectiveSource(
        _l("Riunioni di monitoraggio della rete antiviolenza effettuate / previste"), _network_meetings
    ),
    "take_in_charge_within": ObjectiveSource(
        _l("Pratiche assegnate entro il termine / pratiche assegnate"),
        _pair(take_in_charge_time, "entro", "assegnate"),
    ),
    "personalised_projects": ObjectiveSource(
        _l("Minori con progetto personalizzato / minori in carico"),
        _pair(personalised_projects, "con_progetto", "in_carico"),
    ),
    "court_deadlines_on_time": ObjectiveSource(
        _l("Scadenze giudiziarie rispettate / scadenze già scadute"), _court_on_time
    ),
}
