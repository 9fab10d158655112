"""Court data for the access matrix (tutela/accounts/tests/test_access_matrix.py): on the cases of its world
that are in care, a proceeding, an order with a duty and a mandate, a draft report and a running art. 403
placement, recorded by each case's lead social worker through the real services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tutela.accounts.models import Organisation
from tutela.cases.models import Case
from tutela.court.models import AuthorityKind, JudicialAuthority, MandateKind, Nature, OrderStage, StepKind
from tutela.court.services.emergency import PlacementData, emergency_placement_record
from tutela.court.services.orders import (
    DutyData,
    MandateData,
    OrderData,
    ProceedingData,
    court_order_register,
    court_proceeding_create,
)
from tutela.court.services.reports import court_report_create

MATRIX_KEYS = ("mine", "other", "foreign")


def _authority(kind: str, name: str, organisation_name: str) -> JudicialAuthority:
    organisation = Organisation.objects.filter(name=organisation_name).first()
    authority, _created = JudicialAuthority.objects.get_or_create(
        name=name, defaults={"kind": kind, "seat": "Firenze", "organisation": organisation}
    )
    return authority


def court_objects_build(case: Case) -> dict[str, int]:
    """One of each court object on the case; returns their pks by matrix target."""
    actor = case.lead_social_worker
    today = timezone.localdate()
    court = _authority(
        AuthorityKind.JUVENILE_COURT,
        "Tribunale per i minorenni di Firenze",
        "Tribunale per i minorenni di Firenze",
    )
    prosecutor = _authority(
        AuthorityKind.JUVENILE_PROSECUTOR,
        "Procura della Repubblica presso il Tribunale per i minorenni di Firenze",
        "",
    )
    proceeding = court_proceeding_create(
        case=case,
        actor=actor,
        data=ProceedingData(
            authority=court, rg_number=str(case.pk), rg_year=today.year, nature=Nature.CIVIL, opened_on=today
        ),
    )
    order = court_order_register(
        proceeding=proceeding,
        actor=actor,
        data=OrderData(
            order_date=today,
            deposited_on=today,
            received_on=today,
            stage=OrderStage.PROVISIONAL,
            nature=Nature.CIVIL,
            report_every_months=6,
        ),
        duties=[
            DutyData(description="Verifica della frequenza scolastica", due_on=today + dt.timedelta(days=30))
        ],
        mandates=[
            MandateData(kind=MandateKind.PSYCHOSOCIAL_INVESTIGATION, due_on=today + dt.timedelta(days=60))
        ],
    )
    report = court_report_create(order=order, actor=actor, purpose="periodic")
    now = timezone.now()
    placement = emergency_placement_record(
        case=case,
        actor=actor,
        data=PlacementData(
            placed_at=now - dt.timedelta(minutes=30),
            place_kind="community",
            place="Comunità di pronta accoglienza",
            placing_authority="social_service",
            reasons="Grave pregiudizio rilevato durante la visita domiciliare.",
            prosecutor=prosecutor,
            court=court,
            oral_notice_at=now - dt.timedelta(minutes=20),
            oral_notice_who="A.S. di turno al PM di turno",
        ),
    )
    return {
        "court.proceeding": proceeding.pk,
        "court.order": order.pk,
        "court.report": report.pk,
        "court.placement": placement.pk,
        "court.step": placement.steps.get(kind=StepKind.ACTS_TO_PM).pk,
    }


def court_matrix_targets(world: Any, target: str, key: str) -> list[tuple[str, int, bool]]:
    """(label, pk, confidential) of the court object `target` on the world's case `key`; built once per world."""
    built: dict[str, dict[str, int]] | None = getattr(world, "_court_objects", None)
    if built is None:
        built = {k: court_objects_build(world.cases[k]) for k in MATRIX_KEYS}
        world._court_objects = built
    objects = built.get(key)
    return [(f"{key} {target}", objects[target], False)] if objects else []
