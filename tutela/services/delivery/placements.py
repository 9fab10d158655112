"""Placements (foster care, residential community): opening, the foster-care expiry and the court's
extension (L. 184/1983 art. 4 c. 4), the facility's places, the end with its SINBA outcome."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tutela.audit.services import audit_record
from tutela.deadlines.models import Deadline
from tutela.deadlines.services import deadline_cancel_for_source, deadline_create, end_of_day
from tutela.reference.models import Code
from tutela.services.conflicts import placement_conflict
from tutela.services.delivery.common import (
    FOSTER_MAX_MONTHS,
    OUTCOME_LISTS,
    PLACEMENT_KINDS,
    add_months,
    date_check,
)
from tutela.services.delivery_workflow import INTERVENTION_WORKFLOW
from tutela.services.models import Facility, Intervention, InterventionState, Placement, ServiceType


def placement_months(intervention: Intervention) -> tuple[int | None, str | None]:
    """The placement's planned months, or why it cannot start (L. 184/1983 art. 4 c. 4 for foster care)."""
    delivery = intervention.service_type.delivery
    months = intervention.proposal.duration_months
    if delivery == ServiceType.Delivery.FOSTER:
        if months is not None and months > FOSTER_MAX_MONTHS:
            return None, _(
                "L'affidamento familiare non può durare più di 24 mesi (L. 184/1983, art. 4, c. 4): la "
                "proposta ne indica %(months)d. Un periodo più lungo lo dispone solo il Tribunale per i "
                "minorenni con la proroga."
            ) % {"months": months}
        return months or FOSTER_MAX_MONTHS, None
    if months is None:
        return None, _("La proposta non indica la durata prevista: serve per il termine del collocamento.")
    return months, None


def placement_refusal(intervention: Intervention) -> str | None:
    proposal = intervention.proposal
    delivery = intervention.service_type.delivery
    if delivery == ServiceType.Delivery.FOSTER:
        if proposal.foster_carer_id is None:
            return _("La proposta non indica la famiglia affidataria.")
        if not (proposal.placement_form and proposal.foster_kind and proposal.foster_time):
            return _(
                "La proposta deve indicare forma (consensuale o giudiziale), tipo (intra o eterofamiliare) e "
                "tempo (pieno o parziale) dell'affidamento."
            )
    else:
        if proposal.facility_id is None:
            return _("La proposta non indica la struttura di inserimento.")
        if not proposal.placement_form:
            return _("La proposta deve indicare la forma dell'inserimento (consensuale o giudiziale).")
    months_refusal = placement_months(intervention)[1]
    if months_refusal:
        return months_refusal
    conflict = placement_conflict(
        intervention.case, foster_carer=proposal.foster_carer, facility=proposal.facility
    )
    if conflict:
        return conflict
    if delivery == ServiceType.Delivery.RESIDENTIAL and proposal.facility is not None:
        return _facility_full(proposal.facility)
    return None


def _facility_full(facility: Facility) -> str | None:
    hosted = Placement.objects.filter(
        facility=facility,
        ended_on__isnull=True,
        intervention__state__in=[InterventionState.ACTIVE, InterventionState.SUSPENDED],
    ).count()
    if hosted >= facility.capacity:
        return _("La struttura «%(name)s» è al completo: %(hosted)d inserimenti su %(capacity)d posti.") % {
            "name": facility.name,
            "hosted": hosted,
            "capacity": facility.capacity,
        }
    return None


def placement_open(intervention: Intervention, actor: Any, day: dt.date) -> Placement:
    proposal = intervention.proposal
    kind = PLACEMENT_KINDS[intervention.service_type.delivery]  # type: ignore[index]
    months, _refusal = placement_months(intervention)
    assert months is not None
    placement = Placement.objects.create(
        intervention=intervention,
        kind=kind,
        foster_carer=proposal.foster_carer if kind == Placement.Kind.FOSTER else None,
        facility=proposal.facility if kind == Placement.Kind.RESIDENTIAL else None,
        form=proposal.placement_form,
        foster_kind=proposal.foster_kind if kind == Placement.Kind.FOSTER else "",
        foster_time=proposal.foster_time if kind == Placement.Kind.FOSTER else "",
        starts_on=day,
        planned_end=add_months(day, months),
    )
    audit_record(actor=actor, action="services.placement.opened", obj=placement, case_id=intervention.case_id)
    if kind == Placement.Kind.FOSTER:
        _expiry_deadline(placement, intervention, actor)
    return placement


def placement_expiry(placement: Placement) -> dt.date:
    """When foster care ends: the court's extension, else the planned end within the 24 months."""
    if placement.court_extended_until is not None:
        return placement.court_extended_until
    return min(placement.planned_end, add_months(placement.starts_on, FOSTER_MAX_MONTHS))


def _expiry_deadline(placement: Placement, intervention: Intervention, actor: Any) -> Deadline:
    """L. 184/1983 art. 4 c. 4: before the end the service tells the prosecutor (PM presso il Tribunale per i
    minorenni) whether an extension is advisable; the territory decides how early."""
    case = intervention.case
    expiry = placement_expiry(placement)
    due = expiry - dt.timedelta(days=case.territory.foster_expiry_notice_days)
    return deadline_create(
        case=case,
        kind=Deadline.Kind.PLACEMENT_EXPIRY,
        description=_(
            "Affidamento in scadenza il %(day)s: segnalare al PM presso il Tribunale per i minorenni "
            "l'eventuale opportunità della proroga (L. 184/1983, art. 4, c. 4)"
        )
        % {"day": expiry.strftime("%d/%m/%Y")},
        due_at=end_of_day(due),
        actor=actor,
        owner=case.lead_social_worker,
        source=placement,
    )


def outcome_choices(intervention: Intervention) -> Any:
    """The SINBA outcomes the end of the intervention's placement takes (none when it has no placement)."""
    placement = getattr(intervention, "placement", None)
    if placement is None:
        return Code.objects.none()
    return Code.objects.of(OUTCOME_LISTS[Placement.Kind(placement.kind)])


def placement_close(
    placement: Placement, intervention: Intervention, actor: Any, day: dt.date, outcome: Code | None
) -> None:
    code_list = OUTCOME_LISTS[Placement.Kind(placement.kind)]
    if outcome is None or outcome.code_list != code_list:
        raise ValidationError({"outcome": _("Indicare l'esito del collocamento (SINBA).")})
    placement.ended_on = day
    placement.outcome = outcome
    placement.save(update_fields=["ended_on", "outcome"])
    deadline_cancel_for_source(source=placement, kind=Deadline.Kind.PLACEMENT_EXPIRY, actor=actor)
    audit_record(
        actor=actor,
        action="services.placement.ended",
        obj=placement,
        case_id=intervention.case_id,
        data={"outcome": outcome.code},
    )


# --- court extension of foster care --------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtensionData:
    until: dt.date
    decree_date: dt.date
    decree_reference: str
    note: str = ""


def placement_extend(*, intervention: Intervention, actor: Any, data: ExtensionData) -> Intervention:
    """Record the Tribunale per i minorenni's extension of foster care (L. 184/1983 art. 4 c. 4): the expiry
    deadline moves to the new end."""
    if not data.decree_reference.strip():
        raise ValidationError({"decree_reference": _("Indicare gli estremi del decreto di proroga.")})

    def effect(locked: Intervention) -> Sequence[str]:
        placement = Placement.objects.select_for_update().get(intervention=locked)
        date_check(
            data.decree_date,
            "decree_date",
            not_before=placement.starts_on,
            after_what=_("l'inizio dell'affido"),
        )
        current = placement_expiry(placement)
        if data.until <= current:
            raise ValidationError(
                {
                    "until": _("La proroga deve andare oltre la scadenza attuale (%(day)s).")
                    % {"day": current.strftime("%d/%m/%Y")}
                }
            )
        placement.court_extended_until = data.until
        placement.save(update_fields=["court_extended_until"])
        deadline_cancel_for_source(source=placement, kind=Deadline.Kind.PLACEMENT_EXPIRY, actor=actor)
        audit_record(actor=actor, action="services.placement.extended", obj=placement, case_id=locked.case_id)
        _expiry_deadline(placement, locked, actor)
        return []

    decree = _("Decreto %(ref)s del %(day)s") % {
        "ref": data.decree_reference.strip(),
        "day": data.decree_date.strftime("%d/%m/%Y"),
    }
    return INTERVENTION_WORKFLOW.apply(
        intervention,
        "extend",
        actor=actor,
        effect=effect,
        note="\n".join(filter(None, [decree, data.note.strip()])),
        description=_("Affidamento prorogato dal Tribunale per i minorenni fino al %(day)s")
        % {"day": data.until.strftime("%d/%m/%Y")},
    )
