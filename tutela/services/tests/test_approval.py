"""Seed 000 step 4: the approval is registered as outgoing protocol with its PDF and notified by e-mail."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from tutela.assessments.services import AssessmentData, ReportData, social_report_file
from tutela.cases.models import CaseEvent
from tutela.cases.services.assignment import case_assign
from tutela.documents.models import Attachment
from tutela.intake.services import ReferralData, referral_register_indirect
from tutela.notifications.models import Communication
from tutela.people.services import PersonData
from tutela.protocol.models import ProtocolEntry
from tutela.reference.models import Code, CodeList
from tutela.services.models import ServiceProposal, ServiceType
from tutela.services.services import ProposalData, proposal_approve, proposal_submit
from tutela.testing import factories
from tutela.workflow import TransitionError


def _attachments(message) -> list[tuple[str, bytes, str]]:
    return [(a[0], a[1], a[2]) for a in message.attachments]


@pytest.fixture
def submitted(demo, social_worker):
    return proposal_submit(proposal=factories.proposal_in(demo, "draft"), actor=social_worker)


def test_approval_registers_an_outgoing_letter_with_its_pdf(submitted, coordinator, demo):
    proposal = proposal_approve(proposal=submitted, actor=coordinator)

    entry = proposal.approval_protocol
    assert entry.direction == ProtocolEntry.Direction.OUTGOING
    assert entry.register == demo.register
    assert re.fullmatch(r"\d{7}/\d{4}", entry.display_number)
    content = entry.document.file.open("rb").read()
    assert content.startswith(b"%PDF")
    assert entry.document_sha256 == entry.document.sha256 == hashlib.sha256(content).hexdigest()
    assert entry.document.case == submitted.case
    child = submitted.case.child
    for name in (child.surname, child.given_name):
        assert name.casefold() not in entry.subject.casefold()
        assert name.casefold() not in entry.correspondents.casefold()
    assert submitted.case.code in entry.subject
    event = CaseEvent.objects.get(case=submitted.case, code="services.proposal.approve")
    assert event.protocol_entry == entry


def test_approval_notifies_the_reporting_organisation_and_the_admin_office_after_commit(
    submitted, coordinator, demo, django_capture_on_commit_callbacks
):
    reporter = submitted.case.referrals.get().sender_organisation
    admin_office = demo.organisations["admin_office"]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        proposal = proposal_approve(proposal=submitted, actor=coordinator)
        assert mail.outbox == []  # nothing leaves before the commit

    assert len(callbacks) == 2
    communications = {c.kind: c for c in Communication.objects.filter(case=submitted.case)}
    assert set(communications) == {
        Communication.Kind.THIRD_PARTY_NOTICE,
        Communication.Kind.ADMIN_OFFICE_NOTICE,
    }
    assert communications[Communication.Kind.THIRD_PARTY_NOTICE].recipient_organisation == reporter
    assert communications[Communication.Kind.ADMIN_OFFICE_NOTICE].recipient_organisation == admin_office
    entry = proposal.approval_protocol
    for communication in communications.values():
        assert communication.protocol_entry == entry
        assert communication.document == entry.document
        assert communication.sent_at is not None
        assert communication.send_error == ""

    assert sorted(m.to[0] for m in mail.outbox) == sorted([reporter.email, admin_office.email])
    child = submitted.case.child
    for message in mail.outbox:
        [(_name, content, mimetype)] = _attachments(message)
        assert mimetype == "application/pdf"
        assert content.startswith(b"%PDF")
        assert hashlib.sha256(content).hexdigest() == entry.document_sha256
        assert entry.display_number in message.body
        for name in (child.surname, child.given_name):
            assert name.casefold() not in message.subject.casefold()
            assert name.casefold() not in message.body.casefold()


def test_approval_of_a_direct_request_notifies_only_the_admin_office(
    demo, front_office, coordinator, social_worker, django_capture_on_commit_callbacks
):
    case = factories.referred_case(demo, channel="direct")
    case = case_assign(case=case, actor=front_office, social_worker=social_worker)
    social_report_file(
        case=case,
        actor=social_worker,
        assessment=AssessmentData(summary="Presupposti presenti."),
        report=ReportData(kind="with_outcome", facts="Colloqui.", evaluations="Fragilità genitoriale."),
        proposal=ProposalData(
            service_type=ServiceType.objects.get(code="FM-A11"),
            motivation="Sostegno educativo.",
            hours_per_week=Decimal("6"),
            duration_months=12,
            provider=demo.organisations["provider"],
        ),
    )
    proposal = proposal_submit(proposal=ServiceProposal.objects.get(case=case), actor=social_worker)

    with django_capture_on_commit_callbacks(execute=True):
        proposal = proposal_approve(proposal=proposal, actor=coordinator)

    admin_office = demo.organisations["admin_office"]
    [communication] = Communication.objects.filter(case=case)
    assert communication.kind == Communication.Kind.ADMIN_OFFICE_NOTICE
    assert communication.recipient_organisation == admin_office
    assert proposal.approval_protocol.correspondents == admin_office.name
    [message] = mail.outbox
    assert message.to == [admin_office.email]
    assert len(message.attachments) == 1


def test_refused_approval_registers_nothing_and_sends_nothing(
    submitted, social_worker, django_capture_on_commit_callbacks
):
    before = (ProtocolEntry.objects.count(), Attachment.objects.count(), Communication.objects.count())
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(TransitionError):
        proposal_approve(proposal=submitted, actor=social_worker)
    assert callbacks == []
    assert mail.outbox == []
    assert (
        ProtocolEntry.objects.count(),
        Attachment.objects.count(),
        Communication.objects.count(),
    ) == before


def test_a_surname_found_inside_a_word_of_the_subject_does_not_block_the_approval(
    demo, protocol_officer, coordinator, social_worker
):
    """ "Vento" is a surname and also the end of "intervento": only whole names are forbidden in the subject."""
    child = PersonData(
        surname="Vento",
        given_name="Marta",
        birth_date=timezone.localdate() - dt.timedelta(days=3000),
        residence_municipality=demo.municipalities["Prato"],
    )
    referral = referral_register_indirect(
        actor=protocol_officer,
        protocol_office=demo.organisations["protocol_office"],
        child_data=child,
        data=ReferralData(
            source=Code.objects.get(code_list=CodeList.REFERRAL_SOURCE, code="13"),
            received_on=timezone.localdate(),
            subject="Segnalazione scolastica",
            sender_organisation=demo.organisations["school"],
        ),
    )
    case = case_assign(case=referral.case, actor=coordinator, social_worker=social_worker)
    social_report_file(
        case=case,
        actor=social_worker,
        assessment=AssessmentData(summary="Presupposti presenti."),
        report=ReportData(kind="with_outcome", facts="Colloqui.", evaluations="Fragilità genitoriale."),
        proposal=ProposalData(
            service_type=ServiceType.objects.get(code="FM-A11"),
            motivation="Sostegno educativo.",
            hours_per_week=Decimal("6"),
            duration_months=12,
            provider=demo.organisations["provider"],
        ),
    )
    proposal = proposal_submit(proposal=ServiceProposal.objects.get(case=case), actor=social_worker)

    proposal = proposal_approve(proposal=proposal, actor=coordinator)

    assert proposal.state == "APPROVED"
    assert "intervento" in proposal.approval_protocol.subject
