"""Proposals, the administrative review and the intervention they authorise (seed 000 steps 3-6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.accounts.models import Municipality
from tutela.audit.services import audit_record
from tutela.cases.models import Case
from tutela.cases.services.events import case_event_record
from tutela.services.letters import letter_register_and_send
from tutela.services.models import (
    AdministrativeReview,
    Intervention,
    ProposalState,
    ServiceProposal,
    ServiceType,
)
from tutela.services.workflow import PROPOSAL_WORKFLOW
from tutela.workflow import TransitionError


@dataclass(frozen=True)
class ProposalData:
    service_type: ServiceType
    motivation: str
    hours_per_week: Decimal | None = None
    duration_months: int | None = None
    proposed_start: dt.date | None = None


def _proposal_validate(data: ProposalData) -> None:
    errors: dict[str, str] = {}
    if not data.service_type.active or not data.service_type.proposable:
        errors["service_type"] = _("Il servizio scelto non è proponibile.")
    if not data.motivation.strip():
        errors["motivation"] = _("Motivare la proposta.")
    if data.hours_per_week is not None and not (Decimal(0) < data.hours_per_week <= Decimal(60)):
        errors["hours_per_week"] = _("Le ore settimanali devono essere tra 0 e 60.")
    if data.duration_months is not None and not (0 < data.duration_months <= 60):
        errors["duration_months"] = _("La durata deve essere tra 1 e 60 mesi.")
    if errors:
        raise ValidationError(errors)


def proposal_create_draft(
    *, case: Case, actor: Any, social_report: Any, data: ProposalData
) -> ServiceProposal:
    """A draft proposal that goes with a social report with outcome."""
    _proposal_validate(data)
    proposal = ServiceProposal.objects.create(
        case=case,
        social_report=social_report,
        service_type=data.service_type,
        motivation=data.motivation.strip(),
        hours_per_week=data.hours_per_week,
        duration_months=data.duration_months,
        proposed_start=data.proposed_start,
        author=actor,
    )
    case_event_record(
        case=case,
        actor=actor,
        code="services.proposal.created",
        description=_("Proposta redatta: %(service)s") % {"service": data.service_type.name},
    )
    audit_record(actor=actor, action="services.proposal.created", obj=proposal, case_id=case.pk)
    return proposal


def proposal_update_draft(*, proposal: ServiceProposal, actor: Any, data: ProposalData) -> ServiceProposal:
    """Edit a draft (typically after the coordinator returned it)."""
    _proposal_validate(data)
    with transaction.atomic():
        locked = ServiceProposal.objects.select_for_update().select_related("case").get(pk=proposal.pk)
        if locked.state != ProposalState.DRAFT:
            raise TransitionError(_("Si può modificare solo una proposta in bozza."))
        if locked.case.lead_social_worker_id != actor.pk:
            raise TransitionError(
                _("Solo l'assistente sociale referente del caso può compiere questa azione.")
            )
        locked.service_type = data.service_type
        locked.motivation = data.motivation.strip()
        locked.hours_per_week = data.hours_per_week
        locked.duration_months = data.duration_months
        locked.proposed_start = data.proposed_start
        locked.save(
            update_fields=[
                "service_type",
                "motivation",
                "hours_per_week",
                "duration_months",
                "proposed_start",
            ]
        )
        audit_record(actor=actor, action="services.proposal.updated", obj=locked, case_id=locked.case_id)
    return locked


def proposal_submit(*, proposal: ServiceProposal, actor: Any) -> ServiceProposal:
    def effect(locked: ServiceProposal) -> Sequence[str]:
        locked.submitted_at = timezone.now()
        locked.return_reason = ""
        return ["submitted_at", "return_reason"]

    return PROPOSAL_WORKFLOW.apply(proposal, "submit", actor=actor, effect=effect)


def proposal_approve(*, proposal: ServiceProposal, actor: Any, note: str = "") -> ServiceProposal:
    """Seed 000 step 4: approve, register it as outgoing protocol, notify the reporter and the admin office."""
    case = proposal.case
    if case.territory.protocol_register_id is None:
        raise TransitionError(_("Il territorio non ha un registro di protocollo configurato."))

    def effect(locked: ServiceProposal) -> Sequence[str]:
        locked.evaluated_by = actor
        locked.evaluated_at = timezone.now()
        locked.approval_protocol = letter_register_and_send(proposal=locked, actor=actor, purpose="approval")
        return ["evaluated_by", "evaluated_at", "approval_protocol"]

    return PROPOSAL_WORKFLOW.apply(
        proposal,
        "approve",
        actor=actor,
        effect=effect,
        note=note,
        protocol_entry=lambda locked: locked.approval_protocol,
    )


def proposal_return(*, proposal: ServiceProposal, actor: Any, reason: str) -> ServiceProposal:
    if not reason.strip():
        raise ValidationError({"reason": _("Indicare il motivo della restituzione.")})

    def effect(locked: ServiceProposal) -> Sequence[str]:
        locked.return_reason = reason.strip()
        locked.evaluated_by = actor
        locked.evaluated_at = timezone.now()
        return ["return_reason", "evaluated_by", "evaluated_at"]

    return PROPOSAL_WORKFLOW.apply(proposal, "return", actor=actor, effect=effect, note=reason)


def proposal_reject(*, proposal: ServiceProposal, actor: Any, reason: str) -> ServiceProposal:
    if not reason.strip():
        raise ValidationError({"reason": _("Indicare il motivo del rigetto.")})

    def effect(locked: ServiceProposal) -> Sequence[str]:
        locked.rejection_reason = reason.strip()
        locked.evaluated_by = actor
        locked.evaluated_at = timezone.now()
        return ["rejection_reason", "evaluated_by", "evaluated_at"]

    return PROPOSAL_WORKFLOW.apply(proposal, "reject", actor=actor, effect=effect, note=reason)


def review_start(*, proposal: ServiceProposal, actor: Any) -> ServiceProposal:
    """Seed 000 step 5: the administrative office opens its review; the paying Comune defaults to residence."""

    def effect(locked: ServiceProposal) -> Sequence[str]:
        AdministrativeReview.objects.create(
            proposal=locked,
            started_by=actor,
            started_at=timezone.now(),
            paying_municipality=locked.case.child.residence_municipality,
        )
        return []

    return PROPOSAL_WORKFLOW.apply(proposal, "start_review", actor=actor, effect=effect)


@dataclass(frozen=True)
class AuthorisationData:
    act_number: str
    act_date: dt.date
    cost_estimate: Decimal
    paying_municipality: Municipality


def _authorisation_validate(data: AuthorisationData) -> None:
    errors: dict[str, str] = {}
    if not data.act_number.strip():
        errors["act_number"] = _("Indicare il numero dell'atto di autorizzazione.")
    if data.act_date > timezone.localdate():
        errors["act_date"] = _("La data dell'atto non può essere nel futuro.")
    if data.cost_estimate < 0:
        errors["cost_estimate"] = _("La spesa prevista non può essere negativa.")
    if errors:
        raise ValidationError(errors)


def review_authorise(
    *, proposal: ServiceProposal, actor: Any, data: AuthorisationData, note: str = ""
) -> ServiceProposal:
    """Authorise (determina): creates the PLANNED intervention; a paying Comune other than the lead one
    receives a communication (seed 000 step 5)."""
    _authorisation_validate(data)

    def effect(locked: ServiceProposal) -> Sequence[str]:
        review = AdministrativeReview.objects.select_for_update().get(proposal=locked)
        review.act_number = data.act_number.strip()
        review.act_date = data.act_date
        review.cost_estimate = data.cost_estimate
        review.paying_municipality = data.paying_municipality
        review.decided_by = actor
        review.decided_at = timezone.now()
        review.save(
            update_fields=[
                "act_number",
                "act_date",
                "cost_estimate",
                "paying_municipality",
                "decided_by",
                "decided_at",
            ]
        )
        intervention = Intervention.objects.create(
            case=locked.case,
            proposal=locked,
            service_type=locked.service_type,
            paying_municipality=data.paying_municipality,
            planned_start=locked.proposed_start,
            hours_per_week=locked.hours_per_week,
            budget=data.cost_estimate,
        )
        if data.paying_municipality.pk != locked.case.territory.lead_municipality_id:
            letter_register_and_send(proposal=locked, actor=actor, purpose="municipality")
        # After the letter: an audit event holds the chain head until commit, and the letter renders a PDF.
        audit_record(
            actor=actor, action="services.intervention.created", obj=intervention, case_id=locked.case_id
        )
        return []

    return PROPOSAL_WORKFLOW.apply(
        proposal,
        "authorise",
        actor=actor,
        effect=effect,
        note=note,
        description=_("Autorizzata con atto n. %(n)s del %(d)s")
        % {"n": data.act_number.strip(), "d": data.act_date.strftime("%d/%m/%Y")},
    )


def review_deny(*, proposal: ServiceProposal, actor: Any, reason: str) -> ServiceProposal:
    if not reason.strip():
        raise ValidationError({"reason": _("Indicare il motivo del diniego.")})

    def effect(locked: ServiceProposal) -> Sequence[str]:
        review = AdministrativeReview.objects.select_for_update().get(proposal=locked)
        review.denial_reason = reason.strip()
        review.decided_by = actor
        review.decided_at = timezone.now()
        review.save(update_fields=["denial_reason", "decided_by", "decided_at"])
        return []

    return PROPOSAL_WORKFLOW.apply(proposal, "deny", actor=actor, effect=effect, note=reason)


def proposal_acknowledge_outcome(*, proposal: ServiceProposal, actor: Any) -> ServiceProposal:
    """Seed 000 step 6: the social worker takes note of the administrative outcome."""

    def effect(locked: ServiceProposal) -> Sequence[str]:
        locked.outcome_acknowledged_at = timezone.now()
        locked.outcome_acknowledged_by = actor
        return ["outcome_acknowledged_at", "outcome_acknowledged_by"]

    return PROPOSAL_WORKFLOW.apply(proposal, "acknowledge", actor=actor, effect=effect)
