"""Cases in and out of every scope, built once per test through the real services (accounts tests only)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone

from tutela.accounts.models import Membership, Municipality, Organisation, Territory, User
from tutela.accounts.roles import Role
from tutela.assessments.services import AssessmentData, ReportData, social_report_file
from tutela.cases.models import Case
from tutela.cases.services.assignment import case_assign
from tutela.cases.services.journal import journal_entry_add
from tutela.cases.services.members import case_member_add
from tutela.conftest import TEST_PASSWORD
from tutela.core.demo.territory import DemoTerritory
from tutela.documents.models import Attachment
from tutela.documents.services import attachment_store
from tutela.intake.services import ReferralData, referral_record_direct
from tutela.people.services import PersonData
from tutela.protocol.models import ProtocolEntry, ProtocolRegister
from tutela.protocol.services import protocol_entry_register
from tutela.reference.models import Code, CodeList
from tutela.services.models import Intervention, ServiceProposal, ServiceType
from tutela.services.services import ProposalData
from tutela.testing import factories
from tutela.testing.documents import pdf_bytes

PDF = pdf_bytes()  # a real one: documents are checked by their structure (ADR 0016)
# Text of the confidential journal entry of each case: it must never reach a Comune's page.
SECRET = "Annotazione riservata: esito della visita neuropsichiatrica"
PUBLIC = "Annotazione ordinaria: colloquio con la scuola"


@dataclass
class World:
    """The cases every scope is tested against.

    mine       IN_CARE, led by assistente, child resident in Prato; educatore and psicologa in the case team;
               a DRAFT proposal, and an authorised one whose PLANNED home educational support (paid by Prato)
               is delivered by the demo cooperative (so its coordinator, cooperativa, reaches the case)
    other      IN_CARE, led by assistente2, child resident in Montemurlo
    indirect   REFERRED, third-party report (Protocol Office), Prato
    direct     REFERRED, request recorded by the Prato desk (segretariato)
    direct_mm  REFERRED, request recorded by the Montemurlo desk (segretariato.montemurlo)
    assigned   a request of the Prato desk already assigned (ASSESSMENT, led by assistente2)
    closing    CLOSING (closure proposed by assistente)
    closed     CLOSED
    foreign    IN_CARE in another territory (SdS Fiorentina)
    """

    cases: dict[str, Case]
    proposals: dict[str, ServiceProposal]
    attachments: dict[str, Attachment]  # "<case>" and "<case>.confidential"
    interventions: dict[str, Intervention]


def _report_with_draft(case: Case, worker: User) -> ServiceProposal:
    """File the social report of a case in assessment with a DRAFT proposal (no PDF before approval)."""
    social_report_file(
        case=case,
        actor=worker,
        assessment=AssessmentData(
            summary="Sussistono i presupposti.",
            child_problem=Code.objects.get(code_list=CodeList.CHILD_PROBLEM, code="2"),
            family_problem=Code.objects.get(code_list=CodeList.FAMILY_PROBLEM, code="2"),
        ),
        report=ReportData(
            kind="with_outcome", facts="Visita domiciliare.", evaluations="Risorse attivabili."
        ),
        proposal=ProposalData(
            service_type=ServiceType.objects.get(code="FM-A11"),
            motivation="Sostegno educativo.",
            hours_per_week=Decimal("6"),
            duration_months=12,
        ),
    )
    return ServiceProposal.objects.get(case=case)


def in_care_with_draft(demo: DemoTerritory, *, worker: str, residence: str) -> tuple[Case, ServiceProposal]:
    """An IN_CARE case of the demo territory whose social report carries a DRAFT proposal."""
    case = factories.assessment_case(demo, worker=worker, residence=residence)
    proposal = _report_with_draft(case, demo.users[worker])
    return Case.objects.get(pk=case.pk), proposal


def foreign_territory_case() -> tuple[Case, ServiceProposal]:
    """An IN_CARE case with a DRAFT proposal in another territory (SdS Fiorentina), through its own offices."""
    firenze = Municipality.objects.get(name="Firenze", province_abbr="FI")
    body = Organisation.objects.create(
        name="SdS Fiorentina", kind=Organisation.Kind.CONSORTIUM, municipality=firenze
    )
    territory = Territory.objects.create(
        name="SdS Fiorentina", managing_body=body, lead_municipality=firenze, case_code_prefix="FI"
    )
    territory.municipalities.set([firenze])
    body.territory = territory
    body.save(update_fields=["territory"])
    desk = Organisation.objects.create(
        name="Segretariato sociale di Firenze",
        kind=Organisation.Kind.OTHER,
        municipality=firenze,
        territory=territory,
    )
    officer = User.objects.create_user(username="segretariato.firenze", password=TEST_PASSWORD)
    Membership.objects.create(user=officer, organisation=desk, role=Role.FRONT_OFFICE)
    worker = User.objects.create_user(username="assistente.firenze", password=TEST_PASSWORD)
    Membership.objects.create(user=worker, organisation=body, role=Role.SOCIAL_WORKER)
    today = timezone.localdate()
    referral = referral_record_direct(
        actor=officer,
        desk=desk,
        data=ReferralData(
            source=Code.objects.get(code_list=CodeList.REFERRAL_SOURCE, code="8"),
            received_on=today,
            subject="Richiesta di sostegno alla genitorialità",
        ),
        child_data=PersonData(
            surname="Neri",
            given_name="Pietro",
            birth_date=today - dt.timedelta(days=8 * 365),
            residence_municipality=firenze,
        ),
    )
    case = case_assign(case=referral.case, actor=officer, social_worker=worker)
    proposal = _report_with_draft(case, worker)
    return Case.objects.get(pk=case.pk), proposal


def _journal(case: Case, author: User) -> None:
    today = timezone.localdate()
    journal_entry_add(case=case, actor=author, kind="note", occurred_on=today, text=PUBLIC)
    journal_entry_add(
        case=case, actor=author, kind="health_contact", occurred_on=today, text=SECRET, confidential=True
    )


def world_build(demo: DemoTerritory) -> World:
    u = demo.users
    mine, mine_proposal = in_care_with_draft(demo, worker="assistente", residence="Prato")
    other, other_proposal = in_care_with_draft(demo, worker="assistente2", residence="Montemurlo")
    case_member_add(case=mine, actor=u["assistente"], user=u["educatore"], role_label="Educatore ADM")
    case_member_add(
        case=mine, actor=u["coordinatore"], user=u["psicologa"], role_label="Psicologa consultorio"
    )
    _journal(mine, u["assistente"])
    _journal(other, u["assistente2"])
    mine_intervention = factories.authorised_intervention(demo, mine, delivery="educational")
    foreign, foreign_proposal = foreign_territory_case()
    assigned = factories.referred_case(demo, channel="direct")
    case_assign(case=assigned, actor=u["segretariato"], social_worker=u["assistente2"])
    cases = {
        "mine": mine,
        "other": other,
        "indirect": factories.referred_case(demo),
        "direct": factories.referred_case(demo, channel="direct"),
        "direct_mm": factories.referred_case(demo, channel="direct", residence="Montemurlo"),
        "assigned": Case.objects.get(pk=assigned.pk),
        "closing": factories.closing_case(demo),
        "closed": factories.closed_case(demo),
        "foreign": foreign,
    }
    attachments: dict[str, Attachment] = {}
    for key, case in cases.items():
        attachments[key] = attachment_store(
            content=PDF, original_name="verbale.pdf", actor=u["coordinatore"], case=case, title="Verbale"
        )
        attachments[f"{key}.confidential"] = attachment_store(
            content=PDF,
            original_name="relazione-npi.pdf",
            actor=u["coordinatore"],
            case=case,
            title="Relazione NPI",
            confidential=True,
        )
    return World(
        cases=cases,
        proposals={"mine": mine_proposal, "other": other_proposal, "foreign": foreign_proposal},
        attachments=attachments,
        interventions={"mine": mine_intervention},
    )


@pytest.fixture
def world(demo: DemoTerritory) -> World:
    return world_build(demo)


def login(client: Any, user: User | None) -> Any:
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def protocol_office_setup() -> tuple[ProtocolRegister, User]:
    """A register and its officer, with nothing else: enough for protocol_entry_register."""
    prato = Municipality.objects.get(name="Prato", province_abbr="PO")
    office = Organisation.objects.create(
        name="Ufficio Protocollo", kind=Organisation.Kind.OTHER, municipality=prato
    )
    register = ProtocolRegister.objects.create(
        code="c_test", aoo_code="AOO_TEST", name="Registro", organisation=office
    )
    officer = User.objects.create_user(username="protocollo.test")
    return register, officer


def run_in_threads(target: Callable[[int], None], count: int) -> list[str]:
    """Run target(0..count-1) in as many threads released at the same instant; each thread closes its own
    database connections at the end. Returns the errors raised in the threads."""
    barrier = threading.Barrier(count)
    errors: list[str] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            target(index)
        except BaseException as exc:
            errors.append(f"thread {index}: {exc!r}")
        finally:
            connections.close_all()  # this thread's connections only: they are thread-local

    threads = [threading.Thread(target=run, args=(i,), name=f"registration-{i}") for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a registration thread hung"
    return errors


def register_concurrently(register: ProtocolRegister, officer: User, *, threads: int, each: int) -> list[str]:
    """`threads` offices registering `each` incoming reports at once on the same register."""

    def registrations(index: int) -> None:
        for n in range(each):
            protocol_entry_register(
                register=register,
                direction=ProtocolEntry.Direction.INCOMING,
                actor=officer,
                correspondents="Istituto comprensivo",
                subject=f"Segnalazione {index}-{n}",
            )

    return run_in_threads(registrations, threads)
