"""Home educational support (seed 003): who works on an intervention, and the provider's educators assigned
to it (the project itself: educational_project.py).

Who works on an intervention: the coordinator of its provider and the educators assigned to it. They read the
project's confidential sections besides the professionals who may read confidential sections of the case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from tutela.accounts.access import can_view_confidential, grants_of, has_capability_on_case
from tutela.accounts.models import User
from tutela.accounts.roles import Cap, Role
from tutela.audit.services import audit_record
from tutela.cases.models import Case, CaseMember
from tutela.cases.services.events import case_event_record
from tutela.cases.services.members import case_member_add, case_member_remove
from tutela.services.models import (
    EducatorAssignment,
    Intervention,
    InterventionState,
    ServiceType,
)
from tutela.workflow import TransitionError

LEAD_ONLY = _l("Solo l'assistente sociale referente del caso può compiere questa azione.")


def hours_text(value: Decimal | None) -> str:
    """Hours as the Italian text shows them: 6, 2,5."""
    if value is None:
        return "—"
    return format(value.normalize(), "f").replace(".", ",")


# --- who works on an intervention ----------------------------------------------------------------------------


def is_educational(intervention: Intervention) -> bool:
    return intervention.service_type.delivery == ServiceType.Delivery.EDUCATIONAL


def is_provider_coordinator(user: Any, intervention: Intervention) -> bool:
    """The user coordinates the intervention's provider (a role with educators.assign in that organisation)."""
    return intervention.provider_id is not None and any(
        Cap.EDUCATORS_ASSIGN in g.capabilities and g.organisation_id == intervention.provider_id
        for g in grants_of(user)
    )


def active_assignment(user: Any, intervention: Intervention) -> EducatorAssignment | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return EducatorAssignment.objects.filter(
        intervention=intervention, educator=user, ends_on__isnull=True
    ).first()


def works_on(user: Any, intervention: Intervention) -> bool:
    """The provider's coordinator and the educators currently assigned work on the intervention."""
    return is_provider_coordinator(user, intervention) or active_assignment(user, intervention) is not None


def may_read_project(user: Any, intervention: Intervention) -> bool:
    """The PEI's objective and goals: confidential readers of the case and those who work on it (not the
    Comune, which sees that a PEI exists and when it is reviewed)."""
    return can_view_confidential(user, intervention.case) or works_on(user, intervention)


def is_lead(user: Any, case: Case) -> bool:
    return case.lead_social_worker_id == user.pk and has_capability_on_case(
        user, Cap.INTERVENTION_MANAGE, case
    )


def educators_of(*provider_ids: int | None) -> QuerySet[User]:
    """The active educators of the provider organisations."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation_id__in=[pk for pk in provider_ids if pk is not None],
            memberships__organisation__active=True,
            memberships__role=Role.EDUCATOR,
            memberships__active=True,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def educational_check(intervention: Intervention) -> None:
    if not is_educational(intervention):
        raise TransitionError(_("L'intervento non è un sostegno educativo: non prevede educatori né PEI."))


def _coordinator_check(actor: Any, intervention: Intervention) -> None:
    if not (
        is_provider_coordinator(actor, intervention)
        and has_capability_on_case(actor, Cap.EDUCATORS_ASSIGN, intervention.case)
    ):
        raise TransitionError(
            _("Solo il coordinatore dell'ente erogatore dell'intervento può assegnare gli educatori.")
        )


# --- educators -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentData:
    educator: Any
    hours_per_week: Decimal
    starts_on: dt.date


def assigned_hours(intervention: Intervention) -> Decimal:
    """Weekly hours of the assignments in progress."""
    total = EducatorAssignment.objects.filter(intervention=intervention, ends_on__isnull=True).aggregate(
        total=Sum("hours_per_week")
    )["total"]
    return total or Decimal(0)


def _assignment_validate(intervention: Intervention, data: AssignmentData) -> None:
    if not educators_of(intervention.provider_id).filter(pk=data.educator.pk).exists():
        raise ValidationError(
            {
                "educator": _("La persona scelta non è un educatore di %(provider)s.")
                % {"provider": intervention.provider}
            }
        )
    if EducatorAssignment.objects.filter(
        intervention=intervention, educator=data.educator, ends_on__isnull=True
    ).exists():
        raise ValidationError(
            {
                "educator": _(
                    "L'educatore è già assegnato a questo intervento: per cambiarne le ore terminare prima "
                    "l'assegnazione in corso."
                )
            }
        )
    errors: dict[str, str] = {}
    if data.hours_per_week <= 0:
        errors["hours_per_week"] = _("Indicare le ore settimanali (più di zero).")
    elif intervention.hours_per_week is None:
        errors["hours_per_week"] = _(
            "L'intervento non ha ore settimanali autorizzate: non si possono assegnare ore."
        )
    else:
        assigned = assigned_hours(intervention)
        if assigned + data.hours_per_week > intervention.hours_per_week:
            errors["hours_per_week"] = _(
                "Le ore assegnate supererebbero le %(authorised)s ore settimanali autorizzate: ne sono già "
                "assegnate %(assigned)s, ne restano %(left)s."
            ) % {
                "authorised": hours_text(intervention.hours_per_week),
                "assigned": hours_text(assigned),
                "left": hours_text(max(intervention.hours_per_week - assigned, Decimal(0))),
            }
    if intervention.started_on and data.starts_on < intervention.started_on:
        errors["starts_on"] = _(
            "L'assegnazione non può iniziare prima dell'avvio dell'intervento (%(day)s)."
        ) % {"day": intervention.started_on.strftime("%d/%m/%Y")}
    if errors:
        raise ValidationError(errors)


def _team_join(intervention: Intervention, actor: Any, educator: Any) -> CaseMember | None:
    """Bring the educator into the case team (their assigned scope then reaches the case); None when they are
    already in it for another reason, so that ending the assignment leaves that membership alone."""
    case = intervention.case
    if case.lead_social_worker_id == educator.pk:
        return None
    member = CaseMember.objects.filter(case=case, user=educator).first()
    if member is not None:
        brought = EducatorAssignment.objects.filter(team_member=member).exists()
        return member if brought else None
    label = _("Educatore — %(provider)s") % {"provider": intervention.provider}
    return case_member_add(case=case, actor=actor, user=educator, role_label=label[:120])


def educator_assign(*, intervention: Intervention, actor: Any, data: AssignmentData) -> EducatorAssignment:
    """Seed 003: the provider's coordinator assigns one of its educators, within the authorised weekly hours."""
    with transaction.atomic():
        # The intervention row serialises assignments: two at once could both fit the remaining hours.
        locked = (
            Intervention.objects.select_for_update(of=("self",))
            .select_related("case", "service_type", "provider")
            .get(pk=intervention.pk)
        )
        educational_check(locked)
        _coordinator_check(actor, locked)
        if locked.state == InterventionState.ENDED:
            raise TransitionError(_("L'intervento è concluso: non si assegnano educatori."))
        _assignment_validate(locked, data)
        assignment = EducatorAssignment.objects.create(
            intervention=locked,
            educator=data.educator,
            hours_per_week=data.hours_per_week,
            starts_on=data.starts_on,
            assigned_by=actor,
            team_member=_team_join(locked, actor, data.educator),
        )
        case_event_record(
            case=locked.case,
            actor=actor,
            code="services.educator.assigned",
            description=_("Educatore assegnato: %(name)s, %(hours)s ore settimanali dal %(day)s")
            % {
                "name": data.educator.get_full_name(),
                "hours": hours_text(data.hours_per_week),
                "day": data.starts_on.strftime("%d/%m/%Y"),
            },
        )
        audit_record(
            actor=actor, action="services.educator_assignment.created", obj=assignment, case_id=locked.case_id
        )
    return assignment


def _team_leave(assignment: EducatorAssignment, actor: Any) -> None:
    """After the educator's last assignment on the case, remove the membership an assignment brought."""
    case = assignment.intervention.case
    educator = assignment.educator
    if EducatorAssignment.objects.filter(
        intervention__case=case, educator=educator, ends_on__isnull=True
    ).exists():
        return
    member = CaseMember.objects.filter(case=case, user=educator).first()
    if member is not None and EducatorAssignment.objects.filter(team_member=member).exists():
        case_member_remove(case=case, actor=actor, user=educator)


def educator_assignment_end(
    *, assignment: EducatorAssignment, actor: Any, ends_on: dt.date
) -> EducatorAssignment:
    """End an assignment; the educator leaves the case team when it was their last one on the case."""
    from tutela.services.models import DeliveryRecord

    with transaction.atomic():
        locked = (
            EducatorAssignment.objects.select_for_update(of=("self",))
            .select_related("intervention__case", "intervention__service_type", "educator")
            .get(pk=assignment.pk)
        )
        _coordinator_check(actor, locked.intervention)
        if locked.ends_on is not None:
            raise TransitionError(_("L'assegnazione è già terminata."))
        last_day = (
            DeliveryRecord.objects.filter(intervention=locked.intervention, operator=locked.educator)
            .order_by("-day")
            .values_list("day", flat=True)
            .first()
        )
        if ends_on < locked.starts_on:
            raise ValidationError(
                {
                    "ends_on": _("La fine non può precedere l'inizio dell'assegnazione (%(day)s).")
                    % {"day": locked.starts_on.strftime("%d/%m/%Y")}
                }
            )
        if ends_on > timezone.localdate():
            raise ValidationError({"ends_on": _("La data di fine non può essere nel futuro.")})
        if last_day is not None and ends_on < last_day:
            raise ValidationError(
                {
                    "ends_on": _(
                        "L'educatore ha registrato ore fino al %(day)s: la fine non può precedere quella data."
                    )
                    % {"day": last_day.strftime("%d/%m/%Y")}
                }
            )
        locked.ends_on = ends_on
        locked.save(update_fields=["ends_on"])
        _team_leave(locked, actor)
        case_event_record(
            case=locked.intervention.case,
            actor=actor,
            code="services.educator.unassigned",
            description=_("Assegnazione terminata: %(name)s, dal %(day)s")
            % {"name": locked.educator.get_full_name(), "day": ends_on.strftime("%d/%m/%Y")},
        )
        audit_record(
            actor=actor,
            action="services.educator_assignment.ended",
            obj=locked,
            case_id=locked.intervention.case_id,
            data={"ends_on": ends_on.isoformat()},
        )
    return locked
