"""`manage.py seed_demo` loads the demo territory with every area of the product, through the real services."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from tutela.cases.models import Case
from tutela.court.models import CourtOrder
from tutela.deadlines.models import Deadline
from tutela.indicators.models import Objective
from tutela.meetings.models import Meeting
from tutela.services.models import DeliveryControl, DeliveryRecord, Intervention, Placement, ProgressReport


@pytest.mark.django_db
def test_seed_demo_loads_every_area_once() -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert "Territorio dimostrativo caricato" in out.getvalue()
    states = Counter(Intervention.objects.values_list("state", flat=True))
    assert {"PLANNED", "ACTIVE", "SUSPENDED", "ENDED"} <= set(states)
    assert Placement.objects.filter(kind=Placement.Kind.FOSTER, ended_on__isnull=True).count() == 1
    assert Deadline.objects.pending().filter(kind=Deadline.Kind.PLACEMENT_EXPIRY).count() == 1
    assert (
        DeliveryRecord.objects.exists()
        and ProgressReport.objects.exists()
        and DeliveryControl.objects.exists()
    )
    assert CourtOrder.objects.exists() and Meeting.objects.exists() and Objective.objects.exists()

    counts = (Case.objects.count(), Intervention.objects.count(), Meeting.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Case.objects.count(), Intervention.objects.count(), Meeting.objects.count()) == counts
