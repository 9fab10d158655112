"""Home educational support in every state for the tests of educators, timesheets, PEI, reports and controls.

The intervention comes from a proposal authorised through the real services (factories); its state and start
date are then set directly, in test setup only, so that these tests do not depend on the activation's own
preconditions (tested in test_delivery*.py).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tutela.accounts.models import Membership, Organisation, User
from tutela.accounts.roles import Role
from tutela.conftest import TEST_PASSWORD
from tutela.core.demo.territory import DemoTerritory
from tutela.services.educational import AssignmentData, educator_assign
from tutela.services.models import EducatorAssignment, Intervention, InterventionState
from tutela.testing import factories


def home_support(
    demo: DemoTerritory,
    *,
    state: str = InterventionState.ACTIVE,
    started_days_ago: int = 30,
    hours: Decimal | None = Decimal("6"),
    case: Any = None,
    residence: str = "Prato",
    delivery: str = "educational",
) -> Intervention:
    """An authorised home-support intervention of the demo cooperative for a case led by `assistente`."""
    intervention = factories.authorised_intervention(demo, case, delivery=delivery, residence=residence)
    started_on = timezone.localdate() - dt.timedelta(days=started_days_ago)
    Intervention.objects.filter(pk=intervention.pk).update(
        state=state,
        hours_per_week=hours,
        started_on=None if state == InterventionState.PLANNED else started_on,
    )
    return Intervention.objects.select_related("case", "service_type", "provider").get(pk=intervention.pk)


def educator(demo: DemoTerritory, username: str, organisation: Organisation | None = None) -> User:
    """A further educator of the demo cooperative (or of another provider)."""
    user = User.objects.create_user(
        username=username, password=TEST_PASSWORD, first_name="Educatore", last_name=username.title()
    )
    Membership.objects.create(
        user=user, organisation=organisation or demo.organisations["provider"], role=Role.EDUCATOR
    )
    return user


def other_provider(demo: DemoTerritory) -> tuple[Organisation, User, User]:
    """Another cooperative of the territory, with its coordinator and one educator."""
    organisation = Organisation.objects.create(
        name="Cooperativa Arcobaleno",
        kind=Organisation.Kind.PROVIDER,
        territory=demo.territory,
        municipality=demo.municipalities["Prato"],
        email="adm@arcobaleno.example.invalid",
    )
    coordinator = User.objects.create_user(username="arcobaleno", password=TEST_PASSWORD)
    Membership.objects.create(user=coordinator, organisation=organisation, role=Role.PROVIDER_COORDINATOR)
    return organisation, coordinator, educator(demo, "arcobaleno.educatore", organisation)


def assign(
    demo: DemoTerritory,
    intervention: Intervention,
    user: User | None = None,
    *,
    hours: str = "4",
    starts_days_ago: int = 30,
) -> EducatorAssignment:
    """The cooperative's coordinator assigns `user` (default: the demo educator) through the service."""
    return educator_assign(
        intervention=intervention,
        actor=demo.users["cooperativa"],
        data=AssignmentData(
            educator=user or demo.users["educatore"],
            hours_per_week=Decimal(hours),
            starts_on=timezone.localdate() - dt.timedelta(days=starts_days_ago),
        ),
    )


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


# --- the access matrix (tutela/accounts/tests/test_access_matrix.py) -----------------------------------------


def educational_objects_build(world: Any) -> dict[str, int]:
    """On the world's case "mine": a running home support of the demo cooperative (nobody assigned to it) with
    a progress report meant for the court and a control whose follow-up is open, through the real services."""
    from tutela.core.demo.territory import territory_build
    from tutela.services.controls import ControlData, control_record
    from tutela.services.models import DeliveryControl
    from tutela.services.progress import ProgressReportData, progress_report_submit

    case = world.cases["mine"]
    demo = territory_build(password=TEST_PASSWORD)
    intervention = home_support(demo, case=case, started_days_ago=20)
    report = progress_report_submit(
        intervention=intervention,
        actor=demo.users["cooperativa"],
        data=ProgressReportData(
            period_from=days_ago(20), period_to=days_ago(1), text="Andamento regolare.", for_court=True
        ),
    )
    control = control_record(
        intervention=intervention,
        actor=demo.users["sds"],
        data=ControlData(
            day=days_ago(1),
            method=DeliveryControl.Method.DOCUMENTS,
            outcome=DeliveryControl.Outcome.MINOR,
            findings="Fogli presenza incompleti.",
            follow_up="Completare i fogli presenza.",
            follow_up_due=days_ago(-10),
        ),
    )
    return {"progress_report": report.pk, "control": control.pk, "running_intervention": intervention.pk}


def educational_matrix_targets(world: Any, target: str, key: str) -> list[tuple[str, int, bool]]:
    """(label, pk, confidential) of a progress report or a control on the world's case `key` ("mine" only: on
    another case the cooperative's intervention would widen its scope); built once per world."""
    if key != "mine":
        return []
    built: dict[str, int] | None = getattr(world, "_educational_objects", None)
    if built is None:
        built = educational_objects_build(world)
        world._educational_objects = built
    return [(f"{key} {target}", built[target], False)]


def educational_refused_to(name: str, pk: int) -> str | None:
    """Where an act on these pages that the user may not do now sends them back (None: not one of them)."""
    from django.urls import reverse

    from tutela.services.models import DeliveryControl

    if name == "delivery:educational_action":
        return reverse("delivery:educational", kwargs={"pk": pk})
    if name == "delivery:control_add":
        return reverse("delivery:controls", kwargs={"pk": pk})
    if name == "delivery:control_action":
        control = DeliveryControl.objects.get(pk=pk)
        return reverse("delivery:controls", kwargs={"pk": control.intervention_id})
    if name == "delivery:report_transmit":
        return reverse("delivery:report", kwargs={"pk": pk})
    return None
