"""Indicators fed by the other apps: micro-équipes and meetings (tutela/meetings), costs (services/costs.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tutela.core.demo.territory import DemoTerritory
from tutela.indicators import metrics
from tutela.indicators.figures import Metric, MetricFilter
from tutela.indicators.metrics.delivery import intervention_costs
from tutela.indicators.selectors import indicator_evaluate
from tutela.indicators.services import IndicatorData, ObjectiveData, indicator_add, objective_create
from tutela.indicators.suppression import HIDDEN_COUNT, NOT_AVAILABLE, complementary, public_value
from tutela.meetings.models import MeetingKind, MeetingParticipant
from tutela.meetings.selectors import micro_team_share
from tutela.meetings.services.meetings import MeetingData, meeting_plan, meeting_record_held
from tutela.meetings.services.network import network_setup
from tutela.meetings.services.teams import MemberData, complex_case_record, micro_team_constitute
from tutela.services.costs import cost_report
from tutela.services.models import DeliveryRecord, Intervention, InterventionState
from tutela.testing import factories

TODAY = timezone.localdate()
YEAR = (TODAY.replace(month=1, day=1), TODAY)


def _filter(demo: DemoTerritory, **kwargs: object) -> MetricFilter:
    return MetricFilter(demo.territory, *YEAR, **kwargs)  # type: ignore[arg-type]


def _pks(metric: Metric, series: str) -> set[int]:
    figure = metric.figure(series)
    cases = figure.case_list() if figure is not None else None
    assert cases is not None
    return set(cases.values_list("pk", flat=True))


def _team(demo: DemoTerritory, case: object, on: dt.date = TODAY) -> None:
    members = [
        MemberData(profession="Psicologa", user=demo.users["psicologa"]),
        MemberData(
            profession="Neuropsichiatra", full_name="Dott.ssa Neri", organisation=demo.organisations["ausl"]
        ),
    ]
    micro_team_constitute(
        case=case,
        actor=demo.users["coordinatore"],
        reason="complex_case",
        constituted_on=on,
        members=members,  # type: ignore[arg-type]
    )


def test_micro_teams_on_complex_cases_and_investigations(demo: DemoTerritory) -> None:
    coordinator = demo.users["coordinatore"]
    teamed = [factories.in_care_case(demo), factories.in_care_case(demo, residence="Montemurlo")]
    for case in teamed:
        _team(demo, case)
    investigated = factories.in_care_case(demo)
    complex_case_record(
        case=investigated, actor=coordinator, reason="court_investigation", recognised_on=TODAY
    )
    complex_case_record(case=investigated, actor=coordinator, reason="complex_case", recognised_on=TODAY)
    old = factories.in_care_case(demo)
    complex_case_record(
        case=old, actor=coordinator, reason="complex_case", recognised_on=YEAR[0] - dt.timedelta(days=1)
    )

    result = metrics.micro_teams(_filter(demo))

    assert micro_team_share(demo.territory, YEAR) == (2, 3)
    assert [f.value for f in result.figures] == [3, 2, Decimal("66.7")]
    assert _pks(result, "casi_indagini") == {teamed[0].pk, teamed[1].pk, investigated.pk}
    assert _pks(result, "micro_equipe") == {c.pk for c in teamed}
    montemurlo = metrics.micro_teams(_filter(demo, municipality=demo.municipalities["Montemurlo"]))
    assert [f.value for f in montemurlo.figures] == [1, 1, Decimal("100.0")]


def _network_meeting(demo: DemoTerritory, days_ago: int) -> object:
    start = timezone.now() - dt.timedelta(days=days_ago)
    return meeting_plan(
        actor=demo.users["coordinatore"],
        territory=demo.territory,
        data=MeetingData(
            kind=MeetingKind.NETWORK,
            title="Monitoraggio della rete",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            place="Sede SdS",
            users=[demo.users["coordinatore"]],
        ),
    )


def test_meetings_held_of_those_planned_and_the_objective_indicator(demo: DemoTerritory) -> None:
    network_setup(territory=demo.territory, actor=demo.users["coordinatore"], name="Rete antiviolenza")
    held = _network_meeting(demo, 3)
    _network_meeting(demo, 2)
    present = {p.pk: MeetingParticipant.Attendance.PRESENT for p in held.participants.all()}  # type: ignore[attr-defined]
    meeting_record_held(meeting=held, actor=demo.users["coordinatore"], held_on=TODAY, attendance=present)  # type: ignore[arg-type]

    # The days around the meetings, not the year to date: early in January they fall in the year before.
    week = (TODAY - dt.timedelta(days=7), TODAY)
    result = metrics.meetings_held(MetricFilter(demo.territory, *week))

    assert [f.value for f in result.figures] == [2, 1, Decimal("50.0")]
    rows = {label: [cell.value for cell in cells] for label, cells in result.tables[0].rows}
    assert rows == {str(MeetingKind.NETWORK.label): [2, 1, 0]}
    assert public_value(result.figures[1]) == 1  # meetings are no child's data: never suppressed
    objective = objective_create(
        actor=demo.users["dirigente"],
        territory=demo.territory,
        data=ObjectiveData(
            code="RETE", title="Rete", responsible="Dirigente", starts_on=week[0], ends_on=week[1]
        ),
    )
    indicator = indicator_add(
        actor=demo.users["dirigente"],
        objective=objective,
        data=IndicatorData(
            kind="PERFORMANCE",
            description="Riunioni effettuate/previste",
            value_type="count",
            expected_numerator=Decimal(6),
            expected_denominator=Decimal(6),
            metric_key="network_meetings",
        ),
    )
    evaluation = indicator_evaluate(indicator, objective)
    assert (evaluation.actual, evaluation.achieved) == ("1/2", False)


def _active(intervention: Intervention, started: dt.date) -> Intervention:
    Intervention.objects.filter(pk=intervention.pk).update(state=InterventionState.ACTIVE, started_on=started)
    return intervention


def test_costs_by_type_and_comune_come_from_the_cost_report(demo: DemoTerritory) -> None:
    started = TODAY.replace(month=1, day=1)
    home = [_active(factories.authorised_intervention(demo), started) for _ in range(6)]
    foster = _active(factories.authorised_intervention(demo, delivery="foster"), started)
    Intervention.objects.filter(pk=foster.pk).update(unit_cost=Decimal("40.00"))
    Intervention.objects.filter(pk=home[0].pk).update(unit_cost=Decimal("20.00"))
    Intervention.objects.filter(pk__in=[i.pk for i in home[1:]]).update(unit_cost=None, contract_rate=None)
    for intervention, hours in ((home[0], "5"), (foster, "1")):
        DeliveryRecord.objects.create(
            intervention=intervention, operator=demo.users["educatore"], day=started, units=Decimal(hours)
        )
    costs = intervention_costs(demo.users["dirigente"], _filter(demo))

    report = cost_report(demo.users["dirigente"], first=YEAR[0], last=YEAR[1])
    assert costs.total == report.total == Decimal("140.00")
    by_service = {g.label: g.total for g in report.by_service}
    result = metrics.interventions_by_type(_filter(demo), costs)

    by_type = {label: cells for label, cells in result.tables[0].rows}
    home_cells, foster_cells = by_type[home[0].service_type.name], by_type[foster.service_type.name]
    assert home_cells[0].value == 6 and [c.value for c in foster_cells] == [1, Decimal("40.00")]
    assert home_cells[1].value == by_service[home[0].service_type.name] == Decimal("100.00")
    assert "5 interventi senza costo unitario" in result.note
    hidden = complementary(result)
    # One foster care: its count and its cost stay inside; the smallest other cost of the column goes too.
    assert public_value(foster_cells[0], hidden) == HIDDEN_COUNT
    assert public_value(foster_cells[1], hidden) == NOT_AVAILABLE
    assert public_value(home_cells[1], hidden) == NOT_AVAILABLE
    assert result.figures[1].unit == "€"


def test_costs_are_shown_to_who_may_see_them(client: Client, demo: DemoTerritory) -> None:
    _active(factories.authorised_intervention(demo), TODAY.replace(day=1))

    client.force_login(demo.users["dirigente"])
    manager = {m.key: m for m in client.get(reverse("indicators:dashboard")).context["metrics"]}
    client.force_login(demo.users["coordinatore"])
    coordinator = {m.key: m for m in client.get(reverse("indicators:dashboard")).context["metrics"]}

    assert manager["interventions"].tables[0].columns == ["Interventi", "Spesa nei mesi del periodo"]
    assert coordinator["interventions"].tables[0].columns == ["Interventi"]
    assert len(coordinator["interventions"].figures) == 1
