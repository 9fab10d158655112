"""The social worker's monitoring (seed 000 step 8) and the paying Comune's acknowledgement (step 5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.audit.services import audit_record
from tutela.deadlines.models import Deadline
from tutela.deadlines.services import deadline_complete_for_source, deadline_create, end_of_day
from tutela.services.delivery.common import date_check
from tutela.services.delivery_workflow import INTERVENTION_WORKFLOW
from tutela.services.models import AdministrativeReview, Intervention, MonitoringEntry


@dataclass(frozen=True)
class MonitoringData:
    day: dt.date
    assessment: str
    text: str
    next_check_on: dt.date | None = None


def monitoring_record(*, intervention: Intervention, actor: Any, data: MonitoringData) -> MonitoringEntry:
    """Seed 000 step 8: the lead social worker's monitoring; the next check becomes their deadline."""
    errors: dict[str, str] = {}
    if data.assessment not in MonitoringEntry.Assessment.values:
        errors["assessment"] = _("Valutazione non valida.")
    if not data.text.strip():
        errors["text"] = _("Descrivere l'andamento dell'intervento.")
    if data.next_check_on is not None and data.next_check_on <= max(data.day, timezone.localdate()):
        errors["next_check_on"] = _("Il prossimo monitoraggio deve essere in una data futura.")
    if errors:
        raise ValidationError(errors)
    created: dict[str, MonitoringEntry] = {}

    def effect(locked: Intervention) -> Sequence[str]:
        date_check(data.day, "day", not_before=locked.started_on, after_what=_("l'avvio dell'intervento"))
        deadline_complete_for_source(source=locked, kind=Deadline.Kind.MONITORING, actor=actor)
        entry = MonitoringEntry.objects.create(
            intervention=locked,
            author=actor,
            day=data.day,
            assessment=data.assessment,
            text=data.text.strip(),
            next_check_on=data.next_check_on,
        )
        audit_record(actor=actor, action="services.monitoring.created", obj=entry, case_id=locked.case_id)
        if data.next_check_on is not None:
            deadline_create(
                case=locked.case,
                kind=Deadline.Kind.MONITORING,
                description=_("Monitoraggio dell'intervento: %(service)s")
                % {"service": locked.service_type.name[:150]},
                due_at=end_of_day(data.next_check_on),
                actor=actor,
                owner=actor,
                source=locked,
            )
        created["entry"] = entry
        return []

    INTERVENTION_WORKFLOW.apply(intervention, "monitor", actor=actor, effect=effect)
    return created["entry"]


def intervention_acknowledge_municipality(*, intervention: Intervention, actor: Any) -> Intervention:
    """The paying Comune takes note of the intervention it pays for (seed 000 step 5, seed 003)."""

    def effect(locked: Intervention) -> Sequence[str]:
        review = AdministrativeReview.objects.select_for_update().get(proposal_id=locked.proposal_id)
        review.municipality_acknowledged_at = timezone.now()
        review.municipality_acknowledged_by = actor
        review.save(update_fields=["municipality_acknowledged_at", "municipality_acknowledged_by"])
        return []

    return INTERVENTION_WORKFLOW.apply(
        intervention,
        "acknowledge_municipality",
        actor=actor,
        effect=effect,
        description=_("Il Comune di %(name)s ha preso atto dell'intervento")
        % {"name": intervention.paying_municipality.name},
    )
