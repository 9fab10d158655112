"""Every transition of the proposal workflow (DESIGN.md section 2): allowed, refused by role, refused by state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tutela.audit.models import AuditEvent
from tutela.cases.models import CaseEvent
from tutela.notifications.models import Communication
from tutela.protocol.models import ProtocolEntry
from tutela.services.models import AdministrativeReview, Intervention, ProposalState, ServiceProposal
from tutela.services.services import (
    REVIEW_CHECKS,
    AuthorisationData,
    proposal_acknowledge_outcome,
    proposal_approve,
    proposal_reject,
    proposal_return,
    proposal_submit,
    review_authorise,
    review_deny,
    review_start,
)
from tutela.services.workflow import PROPOSAL_WORKFLOW
from tutela.testing import factories
from tutela.testing.asserts import assert_refused
from tutela.workflow import TransitionError

ROLE_REFUSED = "Il tuo ruolo non consente l'azione «{}»."
NOT_LEAD = "Solo l'assistente sociale referente del caso può compiere questa azione."


def _snapshot(proposal: ServiceProposal) -> tuple:
    fresh = ServiceProposal.objects.get(pk=proposal.pk)
    return (
        fresh.state,
        fresh.outcome_acknowledged_at,
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
        ProtocolEntry.objects.count(),
        Communication.objects.count(),
        Intervention.objects.count(),
        AdministrativeReview.objects.count(),
    )


def _assert_recorded(
    proposal: ServiceProposal, *, name: str, action: str, actor, from_state: str, to_state: str
) -> None:
    event = CaseEvent.objects.filter(case=proposal.case, code=f"services.proposal.{name}").latest("id")
    assert (event.from_state, event.to_state, event.actor) == (from_state, to_state, actor)
    audit = AuditEvent.objects.get(action=f"services.proposal.{action}", object_id=str(proposal.pk))
    assert audit.actor == actor
    assert audit.object_type == "services.serviceproposal"
    assert audit.case_id == proposal.case_id
    assert audit.data == {"from": from_state, "to": to_state}


def _refused(call, proposal: ServiceProposal, message: str, error: type[Exception] = TransitionError) -> None:
    assert_refused(call, lambda: _snapshot(proposal), message, error)


@pytest.fixture
def draft(demo):
    return factories.proposal_in(demo, "draft")


@pytest.fixture
def submitted(draft, social_worker):
    return proposal_submit(proposal=draft, actor=social_worker)


@pytest.fixture
def approved(submitted, coordinator):
    return proposal_approve(proposal=submitted, actor=coordinator)


@pytest.fixture
def under_review(approved, admin_officer):
    return review_start(proposal=approved, actor=admin_officer)


def _authorisation(demo, comune: str = "Prato") -> AuthorisationData:
    return AuthorisationData(
        act_number=" 123/2026 ",
        act_date=timezone.localdate(),
        cost_estimate=Decimal("7800.00"),
        paying_municipality=demo.municipalities[comune],
        checks=frozenset(REVIEW_CHECKS),
        commitment_number="IMP-2026-42",
    )


# submit


def test_submit_by_the_lead_sends_the_draft_to_the_coordinator(draft, social_worker):
    proposal = proposal_submit(proposal=draft, actor=social_worker)

    assert ServiceProposal.objects.get(pk=draft.pk).state == ProposalState.SUBMITTED
    assert proposal.submitted_at is not None
    _assert_recorded(
        draft,
        name="submit",
        action="submitted",
        actor=social_worker,
        from_state=ProposalState.DRAFT,
        to_state=ProposalState.SUBMITTED,
    )


def test_submit_refused_to_a_social_worker_who_is_not_the_lead(draft, other_social_worker):
    _refused(lambda: proposal_submit(proposal=draft, actor=other_social_worker), draft, NOT_LEAD)


def test_submit_refused_to_the_coordinator(draft, coordinator):
    _refused(
        lambda: proposal_submit(proposal=draft, actor=coordinator),
        draft,
        ROLE_REFUSED.format("Invia al coordinatore"),
    )


def test_submit_refused_when_already_submitted(submitted, social_worker):
    _refused(
        lambda: proposal_submit(proposal=submitted, actor=social_worker),
        submitted,
        "L'azione «Invia al coordinatore» non è consentita nello stato «Inviata al coordinatore».",
    )


# approve (the letter, protocol and e-mails are in test_approval.py)


def test_approve_by_the_coordinator(submitted, coordinator):
    proposal = proposal_approve(proposal=submitted, actor=coordinator, note="Coerente con la valutazione.")

    assert ServiceProposal.objects.get(pk=submitted.pk).state == ProposalState.APPROVED
    assert proposal.evaluated_by == coordinator
    _assert_recorded(
        submitted,
        name="approve",
        action="approved",
        actor=coordinator,
        from_state=ProposalState.SUBMITTED,
        to_state=ProposalState.APPROVED,
    )
    event = CaseEvent.objects.filter(case=submitted.case, code="services.proposal.approve").get()
    assert event.protocol_entry == proposal.approval_protocol
    assert event.note == "Coerente con la valutazione."


def test_approve_refused_to_a_social_worker(submitted, social_worker):
    _refused(
        lambda: proposal_approve(proposal=submitted, actor=social_worker),
        submitted,
        ROLE_REFUSED.format("Approva la proposta"),
    )


def test_approve_refused_to_the_admin_officer(submitted, admin_officer):
    _refused(
        lambda: proposal_approve(proposal=submitted, actor=admin_officer),
        submitted,
        ROLE_REFUSED.format("Approva la proposta"),
    )


def test_approve_refused_for_a_draft(draft, coordinator):
    _refused(
        lambda: proposal_approve(proposal=draft, actor=coordinator),
        draft,
        "L'azione «Approva la proposta» non è consentita nello stato «Bozza».",
    )


# return


def test_return_puts_the_proposal_back_to_draft_with_the_reason(submitted, coordinator, social_worker):
    proposal_return(proposal=submitted, actor=coordinator, reason="  Specificare gli obiettivi. ")

    fresh = ServiceProposal.objects.get(pk=submitted.pk)
    assert fresh.state == ProposalState.DRAFT
    assert fresh.return_reason == "Specificare gli obiettivi."
    _assert_recorded(
        submitted,
        name="return",
        action="returned",
        actor=coordinator,
        from_state=ProposalState.SUBMITTED,
        to_state=ProposalState.DRAFT,
    )
    # The lead may send it again; the reason is cleared.
    proposal_submit(proposal=fresh, actor=social_worker)
    assert ServiceProposal.objects.get(pk=submitted.pk).return_reason == ""


def test_return_needs_a_reason(submitted, coordinator):
    _refused(
        lambda: proposal_return(proposal=submitted, actor=coordinator, reason="  "),
        submitted,
        "Indicare il motivo della restituzione.",
        ValidationError,
    )


def test_return_refused_to_a_social_worker(submitted, social_worker):
    _refused(
        lambda: proposal_return(proposal=submitted, actor=social_worker, reason="x"),
        submitted,
        ROLE_REFUSED.format("Restituisci con osservazioni"),
    )


def test_return_refused_for_a_draft(draft, coordinator):
    _refused(
        lambda: proposal_return(proposal=draft, actor=coordinator, reason="x"),
        draft,
        "L'azione «Restituisci con osservazioni» non è consentita nello stato «Bozza».",
    )


# reject


def test_reject_closes_the_proposal_with_the_reason(submitted, coordinator):
    proposal_reject(proposal=submitted, actor=coordinator, reason="Intervento non appropriato.")

    fresh = ServiceProposal.objects.get(pk=submitted.pk)
    assert fresh.state == ProposalState.REJECTED
    assert fresh.rejection_reason == "Intervento non appropriato."
    _assert_recorded(
        submitted,
        name="reject",
        action="rejected",
        actor=coordinator,
        from_state=ProposalState.SUBMITTED,
        to_state=ProposalState.REJECTED,
    )
    assert PROPOSAL_WORKFLOW.available(fresh, coordinator) == []


def test_reject_needs_a_reason(submitted, coordinator):
    _refused(
        lambda: proposal_reject(proposal=submitted, actor=coordinator, reason=""),
        submitted,
        "Indicare il motivo del rigetto.",
        ValidationError,
    )


def test_reject_refused_to_a_social_worker(submitted, social_worker):
    _refused(
        lambda: proposal_reject(proposal=submitted, actor=social_worker, reason="x"),
        submitted,
        ROLE_REFUSED.format("Respingi la proposta"),
    )


# start_review


def test_start_review_opens_the_administrative_review(approved, admin_officer):
    review_start(proposal=approved, actor=admin_officer)

    assert ServiceProposal.objects.get(pk=approved.pk).state == ProposalState.UNDER_REVIEW
    review = AdministrativeReview.objects.get(proposal=approved)
    assert review.started_by == admin_officer
    assert review.paying_municipality == approved.case.child.residence_municipality
    _assert_recorded(
        approved,
        name="start_review",
        action="review_started",
        actor=admin_officer,
        from_state=ProposalState.APPROVED,
        to_state=ProposalState.UNDER_REVIEW,
    )


def test_start_review_refused_by_role_and_once_under_review(approved, coordinator, admin_officer):
    _refused(
        lambda: review_start(proposal=approved, actor=coordinator),
        approved,
        ROLE_REFUSED.format("Avvia l'istruttoria"),
    )
    review_start(proposal=approved, actor=admin_officer)
    _refused(
        lambda: review_start(proposal=approved, actor=admin_officer),
        approved,
        "L'azione «Avvia l'istruttoria» non è consentita nello stato «In istruttoria».",
    )


# authorise / deny (communications to the paying Comune are in test_authorisation.py)


def test_authorise_refused_for_an_approved_proposal_not_under_review(approved, admin_officer, demo):
    _refused(
        lambda: review_authorise(proposal=approved, actor=admin_officer, data=_authorisation(demo)),
        approved,
        "L'azione «Autorizza» non è consentita nello stato «Approvata».",
    )


def test_authorise_refused_to_the_coordinator_and_to_the_social_worker(
    under_review, coordinator, social_worker, demo
):
    for actor in (coordinator, social_worker):
        _refused(
            lambda a=actor: review_authorise(proposal=under_review, actor=a, data=_authorisation(demo)),
            under_review,
            ROLE_REFUSED.format("Autorizza"),
        )


def test_authorise_then_acknowledge_once(
    under_review, admin_officer, social_worker, other_social_worker, demo
):
    review_authorise(
        proposal=under_review, actor=admin_officer, data=_authorisation(demo), note="Determina firmata."
    )

    fresh = ServiceProposal.objects.get(pk=under_review.pk)
    assert fresh.state == ProposalState.AUTHORISED
    _assert_recorded(
        under_review,
        name="authorise",
        action="authorised",
        actor=admin_officer,
        from_state=ProposalState.UNDER_REVIEW,
        to_state=ProposalState.AUTHORISED,
    )
    review = AdministrativeReview.objects.get(proposal=under_review)
    assert (review.act_number, review.decided_by) == ("123/2026", admin_officer)
    assert [t.name for t in PROPOSAL_WORKFLOW.available(fresh, social_worker)] == ["acknowledge"]

    _refused(lambda: proposal_acknowledge_outcome(proposal=fresh, actor=other_social_worker), fresh, NOT_LEAD)
    _refused(
        lambda: proposal_acknowledge_outcome(proposal=fresh, actor=admin_officer),
        fresh,
        ROLE_REFUSED.format("Prendi atto dell'esito"),
    )

    proposal_acknowledge_outcome(proposal=fresh, actor=social_worker)
    acknowledged = ServiceProposal.objects.get(pk=under_review.pk)
    assert acknowledged.state == ProposalState.AUTHORISED
    assert acknowledged.outcome_acknowledged_at is not None
    assert acknowledged.outcome_acknowledged_by == social_worker
    _assert_recorded(
        under_review,
        name="acknowledge",
        action="outcome_acknowledged",
        actor=social_worker,
        from_state=ProposalState.AUTHORISED,
        to_state=ProposalState.AUTHORISED,
    )
    assert PROPOSAL_WORKFLOW.available(acknowledged, social_worker) == []
    _refused(
        lambda: proposal_acknowledge_outcome(proposal=acknowledged, actor=social_worker),
        acknowledged,
        "L'esito è già stato acquisito.",
    )


def test_authorise_refuses_bad_act_data(under_review, admin_officer, demo):
    bad = AuthorisationData(
        act_number=" ",
        act_date=timezone.localdate() + dt.timedelta(days=1),
        cost_estimate=Decimal("-1"),
        paying_municipality=demo.municipalities["Prato"],
    )
    before = _snapshot(under_review)
    with pytest.raises(ValidationError) as excinfo:
        review_authorise(proposal=under_review, actor=admin_officer, data=bad)
    assert excinfo.value.message_dict == {
        "act_number": ["Indicare il numero dell'atto di autorizzazione."],
        "act_date": ["La data dell'atto non può essere nel futuro."],
        "cost_estimate": ["La spesa prevista non può essere negativa."],
    }
    assert _snapshot(under_review) == before


def test_deny_needs_a_reason_then_denies_and_is_acknowledged(under_review, admin_officer, social_worker):
    _refused(
        lambda: review_deny(proposal=under_review, actor=admin_officer, reason=" "),
        under_review,
        "Indicare il motivo del diniego.",
        ValidationError,
    )

    review_deny(proposal=under_review, actor=admin_officer, reason="Copertura di bilancio insufficiente.")

    fresh = ServiceProposal.objects.get(pk=under_review.pk)
    assert fresh.state == ProposalState.DENIED
    assert (
        AdministrativeReview.objects.get(proposal=under_review).denial_reason
        == "Copertura di bilancio insufficiente."
    )
    assert not Intervention.objects.filter(proposal=under_review).exists()
    _assert_recorded(
        under_review,
        name="deny",
        action="denied",
        actor=admin_officer,
        from_state=ProposalState.UNDER_REVIEW,
        to_state=ProposalState.DENIED,
    )
    proposal_acknowledge_outcome(proposal=fresh, actor=social_worker)
    assert ServiceProposal.objects.get(pk=under_review.pk).outcome_acknowledged_at is not None


def test_deny_refused_to_the_coordinator(under_review, coordinator):
    _refused(
        lambda: review_deny(proposal=under_review, actor=coordinator, reason="x"),
        under_review,
        ROLE_REFUSED.format("Non autorizzare"),
    )


def test_acknowledge_refused_before_the_outcome(submitted, social_worker):
    _refused(
        lambda: proposal_acknowledge_outcome(proposal=submitted, actor=social_worker),
        submitted,
        "L'azione «Prendi atto dell'esito» non è consentita nello stato «Inviata al coordinatore».",
    )


def test_available_transitions_follow_role_and_state(submitted, coordinator, social_worker, admin_officer):
    assert [t.name for t in PROPOSAL_WORKFLOW.available(submitted, coordinator)] == [
        "approve",
        "return",
        "reject",
    ]
    assert PROPOSAL_WORKFLOW.available(submitted, social_worker) == []
    assert PROPOSAL_WORKFLOW.available(submitted, admin_officer) == []


def test_unknown_transition_is_refused(draft, social_worker):
    _refused(
        lambda: PROPOSAL_WORKFLOW.apply(draft, "teleport", actor=social_worker), draft, "Azione sconosciuta."
    )


# a closed file stops its proposals; pending proposals stop a closure


def test_a_proposal_of_a_closed_case_cannot_be_approved(submitted, coordinator):
    from tutela.cases.models import Case, CaseState

    Case.objects.filter(pk=submitted.case_id).update(
        state=CaseState.CLOSED
    )  # a closure that bypassed nothing
    submitted.refresh_from_db()
    _refused(
        lambda: proposal_approve(proposal=submitted, actor=coordinator),
        submitted,
        "La pratica è chiusa: la proposta non può proseguire.",
    )


def test_closure_refused_while_a_proposal_is_under_evaluation(submitted, social_worker):
    from tutela.cases.services.closure import case_request_closure
    from tutela.reference.models import Code, CodeList

    case = submitted.case
    before = (case.state, CaseEvent.objects.filter(case=case).count())
    with pytest.raises(TransitionError) as excinfo:
        case_request_closure(
            case=case,
            actor=social_worker,
            reason=Code.objects.of(CodeList.CLOSURE_REASON).first(),
            note="Fine",
        )
    assert excinfo.value.message.startswith("Ci sono proposte ancora in valutazione")
    case.refresh_from_db()
    assert (case.state, CaseEvent.objects.filter(case=case).count()) == before
