"""IN_CARE --request_closure--> CLOSING --confirm--> CLOSED, --reject--> IN_CARE; CLOSED --reopen--> ASSESSMENT."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from tutela.audit.models import AuditEvent
from tutela.cases.models import Case, CaseEvent, CaseState
from tutela.cases.services.closure import (
    case_confirm_closure,
    case_reject_closure,
    case_reopen,
    case_request_closure,
)
from tutela.cases.workflow import CASE_WORKFLOW
from tutela.intake.services import ReferralData, referral_register_indirect
from tutela.people.services import PersonData
from tutela.reference.models import Code, CodeList
from tutela.testing import factories
from tutela.testing.asserts import assert_refused
from tutela.workflow import TransitionError

NOT_LEAD = "Solo l'assistente sociale referente del caso può compiere questa azione."


def _reason(code: str = "4") -> Code:
    return Code.objects.get(code_list=CodeList.CLOSURE_REASON, code=code)


def _snapshot(case: Case) -> tuple:
    fresh = Case.objects.get(pk=case.pk)
    return (
        fresh.state,
        fresh.closure_reason_id,
        fresh.closure_note,
        fresh.closed_at,
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
    )


def _refused(call, case: Case, message: str, error: type[Exception] = TransitionError) -> None:
    assert_refused(call, lambda: _snapshot(case), message, error)


def _assert_recorded(case: Case, *, name: str, action: str, actor, from_state: str, to_state: str) -> None:
    event = CaseEvent.objects.filter(case=case, code=f"cases.case.{name}").latest("id")
    assert (event.from_state, event.to_state, event.actor) == (from_state, to_state, actor)
    audit = AuditEvent.objects.filter(action=f"cases.case.{action}", object_id=str(case.pk)).latest("id")
    assert (audit.actor, audit.case_id) == (actor, case.pk)
    assert audit.data == {"from": from_state, "to": to_state}


# request


def test_the_lead_requests_the_closure_with_a_sinba_reason(demo, social_worker):
    case = factories.in_care_case(demo)

    case_request_closure(case=case, actor=social_worker, reason=_reason("4"), note=" Obiettivi raggiunti. ")

    fresh = Case.objects.get(pk=case.pk)
    assert fresh.state == CaseState.CLOSING
    assert fresh.closure_reason == _reason("4")
    assert fresh.closure_note == "Obiettivi raggiunti."
    assert fresh.closed_at is None
    _assert_recorded(
        case,
        name="request_closure",
        action="closure_requested",
        actor=social_worker,
        from_state=CaseState.IN_CARE,
        to_state=CaseState.CLOSING,
    )


def test_closure_request_needs_a_sinba_closure_reason_and_a_note(demo, social_worker):
    case = factories.in_care_case(demo)
    not_a_closure_reason = Code.objects.filter(code_list=CodeList.REFERRAL_SOURCE).first()
    for reason in (None, not_a_closure_reason):
        _refused(
            lambda r=reason: case_request_closure(case=case, actor=social_worker, reason=r, note="x"),
            case,
            "Indicare il motivo di chiusura.",
            ValidationError,
        )
    _refused(
        lambda: case_request_closure(case=case, actor=social_worker, reason=_reason(), note="  "),
        case,
        "Motivare la proposta di chiusura.",
        ValidationError,
    )


def test_a_social_worker_who_is_not_the_lead_may_not_request_the_closure(demo, other_social_worker):
    case = factories.in_care_case(demo)
    _refused(
        lambda: case_request_closure(case=case, actor=other_social_worker, reason=_reason(), note="x"),
        case,
        NOT_LEAD,
    )


def test_the_coordinator_may_not_request_the_closure(demo, coordinator):
    case = factories.in_care_case(demo)
    _refused(
        lambda: case_request_closure(case=case, actor=coordinator, reason=_reason(), note="x"),
        case,
        "Il tuo ruolo non consente l'azione «Proponi la chiusura».",
    )


def test_closure_cannot_be_requested_during_the_assessment(demo, social_worker):
    case = factories.assessment_case(demo)
    _refused(
        lambda: case_request_closure(case=case, actor=social_worker, reason=_reason(), note="x"),
        case,
        "L'azione «Proponi la chiusura» non è consentita nello stato «In valutazione».",
    )


# confirm


def test_the_coordinator_confirms_the_closure(demo, coordinator):
    case = factories.closing_case(demo)
    reason = case.closure_reason

    case_confirm_closure(case=case, actor=coordinator, note="Concordo.")

    fresh = Case.objects.get(pk=case.pk)
    assert fresh.state == CaseState.CLOSED
    assert fresh.closed_at is not None
    assert fresh.closure_reason == reason
    assert not fresh.is_open
    _assert_recorded(
        case,
        name="confirm_closure",
        action="closed",
        actor=coordinator,
        from_state=CaseState.CLOSING,
        to_state=CaseState.CLOSED,
    )


def test_the_social_worker_may_not_confirm_their_own_closure(demo, social_worker):
    case = factories.closing_case(demo)
    _refused(
        lambda: case_confirm_closure(case=case, actor=social_worker),
        case,
        "Il tuo ruolo non consente l'azione «Conferma la chiusura».",
    )


def test_closure_cannot_be_confirmed_before_it_is_requested(demo, coordinator):
    case = factories.in_care_case(demo)
    _refused(
        lambda: case_confirm_closure(case=case, actor=coordinator),
        case,
        "L'azione «Conferma la chiusura» non è consentita nello stato «In carico».",
    )


# reject


def test_the_coordinator_rejects_the_closure_with_a_note(demo, coordinator, social_worker):
    case = factories.closing_case(demo)
    _refused(
        lambda: case_reject_closure(case=case, actor=coordinator, note=" "),
        case,
        "Indicare perché la chiusura non è confermata.",
        ValidationError,
    )

    case_reject_closure(case=case, actor=coordinator, note="Manca la verifica con la scuola.")

    fresh = Case.objects.get(pk=case.pk)
    assert fresh.state == CaseState.IN_CARE
    assert (fresh.closure_reason, fresh.closure_note) == (None, "")
    _assert_recorded(
        case,
        name="reject_closure",
        action="closure_rejected",
        actor=coordinator,
        from_state=CaseState.CLOSING,
        to_state=CaseState.IN_CARE,
    )
    assert CaseEvent.objects.filter(case=case, code="cases.case.reject_closure").get().note == (
        "Manca la verifica con la scuola."
    )
    # The social worker may propose again.
    assert "request_closure" in [t.name for t in CASE_WORKFLOW.available(fresh, social_worker)]


def test_the_social_worker_may_not_reject_the_closure(demo, social_worker):
    case = factories.closing_case(demo)
    _refused(
        lambda: case_reject_closure(case=case, actor=social_worker, note="x"),
        case,
        "Il tuo ruolo non consente l'azione «Respingi la chiusura».",
    )


# reopen


def test_the_coordinator_reopens_a_closed_case(demo, coordinator, social_worker):
    case = factories.closed_case(demo)
    _refused(
        lambda: case_reopen(case=case, actor=coordinator, note=""),
        case,
        "Indicare perché la pratica viene riaperta.",
        ValidationError,
    )

    case_reopen(case=case, actor=coordinator, note="Nuova segnalazione della scuola.")

    fresh = Case.objects.get(pk=case.pk)
    assert fresh.state == CaseState.ASSESSMENT
    assert (fresh.closed_at, fresh.closure_reason, fresh.closure_note) == (None, None, "")
    assert fresh.lead_social_worker == social_worker
    _assert_recorded(
        case,
        name="reopen",
        action="reopened",
        actor=coordinator,
        from_state=CaseState.CLOSED,
        to_state=CaseState.ASSESSMENT,
    )


def test_the_social_worker_may_not_reopen(demo, social_worker):
    case = factories.closed_case(demo)
    _refused(
        lambda: case_reopen(case=case, actor=social_worker, note="x"),
        case,
        "Il tuo ruolo non consente l'azione «Riapri la pratica».",
    )


def test_an_open_case_cannot_be_reopened(demo, coordinator):
    case = factories.in_care_case(demo)
    _refused(
        lambda: case_reopen(case=case, actor=coordinator, note="x"),
        case,
        "L'azione «Riapri la pratica» non è consentita nello stato «In carico».",
    )


def test_reopen_refused_when_the_child_already_has_another_open_case(demo, coordinator, protocol_officer):
    """One open file per child (cases.services.opening): a new referral after the closure opened a new case."""
    closed = factories.closed_case(demo)
    child = closed.child
    referral = referral_register_indirect(
        actor=protocol_officer,
        protocol_office=demo.organisations["protocol_office"],
        child_data=PersonData(
            surname=child.surname,
            given_name=child.given_name,
            birth_date=child.birth_date,
            fiscal_code=child.fiscal_code or "",
        ),
        data=ReferralData(
            source=Code.objects.get(code_list=CodeList.REFERRAL_SOURCE, code="13"),
            received_on=timezone.localdate() - dt.timedelta(days=1),
            subject="Nuova segnalazione",
            sender_organisation=demo.organisations["school"],
        ),
    )
    assert referral.case != closed

    _refused(
        lambda: case_reopen(case=closed, actor=coordinator, note="x"),
        closed,
        f"Il minore ha già una pratica aperta ({referral.case.code}).",
    )
    assert Case.objects.open().filter(child=child).count() == 1
