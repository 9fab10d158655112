"""The life of an intervention (DESIGN.md section 2): activation and its preconditions, suspension,
resumption, end (seed 000 step 5, seed 003)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tutela.audit.services import audit_record
from tutela.deadlines.models import Deadline
from tutela.deadlines.services import deadline_cancel_for_source
from tutela.reference.models import Code
from tutela.services.delivery.common import PLACEMENT_KINDS, add_months, date_check, last_event
from tutela.services.delivery.placements import placement_close, placement_open, placement_refusal
from tutela.services.delivery_workflow import INTERVENTION_WORKFLOW, needs_municipality_acknowledgement
from tutela.services.models import (
    AdministrativeReview,
    ContractRate,
    EducatorAssignment,
    Facility,
    Intervention,
    Placement,
    ServiceType,
    Suspension,
)
from tutela.workflow import TransitionError

# --- activation ----------------------------------------------------------------------------------------------


def provider_of(intervention: Intervention) -> Any:
    """Who delivers the intervention: its own provider, else the one its proposal (or facility) names."""
    proposal = intervention.proposal
    if intervention.provider_id is not None:
        return intervention.provider
    if proposal.provider_id is not None:
        return proposal.provider
    return proposal.facility.provider if proposal.facility is not None else None


def rate_for(intervention: Intervention, provider: Any, day: dt.date) -> ContractRate | None:
    """The provider's rate for the service type under a contract of the territory valid on the day."""
    return (
        ContractRate.objects.filter(
            contract__provider=provider,
            contract__territory_id=intervention.case.territory_id,
            contract__starts_on__lte=day,
            contract__ends_on__gte=day,
            service_type_id=intervention.service_type_id,
            valid_from__lte=day,
            valid_to__gte=day,
        )
        .select_related("contract")
        .order_by("-valid_from", "-pk")
        .first()
    )


def activation_blockers(intervention: Intervention, day: dt.date) -> list[str]:
    """Why the intervention cannot start on the day (empty when it can): the page lists them, the service
    refuses with the first."""
    blockers: list[str] = []
    review: AdministrativeReview | None = getattr(intervention.proposal, "review", None)
    if needs_municipality_acknowledgement(intervention) and (
        review is None or review.municipality_acknowledged_at is None
    ):
        blockers.append(
            _(
                "Il Comune di %(name)s sostiene la spesa e non ha ancora preso atto dell'intervento: l'avvio "
                "attende la sua presa d'atto."
            )
            % {"name": intervention.paying_municipality.name}
        )
    provider = provider_of(intervention)
    if provider is not None and rate_for(intervention, provider, day) is None:
        blockers.append(
            _(
                "Nessuna tariffa di %(provider)s per «%(service)s» valida il %(day)s: registrare il contratto "
                "e la tariffa prima dell'avvio."
            )
            % {"provider": provider, "service": intervention.service_type, "day": day.strftime("%d/%m/%Y")}
        )
    delivery = intervention.service_type.delivery
    if delivery == ServiceType.Delivery.EDUCATIONAL and not _educators_on(intervention, day):
        blockers.append(
            _(
                "Nessun educatore assegnato: il coordinatore dell'ente erogatore deve assegnare almeno un "
                "educatore prima dell'avvio."
            )
        )
    if delivery in PLACEMENT_KINDS:
        refusal = placement_refusal(intervention)
        if refusal:
            blockers.append(refusal)
    return blockers


def _educators_on(intervention: Intervention, day: dt.date) -> bool:
    assignments = EducatorAssignment.objects.filter(intervention=intervention)
    return assignments.exclude(ends_on__lt=day).exists()


def intervention_activate(
    *, intervention: Intervention, actor: Any, day: dt.date, note: str = ""
) -> Intervention:
    """Start the service: the paying Comune has taken note, the provider's rate applies, the educators are
    assigned, the placement opens (with the foster-care expiry deadline)."""
    review = getattr(intervention.proposal, "review", None)
    act_date = review.act_date if review is not None else None
    date_check(day, "day", not_before=act_date, after_what=_("l'atto di autorizzazione"))

    def effect(locked: Intervention) -> Sequence[str]:
        facility_id = locked.proposal.facility_id
        if locked.service_type.delivery == ServiceType.Delivery.RESIDENTIAL and facility_id is not None:
            # Two activations into the same community count its free places one after the other.
            Facility.objects.select_for_update().get(pk=facility_id)
        blockers = activation_blockers(locked, day)
        if blockers:
            raise TransitionError(blockers[0])
        provider = provider_of(locked)
        rate = rate_for(locked, provider, day) if provider is not None else None
        locked.provider = provider
        locked.contract_rate = rate
        locked.unit_cost = rate.unit_cost if rate is not None else None
        locked.started_on = day
        months = locked.proposal.duration_months
        if locked.service_type.delivery in PLACEMENT_KINDS:
            locked.planned_end = placement_open(locked, actor, day).planned_end
        elif months:
            locked.planned_end = add_months(day, months)
        return ["provider", "contract_rate", "unit_cost", "started_on", "planned_end"]

    return INTERVENTION_WORKFLOW.apply(
        intervention,
        "activate",
        actor=actor,
        effect=effect,
        note=note,
        description=_("Intervento avviato il %(day)s: %(service)s")
        % {"day": day.strftime("%d/%m/%Y"), "service": intervention.service_type.name},
    )


# --- suspension, resumption, end -----------------------------------------------------------------------------


def intervention_suspend(
    *, intervention: Intervention, actor: Any, day: dt.date, reason: str
) -> Intervention:
    """Suspend the delivery from the day (no units are delivered or paid while suspended). The reason often
    speaks of health or family matters: it stays on the suspension, which only the professionals read, not in
    the case timeline that the Comune and the provider see (the same for the end's reason)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Indicare il motivo della sospensione.")})

    def effect(locked: Intervention) -> Sequence[str]:
        date_check(day, "day", not_before=last_event(locked), after_what=_("l'ultimo evento dell'intervento"))
        suspension = Suspension.objects.create(
            intervention=locked, starts_on=day, reason=reason.strip(), created_by=actor
        )
        audit_record(
            actor=actor, action="services.suspension.created", obj=suspension, case_id=locked.case_id
        )
        return []

    return INTERVENTION_WORKFLOW.apply(
        intervention,
        "suspend",
        actor=actor,
        effect=effect,
        description=_("Intervento sospeso dal %(day)s") % {"day": day.strftime("%d/%m/%Y")},
    )


def _open_suspension(intervention: Intervention) -> Suspension | None:
    return intervention.suspensions.select_for_update().filter(ends_on__isnull=True).first()


def intervention_resume(
    *, intervention: Intervention, actor: Any, day: dt.date, note: str = ""
) -> Intervention:
    """Resume the delivery: the open suspension ends on the day."""

    def effect(locked: Intervention) -> Sequence[str]:
        suspension = _open_suspension(locked)
        date_check(day, "day", not_before=last_event(locked), after_what=_("l'inizio della sospensione"))
        if suspension is not None:
            suspension.ends_on = day
            suspension.save(update_fields=["ends_on"])
            audit_record(
                actor=actor, action="services.suspension.closed", obj=suspension, case_id=locked.case_id
            )
        return []

    return INTERVENTION_WORKFLOW.apply(
        intervention,
        "resume",
        actor=actor,
        effect=effect,
        note=note,
        description=_("Intervento ripreso il %(day)s") % {"day": day.strftime("%d/%m/%Y")},
    )


def intervention_end(
    *, intervention: Intervention, actor: Any, day: dt.date, reason: str, outcome: Code | None = None
) -> Intervention:
    """End the service; a placement records its end and SINBA outcome, and its expiry deadline is cancelled."""
    if not reason.strip():
        raise ValidationError({"reason": _("Indicare il motivo della conclusione.")})

    def effect(locked: Intervention) -> Sequence[str]:
        placement = Placement.objects.select_for_update().filter(intervention=locked).first()
        suspension = _open_suspension(locked)
        date_check(day, "day", not_before=last_event(locked), after_what=_("l'ultimo evento dell'intervento"))
        if placement is not None:
            placement_close(placement, locked, actor, day, outcome)
        if suspension is not None:  # the suspension lasted until the end
            suspension.ends_on = day
            suspension.save(update_fields=["ends_on"])
        deadline_cancel_for_source(source=locked, kind=Deadline.Kind.MONITORING, actor=actor)
        locked.ended_on = day
        locked.end_reason = reason.strip()
        return ["ended_on", "end_reason"]

    return INTERVENTION_WORKFLOW.apply(
        intervention,
        "end",
        actor=actor,
        effect=effect,
        description=_("Intervento concluso il %(day)s") % {"day": day.strftime("%d/%m/%Y")},
    )
