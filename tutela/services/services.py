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

from tutela.accounts.models import Municipality, Organisation
from tutela.audit.services import audit_record
from tutela.cases.models import Case
from tutela.cases.services.events import case_event_record
from tutela.core.confidentiality import Secrecy
from tutela.services.catalogue import euro, rate_in_force
from tutela.services.letters import letter_register_and_send
from tutela.services.models import (
    AdministrativeReview,
    Facility,
    FosterCarer,
    Intervention,
    ProposalState,
    ServiceProposal,
    ServiceType,
)
from tutela.services.proposal_details import (
    details_errors,
    proposal_details_of,
    proposal_missing_details,
    relevant_details,
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
    # Who or where delivers it, by the service's delivery (proposal_details.REQUIRED says what each needs).
    provider: Organisation | None = None
    facility: Facility | None = None
    foster_carer: FosterCarer | None = None
    placement_form: str = ""  # PlacementForm
    foster_kind: str = ""  # FosterKind
    foster_time: str = ""  # FosterTime


DETAIL_FIELDS = ["provider", "facility", "foster_carer", "placement_form", "foster_kind", "foster_time"]


def _proposal_validate(data: ProposalData, case: Case | None = None) -> None:
    errors: dict[str, str] = {}
    if not data.service_type.active or not data.service_type.proposable:
        errors["service_type"] = _("Il servizio scelto non è proponibile.")
    if not data.motivation.strip():
        errors["motivation"] = _("Motivare la proposta.")
    if data.hours_per_week is not None and not (Decimal(0) < data.hours_per_week <= Decimal(60)):
        errors["hours_per_week"] = _("Le ore settimanali devono essere tra 0 e 60.")
    if data.duration_months is not None and not (0 < data.duration_months <= 60):
        errors["duration_months"] = _("La durata deve essere tra 1 e 60 mesi.")
    for name, value in details_errors(data, case).items():
        errors.setdefault(name, value)
    if errors:
        raise ValidationError(errors)


def proposal_create_draft(
    *, case: Case, actor: Any, social_report: Any, data: ProposalData
) -> ServiceProposal:
    """A draft proposal that goes with a social report with outcome."""
    _proposal_validate(data, case)
    proposal = ServiceProposal.objects.create(
        case=case,
        social_report=social_report,
        service_type=data.service_type,
        motivation=data.motivation.strip(),
        hours_per_week=data.hours_per_week,
        duration_months=data.duration_months,
        proposed_start=data.proposed_start,
        author=actor,
        **relevant_details(data),
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
    """Edit a draft (typically after the coordinator returned it), with who or where delivers it."""
    _proposal_validate(data)
    with transaction.atomic():
        locked = (
            ServiceProposal.objects.select_for_update(of=("self",)).select_related("case").get(pk=proposal.pk)
        )
        if locked.state != ProposalState.DRAFT:
            raise TransitionError(_("Si può modificare solo una proposta in bozza."))
        if locked.case.lead_social_worker_id != actor.pk:
            raise TransitionError(
                _("Solo l'assistente sociale referente del caso può compiere questa azione.")
            )
        _proposal_validate(data, locked.case)  # the conflicts and the territory need the case
        locked.service_type = data.service_type
        locked.motivation = data.motivation.strip()
        locked.hours_per_week = data.hours_per_week
        locked.duration_months = data.duration_months
        locked.proposed_start = data.proposed_start
        for name, value in relevant_details(data).items():
            setattr(locked, name, value)
        locked.save(
            update_fields=[
                "service_type",
                "motivation",
                "hours_per_week",
                "duration_months",
                "proposed_start",
                *DETAIL_FIELDS,
            ]
        )
        audit_record(actor=actor, action="services.proposal.updated", obj=locked, case_id=locked.case_id)
    return locked


def proposal_submit(*, proposal: ServiceProposal, actor: Any) -> ServiceProposal:
    """Send the draft to the coordinator: only complete, and only if what it names is still available and free
    of conflicts (a place may have filled, a professional may have declared a tie since it was drafted)."""

    def effect(locked: ServiceProposal) -> Sequence[str]:
        missing = proposal_missing_details(locked)
        if missing:
            raise TransitionError(
                _("Prima dell'invio completare la proposta: %(missing)s.") % {"missing": ", ".join(missing)}
            )
        errors = details_errors(proposal_details_of(locked), locked.case)
        if errors:
            raise TransitionError(" ".join(errors.values()))
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


# The review's checklist (AdministrativeReview.check_*): every item is verified before the authorisation.
REVIEW_CHECKS = ("check_report", "check_residence", "check_budget", "check_provider", "check_family_share")


def review_check_label(name: str) -> str:
    return str(getattr(AdministrativeReview._meta.get_field(name), "verbose_name", name))


@dataclass(frozen=True)
class AuthorisationData:
    act_number: str
    act_date: dt.date
    cost_estimate: Decimal
    paying_municipality: Municipality
    checks: frozenset[str] = frozenset()  # the REVIEW_CHECKS verified
    commitment_number: str = ""
    # Cost shares (SIUSS ImportoQuotaEnte/Utente/SSN): none given means the Comune bears the whole estimate.
    share_municipality: Decimal | None = None
    share_family: Decimal | None = None
    share_health: Decimal | None = None
    means_tested: bool = False  # SIUSS PresenzaProvaMezzi
    dsu_protocol: str = ""  # SIUSS NumeroProtocolloDSU


def authorisation_shares(data: AuthorisationData) -> tuple[Decimal, Decimal, Decimal]:
    """Comune, family and health-service shares; with none given the Comune bears the whole estimate."""
    shares = (data.share_municipality, data.share_family, data.share_health)
    if all(share is None for share in shares):
        return data.cost_estimate, Decimal(0), Decimal(0)
    municipality, family, health = (share or Decimal(0) for share in shares)
    return municipality, family, health


def _authorisation_validate(data: AuthorisationData) -> None:
    errors: dict[str, str] = {}
    if not data.act_number.strip():
        errors["act_number"] = _("Indicare il numero dell'atto di autorizzazione.")
    if data.act_date > timezone.localdate():
        errors["act_date"] = _("La data dell'atto non può essere nel futuro.")
    if data.cost_estimate < 0:
        errors["cost_estimate"] = _("La spesa prevista non può essere negativa.")
    else:
        errors.update(_shares_errors(data))
    if data.means_tested and not data.dsu_protocol.strip():
        errors["dsu_protocol"] = _("Con la prova dei mezzi indicare il protocollo della DSU (ISEE).")
    if len(data.dsu_protocol.strip()) > 30:
        errors["dsu_protocol"] = _("Il protocollo DSU ha al massimo 30 caratteri.")
    if errors:
        raise ValidationError(errors)


def _shares_errors(data: AuthorisationData) -> dict[str, str]:
    municipality, family, health = authorisation_shares(data)
    if min(municipality, family, health) < 0:
        return {"share_municipality": _("Le quote non possono essere negative.")}
    total = municipality + family + health
    if total != data.cost_estimate:
        return {
            "share_municipality": _(
                "La somma delle quote (Comune € %(m)s + famiglia € %(f)s + servizio sanitario € %(h)s = "
                "€ %(t)s) deve essere uguale alla spesa prevista (€ %(e)s)."
            )
            % {
                "m": euro(municipality),
                "f": euro(family),
                "h": euro(health),
                "t": euro(total),
                "e": euro(data.cost_estimate),
            }
        }
    return {}


def authorisation_missing(data: AuthorisationData) -> list[str]:
    """What the review still lacks for an authorisation: unverified checklist items, the budget commitment."""
    missing = [review_check_label(name) for name in REVIEW_CHECKS if name not in data.checks]
    if data.cost_estimate > 0 and not data.commitment_number.strip():
        missing.append(_("numero dell'impegno di spesa"))
    return missing


def review_authorise(
    *, proposal: ServiceProposal, actor: Any, data: AuthorisationData, note: str = ""
) -> ServiceProposal:
    """Authorise (determina): the review's checklist complete, the budget committed, the cost shares summing to
    the estimate; creates the PLANNED intervention; a paying Comune other than the lead one receives a
    communication (seed 000 step 5)."""
    _authorisation_validate(data)

    def effect(locked: ServiceProposal) -> Sequence[str]:
        missing = authorisation_missing(data)
        if missing:
            raise TransitionError(
                _("Per autorizzare completare l'istruttoria: %(missing)s.") % {"missing": "; ".join(missing)}
            )
        review = AdministrativeReview.objects.select_for_update().get(proposal=locked)
        review.act_number = data.act_number.strip()
        review.act_date = data.act_date
        review.cost_estimate = data.cost_estimate
        review.paying_municipality = data.paying_municipality
        for name in REVIEW_CHECKS:
            setattr(review, name, True)
        review.commitment_number = data.commitment_number.strip()
        review.share_municipality, review.share_family, review.share_health = authorisation_shares(data)
        review.means_tested = data.means_tested
        review.dsu_protocol = data.dsu_protocol.strip()
        review.decided_by = actor
        review.decided_at = timezone.now()
        review.save(
            update_fields=[
                "act_number",
                "act_date",
                "cost_estimate",
                "paying_municipality",
                *REVIEW_CHECKS,
                "commitment_number",
                "share_municipality",
                "share_family",
                "share_health",
                "means_tested",
                "dsu_protocol",
                "decided_by",
                "decided_at",
            ]
        )
        # The provider the proposal names delivers it, at the rate its contract gives on the planned start.
        rate = (
            rate_in_force(
                locked.provider_id,
                locked.service_type_id,
                locked.proposed_start or data.act_date,
                locked.case.territory_id,
            )
            if locked.provider_id is not None
            else None
        )
        intervention = Intervention.objects.create(
            case=locked.case,
            proposal=locked,
            service_type=locked.service_type,
            paying_municipality=data.paying_municipality,
            planned_start=locked.proposed_start,
            hours_per_week=locked.hours_per_week,
            budget=data.cost_estimate,
            provider_id=locked.provider_id,
            contract_rate=rate,
            unit_cost=rate.unit_cost if rate is not None else None,
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
        note_class=Secrecy.ORDINARY,  # the administrative office's note on its own act
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

    # The motivation of an administrative act is communicated to whom it concerns (ADR 0017): ordinary.
    return PROPOSAL_WORKFLOW.apply(
        proposal, "deny", actor=actor, effect=effect, note=reason, note_class=Secrecy.ORDINARY
    )


def proposal_acknowledge_outcome(*, proposal: ServiceProposal, actor: Any) -> ServiceProposal:
    """Seed 000 step 6: the social worker takes note of the administrative outcome."""

    def effect(locked: ServiceProposal) -> Sequence[str]:
        locked.outcome_acknowledged_at = timezone.now()
        locked.outcome_acknowledged_by = actor
        return ["outcome_acknowledged_at", "outcome_acknowledged_by"]

    return PROPOSAL_WORKFLOW.apply(proposal, "acknowledge", actor=actor, effect=effect)
