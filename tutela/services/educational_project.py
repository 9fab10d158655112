"""The individual educational project (PEI) of a home educational support (seed 003): the lead social worker
writes it with the provider's input; its review date is a deadline; its goals say who does what and are
reviewed one by one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from tutela.accounts.roles import Cap
from tutela.audit.services import audit_record
from tutela.cases.models import Case
from tutela.cases.services.events import case_event_record
from tutela.deadlines.models import Deadline
from tutela.deadlines.services import deadline_cancel_for_source, deadline_create, end_of_day
from tutela.services.educational import LEAD_ONLY, educational_check, is_lead
from tutela.services.models import EducationalProject, Intervention, InterventionState, ProjectGoal
from tutela.workflow import Transition, TransitionError, Workflow


@dataclass(frozen=True)
class ProjectData:
    general_objective: str
    family_involvement: str = ""
    shared_with_municipality: bool = False
    next_review_on: dt.date | None = None


def _project_validate(project: EducationalProject | None, data: ProjectData) -> None:
    errors: dict[str, str] = {}
    if not data.general_objective.strip():
        errors["general_objective"] = _("Indicare l'obiettivo generale del progetto.")
    if data.next_review_on is not None and data.next_review_on < timezone.localdate():
        errors["next_review_on"] = _("La prossima verifica non può essere nel passato.")
    if project is not None and project.shared_with_municipality and not data.shared_with_municipality:
        errors["shared_with_municipality"] = _(
            "Il progetto è già stato condiviso con il Comune: la condivisione non si annulla."
        )
    if errors:
        raise ValidationError(errors)


def _review_deadline(project: EducationalProject, actor: Any, previous: dt.date | None) -> None:
    """A new review date replaces the pending PLAN_REVIEW deadline of the project."""
    if project.next_review_on == previous:
        return
    deadline_cancel_for_source(source=project, kind=Deadline.Kind.PLAN_REVIEW, actor=actor)
    if project.next_review_on is None:
        return
    intervention = project.intervention
    deadline_create(
        case=intervention.case,
        kind=Deadline.Kind.PLAN_REVIEW,
        description=str(_("Verifica del PEI — %(service)s") % {"service": intervention.service_type.name})[
            :200
        ],
        due_at=end_of_day(project.next_review_on),
        actor=actor,
        owner=intervention.case.lead_social_worker,
        source=project,
    )


def project_save(*, intervention: Intervention, actor: Any, data: ProjectData) -> EducationalProject:
    """Seed 003: the lead social worker writes (or updates) the PEI, with the provider's input."""
    with transaction.atomic():
        locked = (
            Intervention.objects.select_for_update(of=("self",))
            .select_related("case__lead_social_worker", "service_type")
            .get(pk=intervention.pk)
        )
        educational_check(locked)
        if not is_lead(actor, locked.case):
            raise TransitionError(str(LEAD_ONLY))
        if locked.state == InterventionState.ENDED:
            raise TransitionError(_("L'intervento è concluso: il progetto non si modifica più."))
        project = EducationalProject.objects.filter(intervention=locked).first()
        _project_validate(project, data)
        created = project is None
        previous_review = project.next_review_on if project else None
        newly_shared = data.shared_with_municipality and not (project and project.shared_with_municipality)
        if project is None:
            project = EducationalProject(intervention=locked, created_by=actor)
        project.general_objective = data.general_objective.strip()
        project.family_involvement = data.family_involvement.strip()
        project.shared_with_municipality = data.shared_with_municipality
        project.next_review_on = data.next_review_on
        project.save()
        _review_deadline(project, actor, previous_review)
        description = _("PEI redatto") if created else _("PEI aggiornato")
        if newly_shared:
            description = _("%(what)s e condiviso con il Comune") % {"what": description}
        case_event_record(
            case=locked.case, actor=actor, code="services.project.saved", description=str(description)
        )
        audit_record(
            actor=actor,
            action="services.educational_project.created"
            if created
            else "services.educational_project.updated",
            obj=project,
            case_id=locked.case_id,
            data={"next_review_on": data.next_review_on.isoformat() if data.next_review_on else None},
        )
    return project


@dataclass(frozen=True)
class GoalData:
    description: str
    actions: str
    responsible: str
    review_on: dt.date | None = None


def goal_add(*, project: EducationalProject, actor: Any, data: GoalData) -> ProjectGoal:
    """A goal of the PEI with its actions and who does what."""
    errors: dict[str, str] = {}
    if not data.description.strip():
        errors["description"] = _("Descrivere l'obiettivo.")
    if not data.actions.strip():
        errors["actions"] = _("Indicare le azioni previste.")
    if not data.responsible.strip():
        errors["responsible"] = _("Indicare chi fa che cosa.")
    if data.review_on is not None and data.review_on < timezone.localdate():
        errors["review_on"] = _("La data di verifica non può essere nel passato.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = (
            EducationalProject.objects.select_for_update(of=("self",))
            .select_related("intervention__case")
            .get(pk=project.pk)
        )
        case = locked.intervention.case
        if not is_lead(actor, case):
            raise TransitionError(str(LEAD_ONLY))
        if locked.intervention.state == InterventionState.ENDED:
            raise TransitionError(_("L'intervento è concluso: il progetto non si modifica più."))
        goal = ProjectGoal.objects.create(
            project=locked,
            description=data.description.strip(),
            actions=data.actions.strip(),
            responsible=data.responsible.strip()[:200],
            review_on=data.review_on,
        )
        case_event_record(
            case=case,
            actor=actor,
            code="services.project_goal.added",
            description=_("Obiettivo aggiunto al PEI"),
        )
        audit_record(actor=actor, action="services.project_goal.created", obj=goal, case_id=case.pk)
    return goal


def _goal_case(goal: ProjectGoal) -> Case:
    return goal.project.intervention.case


def _goal_lead(goal: ProjectGoal, user: Any) -> str | None:
    if goal.project.intervention.state == InterventionState.ENDED:
        return _("L'intervento è concluso: il progetto non si modifica più.")
    if _goal_case(goal).lead_social_worker_id != user.pk:
        return str(LEAD_ONLY)
    return None


S = ProjectGoal.Status
GOAL_WORKFLOW = Workflow(
    model=ProjectGoal,
    audit_entity="services.project_goal",
    case_of=_goal_case,
    state_field="status",
    transitions=[
        Transition(
            "achieve",
            _l("Raggiunto"),
            (S.OPEN,),
            S.ACHIEVED,
            Cap.INTERVENTION_MANAGE,
            "achieved",
            guard=_goal_lead,
            style="success",
            done=_l("Obiettivo del PEI raggiunto"),
        ),
        Transition(
            "partial",
            _l("Parzialmente raggiunto"),
            (S.OPEN,),
            S.PARTIAL,
            Cap.INTERVENTION_MANAGE,
            "partially_achieved",
            guard=_goal_lead,
            style="outline-primary",
            done=_l("Obiettivo del PEI parzialmente raggiunto"),
        ),
        Transition(
            "not_achieved",
            _l("Non raggiunto"),
            (S.OPEN,),
            S.NOT_ACHIEVED,
            Cap.INTERVENTION_MANAGE,
            "not_achieved",
            guard=_goal_lead,
            style="outline-danger",
            done=_l("Obiettivo del PEI non raggiunto"),
        ),
        Transition(
            "reopen",
            _l("Riapri"),
            (S.ACHIEVED, S.PARTIAL, S.NOT_ACHIEVED),
            S.OPEN,
            Cap.INTERVENTION_MANAGE,
            "reopened",
            guard=_goal_lead,
            style="outline-secondary",
            done=_l("Obiettivo del PEI riaperto"),
        ),
    ],
)


def goal_review(*, goal: ProjectGoal, actor: Any, transition: str) -> ProjectGoal:
    """Record the outcome of a goal's review (or reopen it)."""
    return GOAL_WORKFLOW.apply(goal, transition, actor=actor)
