"""The demo's court data, built through the services (tutela/court/demo.py)."""

from __future__ import annotations

from django.utils import timezone

from tutela.court.demo import court_seed
from tutela.court.models import PlacementState, ReportState, StepKind
from tutela.deadlines.models import Deadline
from tutela.testing import factories


def test_the_demo_has_an_order_with_a_pending_report_and_a_placement_in_progress(demo):
    first, second = factories.in_care_case(demo), factories.in_care_case(demo)

    court = court_seed(demo)

    assert court.order is not None and court.order.case == first
    assert court.order.measures.filter(kind="supervised_visits", persons__isnull=False).exists()
    assert court.report is not None and court.report.state == ReportState.DRAFT
    pending = Deadline.objects.pending().filter(case=first, kind="court_report")
    assert pending.count() == 2  # the periodic report and the psycho-social investigation
    assert court.placement is not None and court.placement.case == second
    assert court.placement.state == PlacementState.ACTIVE
    request = court.placement.steps.get(kind=StepKind.PM_REQUEST)
    assert request.done_at is None and request.due_at > timezone.now()
    assert court_seed(demo).order is None  # idempotent: no case left without court data
