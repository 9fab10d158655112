"""Court data of the demo territory: the judicial authorities, a proceeding with an order and a pending
report, an art. 403 placement in progress. Built through the real services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from tutela.accounts.models import Organisation
from tutela.cases.models import Case, CaseState
from tutela.core.demo.territory import DemoTerritory
from tutela.court.models import (
    AuthorityKind,
    CourtOrder,
    CourtReport,
    EmergencyPlacement,
    JudicialAuthority,
    MandateKind,
    MeasureKind,
    Nature,
    OrderStage,
    PlaceKind,
    PlacingAuthority,
    ReportMethod,
    ReportPurpose,
    SectionKind,
    StepKind,
    VisitFrequency,
)
from tutela.court.services.emergency import PlacementData, art403_step_record, emergency_placement_record
from tutela.court.services.orders import (
    MandateData,
    MeasureData,
    OrderData,
    ProceedingData,
    court_order_register,
    court_proceeding_create,
)
from tutela.court.services.reports import ReportContent, SectionData, court_report_create, court_report_update
from tutela.people.models import Relationship
from tutela.reference.models import Code

PROSECUTOR_ORGANISATION = "Procura della Repubblica presso il Tribunale per i minorenni di Firenze"


@dataclass
class DemoCourt:
    authorities: dict[str, JudicialAuthority]
    order: CourtOrder | None = None
    report: CourtReport | None = None
    placement: EmergencyPlacement | None = None


def authorities_ensure(demo: DemoTerritory) -> dict[str, JudicialAuthority]:
    """The authorities the demo territory deals with, linked to their organisations (address and PEC)."""
    prosecutor_org, _created = Organisation.objects.get_or_create(
        name=PROSECUTOR_ORGANISATION,
        defaults={
            "kind": Organisation.Kind.COURT,
            "email": "prot.procmin.firenze@giustiziacert.example.invalid",
            "address": "Via della Scala 79, 50123 Firenze",
            "territory": demo.territory,
        },
    )
    rows = {
        "tm": (AuthorityKind.JUVENILE_COURT, "Tribunale per i minorenni di Firenze", "Firenze", "court_tm"),
        "pm": (AuthorityKind.JUVENILE_PROSECUTOR, PROSECUTOR_ORGANISATION, "Firenze", None),
        "to": (AuthorityKind.ORDINARY_COURT, "Tribunale ordinario di Prato", "Prato", "court_to"),
        "gt": (AuthorityKind.TUTELARY_JUDGE, "Giudice tutelare del Tribunale di Prato", "Prato", "court_to"),
    }
    authorities = {}
    for key, (kind, name, seat, org_key) in rows.items():
        organisation = demo.organisations[org_key] if org_key else prosecutor_org
        authorities[key], _created = JudicialAuthority.objects.get_or_create(
            name=name, defaults={"kind": kind, "seat": seat, "organisation": organisation}
        )
    return authorities


def _mother_of(case: Case) -> list[Any]:
    return [
        r.relative
        for r in Relationship.objects.filter(child=case.child, kind=Relationship.Kind.MOTHER).select_related(
            "relative"
        )
    ]


def order_with_report_seed(
    demo: DemoTerritory, case: Case, authorities: dict[str, JudicialAuthority], *, worker: str = "assistente"
) -> tuple[CourtOrder, CourtReport]:
    """A civil proceeding before the juvenile court, a provisional order entrusting the child to the service
    with supervised visits, six-monthly reports and a psycho-social investigation; a draft report."""
    today = timezone.localdate()
    actor = demo.users[worker]
    proceeding = court_proceeding_create(
        case=case,
        actor=actor,
        data=ProceedingData(
            authority=authorities["tm"],
            rg_number=str(1000 + case.pk),
            rg_year=today.year,
            nature=Nature.CIVIL,
            opened_on=today - dt.timedelta(days=60),
            judge_name="Dott.ssa Bianca Neri",
            special_curator_name="Avv. Paolo Rossi",
        ),
    )
    mother = _mother_of(case)
    measures = [MeasureData(kind=MeasureKind.CUSTODY_TO_SERVICE)]
    if mother:
        measures.append(
            MeasureData(
                kind=MeasureKind.SUPERVISED_VISITS,
                persons=tuple(mother),
                frequency=VisitFrequency.FORTNIGHTLY,
                details="Incontri in spazio neutro alla presenza di un educatore.",
            )
        )
    order = court_order_register(
        proceeding=proceeding,
        actor=actor,
        data=OrderData(
            order_date=today - dt.timedelta(days=40),
            deposited_on=today - dt.timedelta(days=40),
            received_on=today - dt.timedelta(days=38),
            stage=OrderStage.PROVISIONAL,
            nature=Nature.CIVIL,
            number=f"{case.pk}/{today.year}",
            sinba_type=Code.objects.filter(code_list="TipoProvvedimentoGiudiziarioType", code="5").first(),
            prescriptions="La madre si sottoponga a percorso di sostegno alla genitorialità presso il consultorio.",
            report_every_months=6,
            first_report_due=today + dt.timedelta(days=20),
        ),
        measures=measures,
        mandates=[
            MandateData(
                kind=MandateKind.PSYCHOSOCIAL_INVESTIGATION,
                due_on=today + dt.timedelta(days=50),
                details="Valutare le capacità genitoriali e le risorse della rete familiare.",
            )
        ],
    )
    report = court_report_create(order=order, actor=actor, purpose=ReportPurpose.PERIODIC)
    court_report_update(
        report=report,
        actor=actor,
        content=ReportContent(
            sections={
                SectionKind.FACTS: SectionData(
                    text="Il minore frequenta regolarmente la scuola; gli incontri protetti si sono svolti ogni 15 giorni."
                ),
                SectionKind.STATEMENTS: SectionData(
                    text="La madre riferisce di voler proseguire il percorso al consultorio.",
                ),
                SectionKind.EVALUATIONS: SectionData(
                    text="Si osserva un miglioramento della relazione madre-figlio.",
                ),
            },
            methods=(ReportMethod.INTERVIEWS, ReportMethod.HOME_VISITS, ReportMethod.OBSERVATION),
        ),
    )
    return order, report


def placement_seed(
    demo: DemoTerritory, case: Case, authorities: dict[str, JudicialAuthority], *, worker: str = "assistente"
) -> EmergencyPlacement:
    """An art. 403 placement two days ago: oral notice given, acts sent; the Prosecutor's request is awaited."""
    actor = demo.users[worker]
    placed_at = (timezone.now() - dt.timedelta(days=2)).replace(minute=30, second=0, microsecond=0)
    placement = emergency_placement_record(
        case=case,
        actor=actor,
        data=PlacementData(
            placed_at=placed_at,
            place_kind=PlaceKind.COMMUNITY,
            place="Comunità di pronta accoglienza «Il Ponte», Prato",
            placing_authority=PlacingAuthority.POLICE,
            placing_authority_detail="Questura di Prato — Squadra mobile",
            reasons="Il minore è stato trovato solo in casa di notte, in condizioni igieniche gravemente carenti.",
            prosecutor=authorities["pm"],
            court=authorities["tm"],
            oral_notice_at=placed_at + dt.timedelta(minutes=20),
            oral_notice_who="Assistente sociale di turno al PM di turno",
        ),
    )
    acts = placement.steps.get(kind=StepKind.ACTS_TO_PM)
    art403_step_record(
        step=acts,
        actor=actor,
        done_at=placed_at + dt.timedelta(hours=18),
        who="Trasmessi via PEC dalla Questura",
    )
    return placement


def court_seed(demo: DemoTerritory) -> DemoCourt:
    """The court data of the demo: call after the demo cases (tutela.core.demo.cases.DemoCases.build)."""
    authorities = authorities_ensure(demo)
    result = DemoCourt(authorities=authorities)
    cases = list(
        Case.objects.filter(
            territory=demo.territory,
            state=CaseState.IN_CARE,
            lead_social_worker=demo.users["assistente"],
            court_proceedings__isnull=True,
            emergency_placements__isnull=True,
        ).order_by("pk")[:2]
    )
    if cases:
        result.order, result.report = order_with_report_seed(demo, cases[0], authorities)
    if len(cases) > 1:
        result.placement = placement_seed(demo, cases[1], authorities)
    return result
