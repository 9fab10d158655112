"""About forty demo cases spread over every state of the pathway, built through the real services."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

from codicefiscale import codicefiscale
from django.utils import timezone

from tutela.assessments.services import AssessmentData, ReportData, case_close_no_grounds, social_report_file
from tutela.cases.models import Case
from tutela.cases.services.assignment import case_assign
from tutela.cases.services.closure import case_confirm_closure, case_request_closure
from tutela.cases.services.journal import journal_entry_add
from tutela.cases.services.members import case_member_add
from tutela.core.demo.territory import DemoTerritory
from tutela.intake.services import ReferralData, referral_record_direct, referral_register_indirect
from tutela.people.services import PersonData, relationship_add
from tutela.reference.models import Code, CodeList
from tutela.services.delivery import intervention_activate, intervention_end, intervention_suspend
from tutela.services.demo import demo_proposal_details, seed_services
from tutela.services.demo_delivery import seed_home_support_delivery
from tutela.services.educational import AssignmentData, educator_assign
from tutela.services.models import Intervention, ServiceProposal, ServiceType
from tutela.services.services import (
    REVIEW_CHECKS,
    AuthorisationData,
    ProposalData,
    proposal_acknowledge_outcome,
    proposal_approve,
    proposal_reject,
    proposal_return,
    proposal_submit,
    review_authorise,
    review_deny,
    review_start,
)

SURNAMES = [
    "Rossi",
    "Bianchi",
    "Esposito",
    "Conti",
    "Galli",
    "Ferrari",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "Costa",
    "Fontana",
    "Caruso",
    "Mancini",
    "Lombardi",
    "Moretti",
    "Barbieri",
    "Rinaldi",
    "Colombo",
    "Santoro",
    "Fabbri",
    "Marchetti",
    "Pellegrini",
    "Vitale",
    "Serra",
    "Leone",
    "Guerra",
    "Chen",
    "Hu",
    "Kaur",
    "Hoxha",
    "Popescu",
    "Diallo",
    "Ahmed",
    "Sarti",
    "Cecchi",
    "Niccolai",
    "Bartoli",
    "Landini",
    "Bacci",
]
GIRLS = [
    "Sofia",
    "Giulia",
    "Aurora",
    "Alice",
    "Ginevra",
    "Emma",
    "Giorgia",
    "Beatrice",
    "Martina",
    "Chiara",
    "Mei",
    "Amina",
]
BOYS = [
    "Leonardo",
    "Francesco",
    "Alessandro",
    "Lorenzo",
    "Mattia",
    "Tommaso",
    "Gabriele",
    "Riccardo",
    "Andrea",
    "Edoardo",
    "Wei",
    "Omar",
]
SOURCES = {
    "court_tm": "11",
    "court_to": "10",
    "school": "13",
    "school2": "13",
    "police": "5",
    "carabinieri": "5",
    "consultorio": "3",
}


class DemoCases:
    def __init__(self, demo: DemoTerritory, *, seed: int = 2026) -> None:
        self.demo = demo
        self.rng = random.Random(seed)
        self.today = timezone.localdate()
        self.users = demo.users
        self.count = 0
        self.codes = {c.code_list + c.code: c for c in Code.objects.all()}
        self.services = {s.code: s for s in ServiceType.objects.all()}
        self.catalogue = seed_services(demo)  # contracts, facilities and foster carers the proposals name

    def code(self, code_list: str, code: str) -> Code:
        return self.codes[code_list + code]

    def child(self, residence: str = "Prato") -> PersonData:
        self.count += 1
        sex = self.rng.choice("FM")
        surname = SURNAMES[(self.count * 7) % len(SURNAMES)]
        given = self.rng.choice(GIRLS if sex == "F" else BOYS)
        birth = self.today - dt.timedelta(days=self.rng.randint(365, 17 * 365))
        place = self.demo.municipalities["Prato"]
        fiscal_code = codicefiscale.encode(
            lastname=surname,
            firstname=given,
            gender=sex,  # type: ignore[arg-type]
            birthdate=birth.strftime("%d/%m/%Y"),
            birthplace="G999",
        )
        return PersonData(
            surname=surname,
            given_name=given,
            birth_date=birth,
            fiscal_code=fiscal_code,
            sex=sex,
            birth_place=place,
            citizenship="Italiana",
            residence_municipality=self.demo.municipalities[residence],
            residence_address=f"Via {self.rng.choice(['Roma', 'Garibaldi', 'Pistoiese', 'Firenze', 'Bologna'])} {self.rng.randint(1, 200)}",
        )

    def indirect(self, *, days_ago: int, sender: str = "school", residence: str = "Prato") -> Case:
        org = self.demo.organisations[sender]
        data = ReferralData(
            source=self.code(CodeList.REFERRAL_SOURCE, SOURCES[sender]),
            received_on=self.today - dt.timedelta(days=days_ago),
            subject="Segnalazione di situazione di pregiudizio per un minore",
            sender_organisation=org,
            narrative="Il minore presenta assenze ripetute e segni di trascuratezza riferiti dagli insegnanti.",
            sender_reference=f"prot. {self.rng.randint(1000, 9999)} del {(self.today - dt.timedelta(days=days_ago + 1)):%d/%m/%Y}",
        )
        referral = referral_register_indirect(
            actor=self.users["protocollo"],
            protocol_office=self.demo.organisations["protocol_office"],
            data=data,
            child_data=self.child(residence),
        )
        return referral.case

    def direct(self, *, days_ago: int, residence: str = "Prato") -> Case:
        desk_user = "segretariato.montemurlo" if residence == "Montemurlo" else "segretariato"
        desk = self.demo.organisations["desk_montemurlo" if residence == "Montemurlo" else "pass_prato"]
        data = ReferralData(
            source=self.code(CodeList.REFERRAL_SOURCE, "8"),
            received_on=self.today - dt.timedelta(days=days_ago),
            subject="Richiesta di sostegno alla genitorialità",
            applicant_name="Genitore richiedente",
            applicant_relationship="madre",
            narrative="La madre chiede aiuto nella gestione educativa del figlio.",
        )
        return referral_record_direct(
            actor=self.users[desk_user], desk=desk, data=data, child_data=self.child(residence)
        ).case

    def assigned(self, case: Case, worker: str = "assistente") -> Case:
        residence = case.child.residence_municipality
        montemurlo = residence is not None and residence.name == "Montemurlo"
        assigner = (
            "coordinatore"
            if case.channel == "indirect"
            else ("segretariato.montemurlo" if montemurlo else "segretariato")
        )
        case = case_assign(case=case, actor=self.users[assigner], social_worker=self.users[worker])
        journal_entry_add(
            case=case,
            actor=self.users[worker],
            kind="interview",
            occurred_on=self.today,
            text="Primo colloquio con il nucleo familiare presso la sede del servizio.",
        )
        return case

    def in_care(
        self, case: Case, service: str | None, worker: str = "assistente", *, duration_months: int = 12
    ) -> ServiceProposal | None:
        kind = "with_outcome" if service else "professional"
        proposal = (
            ProposalData(
                service_type=self.services[service],
                motivation="Necessario un sostegno educativo strutturato.",
                hours_per_week=Decimal("6"),
                duration_months=duration_months,
                proposed_start=self.today + dt.timedelta(days=20),
                **demo_proposal_details(self.catalogue, self.services[service]),
            )
            if service
            else None
        )
        social_report_file(
            case=case,
            actor=self.users[worker],
            assessment=AssessmentData(
                summary="Sussistono i presupposti per la presa in carico.",
                child_problem=self.code(CodeList.CHILD_PROBLEM, "2"),
                family_problem=self.code(CodeList.FAMILY_PROBLEM, "2"),
            ),
            report=ReportData(
                kind=kind,
                facts="Visita domiciliare e colloqui con la scuola.",
                evaluations="Fragilità genitoriale con risorse attivabili.",
                statements="La madre riferisce difficoltà nella gestione quotidiana.",
            ),
            proposal=proposal,
        )
        relationship_add(
            child=case.child,
            relative_data=PersonData(
                surname=case.child.surname,
                given_name="Maria",
                birth_date=self.today - dt.timedelta(days=365 * 38),
            ),
            kind="mother",
            cohabiting=True,
            actor=self.users[worker],
            case=case,
        )
        return ServiceProposal.objects.filter(case=case).order_by("-pk").first()

    def assessment(self, *, days_ago: int, worker: str) -> Case:
        return self.assigned(self.indirect(days_ago=days_ago, sender="school"), worker)

    def professional_only(self, *, days_ago: int, worker: str) -> None:
        self.in_care(self.assigned(self.indirect(days_ago=days_ago, sender="court_tm"), worker), None, worker)

    def build(self) -> int:
        u = self.users
        steps: list[Callable[[], Any]] = []
        for days, sender in [
            (2, "school"),
            (4, "police"),
            (15, "court_tm"),
            (21, "school2"),
            (1, "consultorio"),
            (12, "carabinieri"),
        ]:
            steps.append(partial(self.indirect, days_ago=days, sender=sender))
        for days, residence in [(3, "Prato"), (14, "Prato"), (5, "Montemurlo")]:
            steps.append(partial(self.direct, days_ago=days, residence=residence))
        for i in range(6):
            steps.append(
                partial(self.assessment, days_ago=8 + i, worker="assistente" if i % 2 else "assistente2")
            )
        for i in range(4):

            def no_grounds(i: int = i) -> None:
                case = self.assigned(self.direct(days_ago=20 + i), "assistente")
                case_close_no_grounds(
                    case=case,
                    actor=u["assistente"],
                    assessment=AssessmentData(
                        summary="Non emergono elementi di pregiudizio: orientata ai servizi educativi del territorio."
                    ),
                )

            steps.append(no_grounds)
        for i in range(6):
            steps.append(
                partial(
                    self.professional_only,
                    days_ago=30 + i,
                    worker="assistente" if i % 2 == 0 else "assistente2",
                )
            )
        for outcome in [
            "draft",
            "returned",
            "submitted",
            "submitted",
            "submitted",
            "approved",
            "approved",
            "review",
            "review",
            "authorised",
            "authorised_montemurlo",
            "acknowledged",
            "denied",
            "rejected",
            "draft",
        ]:
            steps.append(partial(self.proposal_to, outcome))
        # Interventions being delivered: a home support with its educator, hours, PEI, report and control; one
        # suspended; one ended; a foster placement whose 24 months end soon (the alert to the prosecutor is due).
        steps.append(partial(self.delivering, "FM-A11", "active", started_days_ago=45, with_delivery=True))
        steps.append(partial(self.delivering, "FM-A11", "suspended", started_days_ago=60))
        steps.append(partial(self.delivering, "FM-A11", "ended", started_days_ago=120))
        steps.append(partial(self.delivering, "FM-A04", "active", started_days_ago=660, duration_months=24))
        steps.append(self.closing)
        steps.append(self.closed)
        for step in steps:
            step()
        return Case.objects.filter(territory=self.demo.territory).count()

    def proposal_to(self, outcome: str) -> None:
        u = self.users
        residence = "Montemurlo" if outcome == "authorised_montemurlo" else "Prato"
        service = self.rng.choice(["FM-A11", "FM-A08", "FM-A04", "FM-R02"])
        case = self.assigned(
            self.indirect(
                days_ago=40, sender=self.rng.choice(["school", "court_tm", "police"]), residence=residence
            )
        )
        proposal = self.in_care(case, service)
        assert proposal is not None
        if outcome == "draft":
            return
        proposal_submit(proposal=proposal, actor=u["assistente"])
        if outcome == "returned":
            proposal_return(
                proposal=proposal, actor=u["coordinatore"], reason="Specificare gli obiettivi e la durata."
            )
            return
        if outcome == "rejected":
            proposal_reject(
                proposal=proposal,
                actor=u["coordinatore"],
                reason="Intervento non appropriato: proseguire con il solo servizio sociale.",
            )
            return
        if outcome == "submitted":
            return
        proposal_approve(proposal=proposal, actor=u["coordinatore"])
        if outcome == "approved":
            return
        review_start(proposal=proposal, actor=u["amministrativo"])
        if outcome == "review":
            return
        if outcome == "denied":
            review_deny(
                proposal=proposal,
                actor=u["amministrativo"],
                reason="Copertura di bilancio insufficiente nell'esercizio.",
            )
            return
        review_authorise(
            proposal=proposal,
            actor=u["amministrativo"],
            data=AuthorisationData(
                act_number=f"{self.rng.randint(100, 2500)}/{self.today.year}",
                act_date=self.today,
                cost_estimate=Decimal("7800.00"),
                paying_municipality=self.demo.municipalities[residence],
                checks=frozenset(REVIEW_CHECKS),
                commitment_number=f"IMP-{self.today.year}-{proposal.pk:04d}",
            ),
        )
        if outcome == "acknowledged":
            proposal_acknowledge_outcome(proposal=proposal, actor=u["assistente"])
            case_member_add(case=case, actor=u["assistente"], user=u["educatore"], role_label="Educatore ADM")
            case_member_add(
                case=case, actor=u["coordinatore"], user=u["psicologa"], role_label="Psicologa consultorio"
            )

    def delivering(
        self,
        service: str,
        state: str,
        *,
        started_days_ago: int,
        duration_months: int = 12,
        with_delivery: bool = False,
    ) -> Intervention:
        """An intervention authorised and started `started_days_ago` through the real services, then brought to
        `state` (active, suspended, ended)."""
        u = self.users
        start = self.today - dt.timedelta(days=started_days_ago)
        case = self.assigned(self.indirect(days_ago=min(started_days_ago + 40, 700), sender="court_tm"))
        proposal = self.in_care(case, service, duration_months=duration_months)
        assert proposal is not None
        proposal_submit(proposal=proposal, actor=u["assistente"])
        proposal_approve(proposal=proposal, actor=u["coordinatore"])
        review_start(proposal=proposal, actor=u["amministrativo"])
        review_authorise(
            proposal=proposal,
            actor=u["amministrativo"],
            data=AuthorisationData(
                act_number=f"{self.rng.randint(100, 2500)}/{start.year}",
                act_date=start - dt.timedelta(days=5),
                cost_estimate=Decimal("7800.00"),
                paying_municipality=self.demo.municipalities["Prato"],
                checks=frozenset(REVIEW_CHECKS),
                commitment_number=f"IMP-{start.year}-{proposal.pk:04d}",
            ),
        )
        proposal_acknowledge_outcome(proposal=proposal, actor=u["assistente"])
        intervention = Intervention.objects.get(proposal=proposal)
        if intervention.service_type.delivery == ServiceType.Delivery.EDUCATIONAL:
            educator_assign(
                intervention=intervention,
                actor=u["cooperativa"],
                data=AssignmentData(educator=u["educatore"], hours_per_week=Decimal("4"), starts_on=start),
            )
        intervention_activate(intervention=intervention, actor=u["assistente"], day=start)
        if with_delivery:
            seed_home_support_delivery(self.demo, intervention)
        if state == "suspended":
            intervention_suspend(
                intervention=intervention,
                actor=u["assistente"],
                day=self.today - dt.timedelta(days=7),
                reason="Ricovero ospedaliero del minore.",
            )
        elif state == "ended":
            intervention_end(
                intervention=intervention,
                actor=u["assistente"],
                day=self.today - dt.timedelta(days=10),
                reason="Obiettivi del progetto raggiunti.",
                outcome=None,
            )
        return Intervention.objects.get(pk=intervention.pk)

    def closing(self) -> None:
        case = self.assigned(self.indirect(days_ago=200, sender="court_to"))
        self.in_care(case, None)
        case_request_closure(
            case=case,
            actor=self.users["assistente"],
            reason=self.code(CodeList.CLOSURE_REASON, "4"),
            note="Obiettivi raggiunti, la famiglia è autonoma.",
        )

    def closed(self) -> None:
        case = self.assigned(self.indirect(days_ago=300, sender="school"))
        self.in_care(case, None)
        case = case_request_closure(
            case=case,
            actor=self.users["assistente"],
            reason=self.code(CodeList.CLOSURE_REASON, "3"),
            note="Raggiunta la maggiore età.",
        )
        case_confirm_closure(case=case, actor=self.users["coordinatore"])
