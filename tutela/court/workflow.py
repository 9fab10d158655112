"""The state machines of the court app: a report is drafted then filed; an emergency placement waits for
validation, is validated, and ends (art. 403 c.c.)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from tutela.accounts.roles import Cap
from tutela.court.models import CourtReport, EmergencyPlacement, PlacementState, ReportState
from tutela.court.services.common import court_write_refusal
from tutela.workflow import Transition, Workflow


def _writer(obj: Any, user: Any) -> str | None:
    return court_write_refusal(user, obj.case)


def _running(placement: EmergencyPlacement, user: Any) -> str | None:
    if placement.ended_at is not None:
        return _("Il collocamento d'urgenza è già concluso.")
    return court_write_refusal(user, placement.case)


REPORT_WORKFLOW = Workflow(
    model=CourtReport,
    audit_entity="court.report",
    case_of=lambda report: report.case,
    transitions=[
        Transition(
            "file",
            _l("Deposita e protocolla"),
            (ReportState.DRAFT,),
            ReportState.FILED,
            Cap.COURT_WRITE,
            "filed",
            _writer,
            done=_l("Relazione all'autorità giudiziaria depositata e protocollata"),
        ),
    ],
)

PLACEMENT_WORKFLOW = Workflow(
    model=EmergencyPlacement,
    audit_entity="court.placement",
    case_of=lambda placement: placement.case,
    transitions=[
        Transition(
            "validate",
            _l("Convalida"),
            (PlacementState.ACTIVE,),
            PlacementState.VALIDATED,
            Cap.COURT_WRITE,
            "validated",
            _running,
            done=_l("Collocamento d'urgenza convalidato dal Tribunale"),
        ),
        Transition(
            "end",
            _l("Concludi"),
            (PlacementState.ACTIVE, PlacementState.VALIDATED),
            PlacementState.ENDED,
            Cap.COURT_WRITE,
            "ended",
            _running,
            done=_l("Collocamento d'urgenza concluso"),
        ),
    ],
)
