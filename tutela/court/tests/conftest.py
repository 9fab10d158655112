"""Court fixtures: the demo's judicial authorities, a case in care led by `assistente`, its proceeding."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tutela.cases.models import Case
from tutela.core.demo.territory import DemoTerritory
from tutela.court.demo import authorities_ensure
from tutela.court.models import CourtOrder, CourtProceeding, JudicialAuthority, Nature, OrderStage
from tutela.court.services.orders import (
    DutyData,
    MandateData,
    MeasureData,
    OrderData,
    ProceedingData,
    court_order_register,
    court_proceeding_create,
)
from tutela.testing import factories


@pytest.fixture
def authorities(demo: DemoTerritory) -> dict[str, JudicialAuthority]:
    return authorities_ensure(demo)


@pytest.fixture
def case(demo: DemoTerritory) -> Case:
    """In care, led by assistente, child resident in Prato, with the mother recorded."""
    return factories.in_care_case(demo)


@pytest.fixture
def proceeding(demo: DemoTerritory, case: Case, authorities: dict[str, JudicialAuthority]) -> CourtProceeding:
    return court_proceeding_create(
        case=case,
        actor=demo.users["assistente"],
        data=ProceedingData(
            authority=authorities["tm"],
            rg_number="1234",
            rg_year=timezone.localdate().year,
            nature=Nature.CIVIL,
            opened_on=timezone.localdate() - dt.timedelta(days=30),
        ),
    )


def order_data(**changes: Any) -> OrderData:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "order_date": today - dt.timedelta(days=10),
        "deposited_on": today - dt.timedelta(days=9),
        "received_on": today - dt.timedelta(days=7),
        "stage": OrderStage.PROVISIONAL,
        "nature": Nature.CIVIL,
        "number": "55/2026",
    }
    values.update(changes)
    return OrderData(**values)


def register(
    proceeding: CourtProceeding,
    actor: Any,
    *,
    measures: tuple[MeasureData, ...] = (),
    duties: tuple[DutyData, ...] = (),
    mandates: tuple[MandateData, ...] = (),
    **changes: Any,
) -> CourtOrder:
    return court_order_register(
        proceeding=proceeding,
        actor=actor,
        data=order_data(**changes),
        measures=measures,
        duties=duties,
        mandates=mandates,
    )
