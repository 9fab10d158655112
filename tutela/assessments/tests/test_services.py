"""Seed 000 step 3: the assessment ends either in a closure (no grounds) or in a social report that takes the
child in charge, with or without a proposal."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tutela.assessments.models import Assessment, SocialReport
from tutela.assessments.services import AssessmentData, ReportData, case_close_no_grounds, social_report_file
from tutela.audit.models import AuditEvent
from tutela.cases.models import Case, CaseEvent, CaseState
from tutela.reference.models import Code, CodeList
from tutela.services.models import ProposalState, ServiceProposal, ServiceType
from tutela.services.services import ProposalData, proposal_submit, proposal_update_draft
from tutela.testing import factories
from tutela.testing.asserts import assert_refused
from tutela.workflow import TransitionError

NOT_LEAD = "Solo l'assistente sociale referente del caso può compiere questa azione."


def _snapshot(case: Case) -> tuple:
    fresh = Case.objects.get(pk=case.pk)
    return (
        fresh.state,
        fresh.closed_at,
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
        Assessment.objects.count(),
        SocialReport.objects.count(),
        ServiceProposal.objects.count(),
    )


def _refused(call, case: Case, message: str, error: type[Exception] = TransitionError) -> None:
    assert_refused(call, lambda: _snapshot(case), message, error)


def _assessment() -> AssessmentData:
    return AssessmentData(
        summary=" Sussistono i presupposti. ",
        child_problem=Code.objects.get(code_list=CodeList.CHILD_PROBLEM, code="2"),
        family_problem=Code.objects.get(code_list=CodeList.FAMILY_PROBLEM, code="2"),
    )


def _report(kind: str = "professional") -> ReportData:
    return ReportData(
        kind=kind,
        facts="Visita domiciliare.",
        evaluations="Fragilità genitoriale.",
        statements="La madre riferisce difficoltà.",
    )


def _proposal(code: str = "FM-A11", **kwargs) -> ProposalData:
    return ProposalData(
        service_type=ServiceType.objects.get(code=code), motivation="Sostegno educativo.", **kwargs
    )


# close_no_grounds


def test_the_lead_closes_for_lack_of_grounds(demo, social_worker):
    case = factories.assessment_case(demo)

    case_close_no_grounds(
        case=case, actor=social_worker, assessment=AssessmentData(summary=" Nessun elemento di pregiudizio. ")
    )

    fresh = Case.objects.get(pk=case.pk)
    assert fresh.state == CaseState.CLOSED
    assert fresh.closed_at is not None
    assert fresh.closure_note == "Nessun elemento di pregiudizio."
    assessment = Assessment.objects.get(case=case)
    assert (assessment.grounds, assessment.summary, assessment.assessed_by) == (
        False,
        "Nessun elemento di pregiudizio.",
        social_worker,
    )
    event = CaseEvent.objects.get(case=case, code="cases.case.close_no_grounds")
    assert (event.from_state, event.to_state, event.actor) == (
        CaseState.ASSESSMENT,
        CaseState.CLOSED,
        social_worker,
    )
    audit = AuditEvent.objects.get(action="cases.case.closed_no_grounds", object_id=str(case.pk))
    assert audit.actor == social_worker
    assert AuditEvent.objects.filter(
        action="assessments.assessment.created", object_id=str(assessment.pk)
    ).exists()


def test_close_no_grounds_needs_a_summary(demo, social_worker):
    case = factories.assessment_case(demo)
    _refused(
        lambda: case_close_no_grounds(case=case, actor=social_worker, assessment=AssessmentData(summary=" ")),
        case,
        "La sintesi della valutazione è obbligatoria.",
        ValidationError,
    )


def test_close_no_grounds_refuses_codes_of_the_wrong_list(demo, social_worker):
    case = factories.assessment_case(demo)
    wrong = Code.objects.get(code_list=CodeList.FAMILY_PROBLEM, code="2")
    _refused(
        lambda: case_close_no_grounds(
            case=case, actor=social_worker, assessment=AssessmentData(summary="x", child_problem=wrong)
        ),
        case,
        "Problematica del minore non valida.",
        ValidationError,
    )


def test_a_social_worker_who_is_not_the_lead_may_not_close(demo, other_social_worker):
    case = factories.assessment_case(demo)
    _refused(
        lambda: case_close_no_grounds(
            case=case, actor=other_social_worker, assessment=AssessmentData(summary="x")
        ),
        case,
        NOT_LEAD,
    )


def test_the_coordinator_may_not_close_for_lack_of_grounds(demo, coordinator):
    case = factories.assessment_case(demo)
    _refused(
        lambda: case_close_no_grounds(case=case, actor=coordinator, assessment=AssessmentData(summary="x")),
        case,
        "Il tuo ruolo non consente l'azione «Chiudi: nessun presupposto».",
    )


def test_close_no_grounds_only_during_the_assessment(demo, social_worker):
    case = factories.in_care_case(demo)
    _refused(
        lambda: case_close_no_grounds(case=case, actor=social_worker, assessment=AssessmentData(summary="x")),
        case,
        "L'azione «Chiudi: nessun presupposto» non è consentita nello stato «In carico».",
    )


# social_report_file during the assessment: take_in_charge


def test_a_professional_report_takes_the_case_in_charge_without_a_proposal(demo, social_worker):
    case = factories.assessment_case(demo)

    report = social_report_file(case=case, actor=social_worker, assessment=_assessment(), report=_report())

    fresh = Case.objects.get(pk=case.pk)
    assert fresh.state == CaseState.IN_CARE
    assert report.kind == SocialReport.Kind.PROFESSIONAL
    assert (report.facts, report.statements, report.evaluations) == (
        "Visita domiciliare.",
        "La madre riferisce difficoltà.",
        "Fragilità genitoriale.",
    )
    assert report.assessment.grounds is True
    assert report.assessment.summary == "Sussistono i presupposti."
    assert not ServiceProposal.objects.filter(case=case).exists()
    event = CaseEvent.objects.get(case=case, code="cases.case.take_in_charge")
    assert (event.from_state, event.to_state, event.actor) == (
        CaseState.ASSESSMENT,
        CaseState.IN_CARE,
        social_worker,
    )
    assert CaseEvent.objects.filter(case=case, code="assessments.social_report.filed").count() == 1
    assert abs((fresh.in_care_since - event.at).total_seconds()) < 1  # indicators read it (ADR 0018)
    assert AuditEvent.objects.filter(action="cases.case.taken_in_charge", object_id=str(case.pk)).count() == 1
    assert (
        AuditEvent.objects.filter(action="assessments.social_report.filed", object_id=str(report.pk)).count()
        == 1
    )


def test_a_report_with_outcome_opens_a_draft_proposal(demo, social_worker):
    case = factories.assessment_case(demo)

    report = social_report_file(
        case=case,
        actor=social_worker,
        assessment=_assessment(),
        report=_report("with_outcome"),
        proposal=_proposal(hours_per_week=Decimal("6"), duration_months=12),
    )

    assert Case.objects.get(pk=case.pk).state == CaseState.IN_CARE
    proposal = ServiceProposal.objects.get(case=case)
    assert proposal.state == ProposalState.DRAFT
    assert proposal.social_report == report
    assert (proposal.service_type.code, proposal.hours_per_week, proposal.duration_months) == (
        "FM-A11",
        Decimal("6"),
        12,
    )
    assert proposal.author == social_worker
    assert CaseEvent.objects.filter(case=case, code="services.proposal.created").count() == 1
    assert (
        AuditEvent.objects.filter(action="services.proposal.created", object_id=str(proposal.pk)).count() == 1
    )


def test_a_report_with_outcome_must_propose_a_service(demo, social_worker):
    case = factories.assessment_case(demo)
    _refused(
        lambda: social_report_file(
            case=case, actor=social_worker, assessment=_assessment(), report=_report("with_outcome")
        ),
        case,
        "Una relazione con esito deve proporre un servizio.",
        ValidationError,
    )


def test_a_professional_report_proposes_nothing(demo, social_worker):
    case = factories.assessment_case(demo)
    _refused(
        lambda: social_report_file(
            case=case, actor=social_worker, assessment=_assessment(), report=_report(), proposal=_proposal()
        ),
        case,
        "Una relazione di sola attività professionale non propone servizi.",
        ValidationError,
    )


def test_a_service_that_cannot_be_proposed_undoes_the_whole_report(demo, social_worker):
    case = factories.assessment_case(demo)
    # FM-A01 (servizio sociale professionale) is in the catalogue but not proposable.
    _refused(
        lambda: social_report_file(
            case=case,
            actor=social_worker,
            assessment=_assessment(),
            report=_report("with_outcome"),
            proposal=_proposal("FM-A01"),
        ),
        case,
        "Il servizio scelto non è proponibile.",
        ValidationError,
    )


def test_the_report_needs_facts_evaluations_and_the_assessment(demo, social_worker):
    case = factories.assessment_case(demo)
    _refused(
        lambda: social_report_file(case=case, actor=social_worker, report=_report()),
        case,
        "La sintesi della valutazione è obbligatoria.",
        ValidationError,
    )
    before = _snapshot(case)
    with pytest.raises(ValidationError) as excinfo:
        social_report_file(
            case=case,
            actor=social_worker,
            assessment=_assessment(),
            report=ReportData(kind="oral", facts=" ", evaluations=""),
        )
    assert excinfo.value.message_dict == {
        "kind": ["Tipo di relazione non valido."],
        "facts": ["Descrivere i fatti osservati."],
        "evaluations": ["Le valutazioni professionali sono obbligatorie."],
    }
    assert _snapshot(case) == before


def test_only_the_lead_takes_in_charge(demo, other_social_worker):
    case = factories.assessment_case(demo)
    _refused(
        lambda: social_report_file(
            case=case, actor=other_social_worker, assessment=_assessment(), report=_report()
        ),
        case,
        NOT_LEAD,
    )


def test_no_report_on_a_case_not_yet_assigned(demo, social_worker):
    case = factories.referred_case(demo)
    _refused(
        lambda: social_report_file(
            case=case, actor=social_worker, assessment=_assessment(), report=_report()
        ),
        case,
        "Una relazione sociale si deposita solo su pratiche in valutazione o in carico.",
    )


# social_report_file in care: another report, no transition


def test_in_care_a_further_report_changes_no_state(demo, social_worker):
    case = factories.in_care_case(demo)
    assessments = Assessment.objects.count()

    report = social_report_file(
        case=case, actor=social_worker, report=_report("with_outcome"), proposal=_proposal()
    )

    assert Case.objects.get(pk=case.pk).state == CaseState.IN_CARE
    assert report.assessment is None
    assert Assessment.objects.count() == assessments
    assert (
        CaseEvent.objects.filter(case=case, code="cases.case.take_in_charge").count() == 1
    )  # the first one only
    assert CaseEvent.objects.filter(case=case, code="assessments.social_report.filed").count() == 2
    assert ServiceProposal.objects.get(case=case).state == ProposalState.DRAFT
    taken = Case.objects.get(pk=case.pk).in_care_since
    assert taken is not None and taken == case.in_care_since  # the first time only


def test_in_care_only_the_lead_files_reports(demo, other_social_worker, coordinator):
    case = factories.in_care_case(demo)
    for actor in (other_social_worker, coordinator):
        _refused(
            lambda a=actor: social_report_file(case=case, actor=a, report=_report()),
            case,
            "Solo l'assistente sociale referente può depositare relazioni su questa pratica.",
        )


def test_no_report_on_a_closed_case(demo, social_worker):
    case = factories.closed_case(demo)
    _refused(
        lambda: social_report_file(case=case, actor=social_worker, report=_report()),
        case,
        "Una relazione sociale si deposita solo su pratiche in valutazione o in carico.",
    )


# proposal_update_draft


def test_the_lead_edits_a_draft(demo, social_worker):
    proposal = factories.proposal_in(demo, "draft")

    updated = proposal_update_draft(
        proposal=proposal,
        actor=social_worker,
        data=_proposal("FM-A08", hours_per_week=Decimal("4"), duration_months=6),
    )

    fresh = ServiceProposal.objects.get(pk=proposal.pk)
    assert fresh == updated
    assert (fresh.service_type.code, fresh.hours_per_week, fresh.duration_months, fresh.state) == (
        "FM-A08",
        Decimal("4"),
        6,
        ProposalState.DRAFT,
    )
    assert (
        AuditEvent.objects.filter(action="services.proposal.updated", object_id=str(proposal.pk)).count() == 1
    )


def _update_refused(
    proposal: ServiceProposal,
    actor,
    data: ProposalData,
    message: str,
    error: type[Exception] = TransitionError,
) -> None:
    before = (ServiceProposal.objects.filter(pk=proposal.pk).values().get(), AuditEvent.objects.count())
    with pytest.raises(error) as excinfo:
        proposal_update_draft(proposal=proposal, actor=actor, data=data)
    text = (
        excinfo.value.message
        if isinstance(excinfo.value, TransitionError)
        else " ".join(excinfo.value.messages)
    )
    assert text == message
    assert (
        ServiceProposal.objects.filter(pk=proposal.pk).values().get(),
        AuditEvent.objects.count(),
    ) == before


def test_only_the_lead_edits_a_draft(demo, other_social_worker, coordinator):
    proposal = factories.proposal_in(demo, "draft")
    for actor in (other_social_worker, coordinator):
        _update_refused(proposal, actor, _proposal("FM-A08"), NOT_LEAD)


def test_a_submitted_proposal_cannot_be_edited(demo, social_worker):
    proposal = proposal_submit(proposal=factories.proposal_in(demo, "draft"), actor=social_worker)
    _update_refused(
        proposal, social_worker, _proposal("FM-A08"), "Si può modificare solo una proposta in bozza."
    )


def test_draft_edits_are_validated(demo, social_worker):
    proposal = factories.proposal_in(demo, "draft")
    _update_refused(
        proposal,
        social_worker,
        _proposal(hours_per_week=Decimal("0")),
        "Le ore settimanali devono essere tra 0 e 60.",
        ValidationError,
    )
    _update_refused(
        proposal,
        social_worker,
        _proposal(duration_months=61),
        "La durata deve essere tra 1 e 60 mesi.",
        ValidationError,
    )
    _update_refused(
        proposal,
        social_worker,
        ProposalData(service_type=ServiceType.objects.get(code="FM-A11"), motivation="  "),
        "Motivare la proposta.",
        ValidationError,
    )


def test_a_new_report_can_be_filed_while_another_proposal_is_under_evaluation(demo, social_worker):
    """Filing a report in care needs the lead social worker, not the conditions for proposing a closure."""
    draft = factories.proposal_in(demo, "submitted")
    case = draft.case
    report = social_report_file(
        case=case,
        actor=social_worker,
        report=ReportData(kind="professional", facts="Nuovo colloquio.", evaluations="Situazione stabile."),
    )
    assert report.case_id == case.pk
    assert SocialReport.objects.filter(case=case).count() == 2
