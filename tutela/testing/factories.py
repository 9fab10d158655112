"""Cases in every workflow state, built through the real services (one factory per state).

Each factory returns a fresh Case (or proposal) of the demo territory; tests pass the `demo` fixture.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tutela.accounts.models import Organisation
from tutela.cases.models import Case
from tutela.core.demo.cases import DemoCases
from tutela.core.demo.territory import DemoTerritory
from tutela.services.models import (
    Contract,
    ContractRate,
    Facility,
    FosterCarer,
    FosterKind,
    FosterTime,
    Intervention,
    PlacementForm,
    ServiceProposal,
    ServiceType,
    Suspension,
)

_builders: dict[int, DemoCases] = {}


def _builder(demo: DemoTerritory) -> DemoCases:
    key = id(demo)
    if key not in _builders:
        _builders.clear()
        _builders[key] = DemoCases(demo, seed=7)
    return _builders[key]


def referred_case(
    demo: DemoTerritory,
    *,
    channel: str = "indirect",
    residence: str = "Prato",
    days_ago: int = 1,
    sender: str = "school",
) -> Case:
    b = _builder(demo)
    if channel == "direct":
        return b.direct(days_ago=days_ago, residence=residence)
    return b.indirect(days_ago=days_ago, sender=sender, residence=residence)


def assessment_case(demo: DemoTerritory, *, worker: str = "assistente", **kwargs: Any) -> Case:
    return _builder(demo).assigned(referred_case(demo, **kwargs), worker)


def in_care_case(demo: DemoTerritory, *, worker: str = "assistente", **kwargs: Any) -> Case:
    b = _builder(demo)
    case = assessment_case(demo, worker=worker, **kwargs)
    b.in_care(case, None, worker)
    return Case.objects.get(pk=case.pk)


def proposal_in(demo: DemoTerritory, outcome: str) -> ServiceProposal:
    """A proposal brought to `outcome`: draft, returned, submitted, approved, review, authorised,
    authorised_montemurlo, acknowledged, denied, rejected."""
    b = _builder(demo)
    before = set(ServiceProposal.objects.values_list("pk", flat=True))
    b.proposal_to(outcome)
    created = (
        ServiceProposal.objects.exclude(pk__in=before).select_related("case__child", "case__territory").get()
    )
    return created


def closing_case(demo: DemoTerritory) -> Case:
    b = _builder(demo)
    before = set(Case.objects.values_list("pk", flat=True))
    b.closing()
    return Case.objects.exclude(pk__in=before).get()


def closed_case(demo: DemoTerritory) -> Case:
    b = _builder(demo)
    before = set(Case.objects.values_list("pk", flat=True))
    b.closed()
    return Case.objects.exclude(pk__in=before).get()


# --- service delivery: catalogue rows and authorised interventions -------------------------------------------

# The catalogue entry a test uses for each way of delivering a service (services/migrations/0005).
DELIVERY_SERVICE = {
    "generic": "FM-A08",
    "educational": "FM-A11",
    "foster": "FM-A04",
    "residential": "FM-R02",
    "semi_residential": "FM-S01",
    "contribution": "FM-T02",
}


def contract_rate(
    demo: DemoTerritory,
    service_type: ServiceType,
    *,
    provider: Organisation | None = None,
    unit_cost: Decimal = Decimal("24.50"),
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> ContractRate:
    """A contract of the provider (default: the demo cooperative) with a rate for the service type."""
    today = timezone.localdate()
    valid_from = valid_from or today - dt.timedelta(days=3 * 365)
    valid_to = valid_to or today + dt.timedelta(days=365)
    contract = Contract.objects.create(
        provider=provider or demo.organisations["provider"],
        territory=demo.territory,
        reference=f"Convenzione {valid_from.year}-{valid_to.year}",
        starts_on=valid_from,
        ends_on=valid_to,
    )
    return ContractRate.objects.create(
        contract=contract,
        service_type=service_type,
        unit_cost=unit_cost,
        valid_from=valid_from,
        valid_to=valid_to,
    )


def foster_carer(demo: DemoTerritory, name: str = "Famiglia Bianchi") -> FosterCarer:
    return FosterCarer.objects.create(
        territory=demo.territory, name=name, municipality=demo.municipalities["Prato"]
    )


def facility(
    demo: DemoTerritory, *, capacity: int = 8, name: str = "Comunità Il Ponte", delivery: str = "residential"
) -> Facility:
    """A socio-educational community (or, with delivery="semi_residential", a day centre) of the demo
    cooperative."""
    service_type = ServiceType.objects.get(code=DELIVERY_SERVICE[delivery])
    return Facility.objects.create(
        provider=demo.organisations["provider"],
        name=name,
        service_type=service_type,
        capacity=capacity,
        municipality=demo.municipalities["Prato"],
    )


def _proposal_details(demo: DemoTerritory, proposal: ServiceProposal, delivery: str, provider: bool) -> None:
    """What the proposal says about who delivers it, as the social worker's proposal form records it."""
    if delivery == "foster":
        proposal.foster_carer = foster_carer(demo, name=f"Famiglia affidataria {proposal.pk}")
        proposal.placement_form = PlacementForm.JUDICIAL
        proposal.foster_kind = FosterKind.EXTRA_FAMILY
        proposal.foster_time = FosterTime.FULL_TIME
    elif delivery in ("residential", "semi_residential"):
        proposal.facility = facility(demo, name=f"Struttura {proposal.pk}", delivery=delivery)
        proposal.provider = proposal.facility.provider
        proposal.placement_form = PlacementForm.CONSENSUAL
    elif provider:
        proposal.provider = demo.organisations["provider"]
    proposal.save(
        update_fields=[
            "foster_carer",
            "facility",
            "provider",
            "placement_form",
            "foster_kind",
            "foster_time",
        ]
    )


def authorised_intervention(
    demo: DemoTerritory,
    case: Case | None = None,
    *,
    delivery: str = "educational",
    worker: str = "assistente",
    residence: str = "Prato",
    paying: str | None = None,
    provider: bool = True,
    duration_months: int = 12,
    act_date: dt.date | None = None,
    proposed_start: dt.date | None = None,
) -> Intervention:
    """The PLANNED intervention of a proposal brought to AUTHORISED through the real services.

    `case` is a case in care led by `worker` (default: a new one, child resident in `residence`); `delivery`
    picks the catalogue entry (DELIVERY_SERVICE); educational and generic services are delivered by the demo
    cooperative when `provider`, residential ones by a new facility of it, foster care by a new foster carer.
    The paying Comune is `paying` (default: the residence)."""
    from tutela.assessments.services import ReportData, social_report_file
    from tutela.services import services as proposals

    u = demo.users
    if case is None:
        case = in_care_case(demo, worker=worker, residence=residence)
    service_type = ServiceType.objects.get(code=DELIVERY_SERVICE[delivery])
    social_report_file(
        case=case,
        actor=u[worker],
        report=ReportData(kind="with_outcome", facts="Aggiornamento.", evaluations="Serve un intervento."),
        proposal=proposals.ProposalData(
            service_type=service_type,
            motivation=f"Proposta di {service_type.name}.",
            hours_per_week=Decimal("6") if delivery == "educational" else None,
            duration_months=duration_months,
            proposed_start=proposed_start,
        ),
    )
    proposal = ServiceProposal.objects.filter(case=case).order_by("-pk").first()
    assert proposal is not None
    _proposal_details(demo, proposal, delivery, provider)
    proposals.proposal_submit(proposal=proposal, actor=u[worker])
    proposals.proposal_approve(proposal=proposal, actor=u["coordinatore"])
    proposals.review_start(proposal=proposal, actor=u["amministrativo"])
    residence_municipality = case.child.residence_municipality
    assert residence_municipality is not None
    proposals.review_authorise(
        proposal=proposal,
        actor=u["amministrativo"],
        data=proposals.AuthorisationData(
            act_number=f"{proposal.pk}/{timezone.localdate().year}",
            act_date=act_date or timezone.localdate(),
            cost_estimate=Decimal("7800.00"),
            checks=frozenset(proposals.REVIEW_CHECKS),
            commitment_number=f"IMP-{proposal.pk}",
            paying_municipality=demo.municipalities[paying] if paying else residence_municipality,
        ),
    )
    intervention = Intervention.objects.select_related("case", "proposal__review").get(proposal=proposal)
    if intervention.provider_id is None and proposal.provider_id is not None:
        # The provider named by the proposal delivers it: the provider's coordinator reaches the case.
        intervention.provider = proposal.provider
        intervention.save(update_fields=["provider"])
    return intervention


def educator_assigned(
    demo: DemoTerritory, intervention: Intervention, *, starts_on: dt.date | None = None
) -> Any:
    """The demo educator assigned to the intervention by the cooperative's coordinator (the row only: the
    assignment pages and their case-team side effects are services/educational.py's)."""
    from tutela.services.models import EducatorAssignment

    return EducatorAssignment.objects.create(
        intervention=intervention,
        educator=demo.users["educatore"],
        hours_per_week=Decimal("6"),
        starts_on=starts_on or timezone.localdate(),
        assigned_by=demo.users["cooperativa"],
    )


def intervention_in(
    demo: DemoTerritory,
    state: str = "active",
    *,
    delivery: str = "educational",
    started_on: dt.date | None = None,
    **kwargs: Any,
) -> Intervention:
    """An intervention brought to `state` (planned, active, suspended, ended) through the delivery services.

    It starts on `started_on` (default today; its authorisation act bears the same date); a Comune other than
    the lead one (only Montemurlo has an officer) takes note first; an educational support gets the demo
    educator and a provider's rate valid on the start. `kwargs` go to `authorised_intervention`."""
    from tutela.services import delivery as lifecycle

    today = timezone.localdate()
    start = started_on or today
    kwargs.setdefault("act_date", start)
    intervention = authorised_intervention(demo, delivery=delivery, **kwargs)
    if state == "planned":
        return intervention
    worker = intervention.case.lead_social_worker
    if lifecycle.needs_municipality_acknowledgement(intervention):
        lifecycle.intervention_acknowledge_municipality(intervention=intervention, actor=demo.users["comune"])
    if delivery == "educational":
        educator_assigned(demo, intervention, starts_on=start)
    provider = lifecycle.provider_of(intervention)
    if provider is not None and lifecycle.rate_for(intervention, provider, start) is None:
        contract_rate(
            demo, intervention.service_type, provider=provider, valid_from=start - dt.timedelta(days=365)
        )
    lifecycle.intervention_activate(intervention=intervention, actor=worker, day=start)
    if state == "suspended":
        lifecycle.intervention_suspend(
            intervention=intervention, actor=worker, day=today, reason="Ricovero ospedaliero del minore."
        )
    elif state == "ended":
        outcome = lifecycle.outcome_choices(Intervention.objects.get(pk=intervention.pk)).first()
        lifecycle.intervention_end(
            intervention=intervention, actor=worker, day=today, reason="Obiettivi raggiunti.", outcome=outcome
        )
    elif state != "active":
        raise ValueError(f"unknown intervention state {state!r}")
    return Intervention.objects.select_related("case", "proposal__review").get(pk=intervention.pk)


def intervention_costed(
    intervention: Intervention,
    *,
    started: dt.date | None,
    ended: dt.date | None = None,
    unit_cost: str | None = "100.00",
    rate: ContractRate | None = None,
    budget: str = "7800.00",
) -> Intervention:
    """The intervention as its activation (and end) leave it, with the unit cost the cost tests price it by;
    written directly: the delivery services are not what those tests are about (cost test data only)."""
    state = "PLANNED"
    if started:
        state = "ENDED" if ended else "ACTIVE"
    Intervention.objects.filter(pk=intervention.pk).update(
        state=state,
        started_on=started,
        ended_on=ended,
        unit_cost=Decimal(unit_cost) if unit_cost else None,
        contract_rate=rate,
        budget=Decimal(budget),
    )
    return Intervention.objects.get(pk=intervention.pk)


def suspension(intervention: Intervention, starts: dt.date, resumed: dt.date | None, user: Any) -> Suspension:
    """A suspension from `starts` to the day before `resumed` (open when None), as the services record it."""
    return Suspension.objects.create(
        intervention=intervention, starts_on=starts, ends_on=resumed, reason="Ricovero.", created_by=user
    )
