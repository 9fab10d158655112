"""REFERRED --assign--> ASSESSMENT (seed 000 step 2): the coordinator for referrals, the front office that
recorded it for direct requests."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tutela.audit.models import AuditEvent
from tutela.cases.models import Case, CaseEvent, CaseState
from tutela.cases.services.assignment import case_assign
from tutela.cases.workflow import CASE_WORKFLOW
from tutela.deadlines.models import Deadline
from tutela.testing import factories
from tutela.workflow import TransitionError

ASSIGN_REFUSED = "Il tuo ruolo non consente l'azione «Assegna all'assistente sociale»."


def _snapshot(case: Case) -> tuple:
    fresh = Case.objects.get(pk=case.pk)
    return (
        fresh.state,
        fresh.lead_social_worker_id,
        fresh.assigned_at,
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
        Deadline.objects.pending().count(),
    )


def _refused(case: Case, actor, social_worker, message: str) -> None:
    before = _snapshot(case)
    with pytest.raises(TransitionError) as excinfo:
        case_assign(case=case, actor=actor, social_worker=social_worker)
    assert excinfo.value.message == message
    assert _snapshot(case) == before


def _assert_assigned(case: Case, *, actor, social_worker, transition: str) -> None:
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.state == CaseState.ASSESSMENT
    assert fresh.lead_social_worker == social_worker
    assert fresh.assigned_at is not None
    event = CaseEvent.objects.get(case=case, code=f"cases.case.{transition}")
    assert (event.from_state, event.to_state, event.actor) == (
        CaseState.REFERRED,
        CaseState.ASSESSMENT,
        actor,
    )
    assert social_worker.get_full_name() in event.description
    audit = AuditEvent.objects.get(action="cases.case.assigned", object_id=str(case.pk))
    assert (audit.actor, audit.object_type, audit.case_id) == (actor, "cases.case", case.pk)
    assert audit.data == {"from": CaseState.REFERRED, "to": CaseState.ASSESSMENT}
    # Assignment is the take-in-charge the deadline waited for.
    deadline = Deadline.objects.get(case=case, kind="take_in_charge")
    assert deadline.done_at is not None
    assert deadline.done_by == actor
    assert AuditEvent.objects.filter(
        action="deadlines.deadline.completed", object_id=str(deadline.pk)
    ).exists()


def test_coordinator_assigns_a_referral(demo, coordinator, social_worker):
    case = factories.referred_case(demo)

    returned = case_assign(case=case, actor=coordinator, social_worker=social_worker, note="Zona nord.")

    assert returned.state == CaseState.ASSESSMENT
    _assert_assigned(case, actor=coordinator, social_worker=social_worker, transition="assign_indirect")
    assert CaseEvent.objects.get(case=case, code="cases.case.assign_indirect").note == "Zona nord."


def test_front_office_assigns_the_direct_request_it_recorded(demo, front_office, other_social_worker):
    case = factories.referred_case(demo, channel="direct")

    case_assign(case=case, actor=front_office, social_worker=other_social_worker)

    _assert_assigned(case, actor=front_office, social_worker=other_social_worker, transition="assign_direct")


def test_coordinator_may_not_assign_a_direct_request(demo, coordinator, social_worker):
    case = factories.referred_case(demo, channel="direct")
    _refused(case, coordinator, social_worker, ASSIGN_REFUSED)


def test_front_office_may_not_assign_a_referral(demo, front_office, social_worker):
    case = factories.referred_case(demo)
    _refused(case, front_office, social_worker, ASSIGN_REFUSED)


def test_front_office_may_not_assign_a_request_recorded_by_another_desk(demo, social_worker):
    case = factories.referred_case(demo, channel="direct")  # recorded by the PASS of Prato
    _refused(
        case,
        demo.users["segretariato.montemurlo"],
        social_worker,
        "L'istanza è stata registrata da un altro Segretariato sociale.",
    )


@pytest.mark.parametrize(
    "persona",
    [
        "social_worker",
        "admin_officer",
        "managing_body",
        "municipality_officer",
        "protocol_officer",
        "outsider",
    ],
)
def test_other_roles_may_not_assign(demo, persona, request, social_worker):
    case = factories.referred_case(demo)
    _refused(case, request.getfixturevalue(persona), social_worker, ASSIGN_REFUSED)


def test_only_a_social_worker_of_the_territory_can_be_chosen(demo, coordinator, admin_officer):
    case = factories.referred_case(demo)
    _refused(
        case,
        coordinator,
        admin_officer,
        "La persona scelta non è un'assistente sociale di questo territorio.",
    )


def test_a_case_is_assigned_once(demo, coordinator, social_worker, other_social_worker):
    case = factories.assessment_case(demo)
    _refused(
        case,
        coordinator,
        other_social_worker,
        "L'azione «Assegna all'assistente sociale» non è consentita nello stato «In valutazione».",
    )


def test_channel_guards_name_the_right_office(demo, coordinator, front_office):
    direct = factories.referred_case(demo, channel="direct")
    indirect = factories.referred_case(demo)
    assert CASE_WORKFLOW.refusal(direct, CASE_WORKFLOW.get("assign_indirect"), coordinator) == (
        "Le istanze dirette sono assegnate dal Segretariato sociale."
    )
    assert CASE_WORKFLOW.refusal(indirect, CASE_WORKFLOW.get("assign_direct"), front_office) == (
        "Le segnalazioni di enti terzi sono assegnate dal Coordinatore professionale."
    )
    assert [t.name for t in CASE_WORKFLOW.available(indirect, coordinator)] == ["assign_indirect"]
    assert [t.name for t in CASE_WORKFLOW.available(direct, front_office)] == ["assign_direct"]
    assert CASE_WORKFLOW.available(direct, coordinator) == []


def test_assignment_time_is_recorded(demo, coordinator, social_worker):
    case = factories.referred_case(demo)
    before = timezone.now()
    case = case_assign(case=case, actor=coordinator, social_worker=social_worker)
    assert before <= case.assigned_at <= timezone.now()
