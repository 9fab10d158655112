"""Objectives (seed 002): phases whose weights add up to 100, typed expected values against actual ones."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tutela.audit.models import AuditEvent
from tutela.core.demo.territory import DemoTerritory
from tutela.indicators.demo import SEED_002_CODE, objective_demo_load
from tutela.indicators.models import Indicator, Objective, Phase
from tutela.indicators.selectors import indicator_evaluate
from tutela.indicators.services import (
    ActualData,
    IndicatorData,
    ObjectiveData,
    PhaseData,
    indicator_add,
    indicator_record_actual,
    objective_approve,
    objective_create,
    phase_add,
    phase_update,
)
from tutela.indicators.tests.helpers import other_territory_manager
from tutela.testing import factories
from tutela.testing.asserts import assert_refused

TODAY = timezone.localdate()


def _phase(weight: str, title: str = "Fase") -> PhaseData:
    return PhaseData(
        title=title,
        weight=Decimal(weight),
        planned_start=dt.date(2019, 1, 22),
        planned_end=dt.date(2019, 12, 31),
        responsible="Responsabile",
    )


def _phases(objective: Objective) -> list[tuple[str, Decimal]]:
    return list(Phase.objects.filter(objective=objective).values_list("title", "weight"))


def test_the_seed_objective_loads_as_given_and_stays_a_draft(demo: DemoTerritory) -> None:
    objective = objective_demo_load(demo)

    assert objective.code == SEED_002_CODE and objective_demo_load(demo).pk == objective.pk
    assert [w for _t, w in _phases(objective)] == [Decimal("25.00"), Decimal("25.00")]
    expected = [
        (i.kind, i.value_type, i.expected_numerator, i.expected_denominator, i.expected_date)
        for i in objective.indicators.all()
    ]
    assert expected == [
        ("PERFORMANCE", "ratio", Decimal("120.00"), Decimal("200.00"), None),
        ("RESULT", "date", None, None, dt.date(2019, 6, 30)),
        ("PERFORMANCE", "count", Decimal("6.00"), Decimal("6.00"), None),
    ]
    assert_refused(
        lambda: objective_approve(actor=demo.users["dirigente"], objective=objective),
        lambda: Objective.objects.filter(pk=objective.pk, approved_at__isnull=True).count(),
        "La somma dei pesi delle fasi è 50%: deve essere esattamente 100 per approvare l'obiettivo.",
    )


def test_weights_over_100_are_refused_and_exactly_100_approves(demo: DemoTerritory) -> None:
    objective = objective_demo_load(demo)
    manager = demo.users["dirigente"]

    assert_refused(
        lambda: phase_add(actor=manager, objective=objective, data=_phase("50.01")),
        lambda: _phases(objective),
        "Con questo peso le fasi arriverebbero al 100,01%: la somma dei pesi non può superare 100.",
        ValidationError,
    )
    phase_add(actor=manager, objective=objective, data=_phase("50", "Monitoraggio"))
    approved = objective_approve(actor=manager, objective=objective)

    assert approved.approved_at is not None and approved.approved_by == manager
    assert AuditEvent.objects.filter(
        action="indicators.objective.approved", object_id=str(objective.pk)
    ).exists()
    assert_refused(
        lambda: phase_add(actor=manager, objective=approved, data=_phase("1")),
        lambda: _phases(objective),
        "L'obiettivo è approvato: le fasi e i loro pesi non si modificano più.",
    )


def test_an_approved_objective_takes_actual_dates_but_not_a_new_plan(demo: DemoTerritory) -> None:
    manager = demo.users["dirigente"]
    objective = objective_demo_load(demo)
    phase_add(actor=manager, objective=objective, data=_phase("50", "Monitoraggio"))
    objective_approve(actor=manager, objective=objective)
    phase = objective.phases.first()
    assert phase is not None
    data = _phase("25", phase.title)
    data = PhaseData(
        **{
            **data.__dict__,
            "responsible": phase.responsible,
            "responsibility_centre": phase.responsibility_centre,
        }
    )

    phase_update(
        actor=manager, phase=phase, data=PhaseData(**{**data.__dict__, "actual_start": dt.date(2019, 2, 1)})
    )
    assert Phase.objects.get(pk=phase.pk).actual_start == dt.date(2019, 2, 1)
    assert_refused(
        lambda: phase_update(
            actor=manager, phase=phase, data=PhaseData(**{**data.__dict__, "weight": Decimal("30")})
        ),
        lambda: _phases(objective),
        "L'obiettivo è approvato: si registrano solo le date effettive e le note delle fasi.",
    )


def test_only_the_manager_manages_objectives(demo: DemoTerritory) -> None:
    objective = objective_demo_load(demo)

    assert_refused(
        lambda: phase_add(actor=demo.users["coordinatore"], objective=objective, data=_phase("10")),
        lambda: _phases(objective),
        "Il tuo ruolo non consente di gestire obiettivi e indicatori.",
    )


def _indicator(demo: DemoTerritory, value_type: str, **expected: object) -> tuple[Objective, Indicator]:
    objective = objective_create(
        actor=demo.users["dirigente"],
        territory=demo.territory,
        data=ObjectiveData(
            code=f"T-{value_type}",
            title="Prova",
            responsible="Dirigente",
            starts_on=TODAY.replace(month=1, day=1),
            ends_on=TODAY,
        ),
    )
    indicator = indicator_add(
        actor=demo.users["dirigente"],
        objective=objective,
        data=IndicatorData(
            kind=Indicator.Kind.PERFORMANCE, description="Indicatore", value_type=value_type, **expected
        ),  # type: ignore[arg-type]
    )
    return objective, indicator


def _record(demo: DemoTerritory, indicator: Indicator, **values: object) -> Indicator:
    return indicator_record_actual(
        actor=demo.users["dirigente"],
        indicator=indicator,
        data=ActualData(note="Verbale n. 3", **values),  # type: ignore[arg-type]
    )


def test_expected_against_actual_for_ratios_counts_and_dates(demo: DemoTerritory) -> None:
    objective, ratio = _indicator(
        demo, "ratio", expected_numerator=Decimal(120), expected_denominator=Decimal(200)
    )
    assert indicator_evaluate(ratio, objective).achieved is None  # nothing found yet
    ratio = _record(demo, ratio, numerator=Decimal(130), denominator=Decimal(210))
    evaluation = indicator_evaluate(ratio, objective)
    assert (evaluation.expected, evaluation.actual, evaluation.achieved) == ("120/200", "130/210", True)
    assert evaluation.progress == Decimal("103.2")  # 61.9% of 60%
    assert "Verbale n. 3" in evaluation.source

    objective, count = _indicator(
        demo, "count", expected_numerator=Decimal(6), expected_denominator=Decimal(6)
    )
    evaluation = indicator_evaluate(
        _record(demo, count, numerator=Decimal(5), denominator=Decimal(6)), objective
    )
    assert (evaluation.achieved, evaluation.progress) == (False, Decimal("83.3"))

    objective, date = _indicator(demo, "date", expected_date=dt.date(2019, 6, 30))
    assert indicator_evaluate(_record(demo, date, day=dt.date(2019, 6, 30)), objective).achieved is True
    assert indicator_evaluate(_record(demo, date, day=dt.date(2019, 7, 1)), objective).achieved is False


def test_an_indicator_computed_from_the_data(demo: DemoTerritory) -> None:
    factories.assessment_case(demo, days_ago=2)
    factories.assessment_case(demo, days_ago=3)
    objective, indicator = _indicator(
        demo,
        "ratio",
        expected_numerator=Decimal(9),
        expected_denominator=Decimal(10),
        metric_key="take_in_charge_within",
    )

    evaluation = indicator_evaluate(indicator, objective)

    assert (evaluation.actual, evaluation.achieved) == ("2/2", True)
    assert evaluation.source.startswith("calcolato dai dati")
    assert_refused(
        lambda: _record(demo, indicator, numerator=Decimal(1), denominator=Decimal(2)),
        lambda: Indicator.objects.filter(pk=indicator.pk).values_list("actual_numerator").get(),
        "Il valore di questo indicatore è calcolato dai dati: non si inserisce a mano.",
    )


def test_bad_expected_values_are_refused(demo: DemoTerritory) -> None:
    with pytest.raises(ValidationError) as error:
        _indicator(demo, "ratio", expected_numerator=Decimal(1), expected_denominator=Decimal(0))
    assert error.value.message_dict == {
        "expected_denominator": ["Indicare il denominatore atteso (numero maggiore di zero)."]
    }
    with pytest.raises(ValidationError):
        _indicator(demo, "date")


def test_objective_pages(client: Client, demo: DemoTerritory) -> None:
    objective = objective_demo_load(demo)
    client.force_login(demo.users["coordinatore"])

    page = client.get(reverse("indicators:objective_detail", kwargs={"pk": objective.pk})).content.decode()
    assert '<svg viewBox="0 0 1000' in page and 'class="gantt-planned"' in page and "style=" not in page
    assert "120/200" in page and "entro il 30/06/2019" in page
    assert client.get(reverse("indicators:phase_add", kwargs={"pk": objective.pk})).status_code == 404

    client.force_login(demo.users["dirigente"])
    url = reverse("indicators:phase_add", kwargs={"pk": objective.pk})
    data = {
        "title": "Monitoraggio",
        "weight": "60",
        "planned_start": "2019-02-01",
        "planned_end": "2019-11-30",
        "responsible": "PO Tutela",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200 and "la somma dei pesi non può superare 100" in refused.content.decode()
    assert client.post(url, {**data, "weight": "50"}).status_code == 302
    assert (
        client.post(reverse("indicators:objective_approve", kwargs={"pk": objective.pk})).status_code == 302
    )
    assert Objective.objects.get(pk=objective.pk).approved_at is not None


def test_objectives_answer_404_outside_the_territory_and_without_access(
    client: Client, demo: DemoTerritory
) -> None:
    objective = objective_demo_load(demo)
    foreign = other_territory_manager()
    detail = reverse("indicators:objective_detail", kwargs={"pk": objective.pk})
    missing = reverse("indicators:objective_detail", kwargs={"pk": 987654})

    assert_refused(
        lambda: phase_add(actor=foreign, objective=objective, data=_phase("10")),
        lambda: _phases(objective),
        "Il tuo ruolo non consente di gestire obiettivi e indicatori.",
    )
    client.force_login(foreign)
    assert client.get(detail).status_code == 404
    assert client.get(detail).content == client.get(missing).content
    assert client.get(reverse("indicators:phase_add", kwargs={"pk": objective.pk})).status_code == 404
    client.force_login(demo.users["assistente"])
    assert client.get(detail).status_code == 404
    assert client.get(reverse("indicators:objective_list")).status_code == 404
