"""Done and undone by hand: the owner (or the lead, for an unowned deadline) or the territory's coordinator;
who and when are kept; undoing needs a reason; refusals say why and change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tutela.audit.models import AuditEvent
from tutela.cases.models import CaseEvent
from tutela.deadlines.models import Deadline
from tutela.deadlines.services import (
    deadline_cancel_for_source,
    deadline_complete,
    deadline_create,
    deadline_refusal,
    deadline_reopen,
    end_of_day,
)
from tutela.testing import factories
from tutela.testing.asserts import assert_refused
from tutela.workflow import TransitionError

ONLY_RESPONSIBLE = (
    "Solo il responsabile della scadenza o il coordinatore del territorio possono completarla o riaprirla."
)


def _deadline(case, actor, *, kind=Deadline.Kind.PLAN_REVIEW, owner=None, days=5):
    return deadline_create(
        case=case,
        kind=kind,
        description="Verifica semestrale del progetto",
        due_at=end_of_day(timezone.localdate() + dt.timedelta(days=days)),
        actor=actor,
        owner=owner,
    )


def _state(deadline):
    row = Deadline.objects.get(pk=deadline.pk)
    return (row.done_at, row.done_by_id, CaseEvent.objects.filter(case_id=row.case_id).count())


@pytest.fixture
def case(demo):
    return factories.in_care_case(demo)  # led by assistente


def test_the_lead_completes_an_unowned_deadline_and_the_case_keeps_who_and_when(
    demo, case, coordinator, social_worker
):
    deadline = _deadline(case, coordinator)
    done = deadline_complete(deadline=deadline, actor=social_worker)

    assert (done.done_by, done.done_at is not None) == (social_worker, True)
    event = CaseEvent.objects.filter(case=case, code="deadlines.deadline.completed").get()
    assert "Verifica del progetto" in event.description
    assert event.actor == social_worker
    audit = AuditEvent.objects.get(action="deadlines.deadline.completed", object_id=str(deadline.pk))
    assert (audit.actor, audit.case_id) == (social_worker, case.pk)


def test_the_owner_completes_and_the_lead_may_not_when_someone_else_owns_it(
    demo, case, coordinator, social_worker
):
    educator = demo.users["educatore"]
    from tutela.cases.services.members import case_member_add

    case_member_add(case=case, actor=social_worker, user=educator, role_label="Educatore")
    deadline = _deadline(case, coordinator, owner=educator)
    assert_refused(
        lambda: deadline_complete(deadline=deadline, actor=social_worker),
        lambda: _state(deadline),
        ONLY_RESPONSIBLE,
    )
    deadline_complete(deadline=deadline, actor=educator)
    assert Deadline.objects.get(pk=deadline.pk).done_by == educator


def test_the_territory_coordinator_may_complete_and_undo_any_deadline(demo, case, coordinator, social_worker):
    deadline = _deadline(case, social_worker, owner=social_worker)
    deadline_complete(deadline=deadline, actor=coordinator)
    reopened = deadline_reopen(deadline=deadline, actor=coordinator, reason="Relazione non ancora depositata")
    assert (reopened.done_at, reopened.done_by) == (None, None)


@pytest.mark.parametrize("username", ["assistente2", "sds", "dirigente", "comune", "amministrativo"])
def test_others_are_refused_with_the_reason(demo, case, coordinator, username):
    deadline = _deadline(case, coordinator)
    assert_refused(
        lambda: deadline_complete(deadline=deadline, actor=demo.users[username]),
        lambda: _state(deadline),
        ONLY_RESPONSIBLE,
    )


def test_an_owner_who_no_longer_sees_the_case_is_refused(demo, case, coordinator):
    deadline = _deadline(case, coordinator, owner=demo.users["assistente2"])
    assert_refused(
        lambda: deadline_complete(deadline=deadline, actor=demo.users["assistente2"]),
        lambda: _state(deadline),
        "Non hai accesso a questa pratica.",
    )


def test_the_take_in_charge_deadline_is_closed_only_by_the_assignment(demo, coordinator):
    case = factories.referred_case(demo)
    deadline = Deadline.objects.get(case=case, kind=Deadline.Kind.TAKE_IN_CHARGE)
    assert_refused(
        lambda: deadline_complete(deadline=deadline, actor=coordinator),
        lambda: _state(deadline),
        "La presa in carico si completa assegnando la pratica, non a mano.",
    )


@pytest.mark.parametrize("kind", Deadline.COURT_KINDS)
def test_court_deadlines_are_completed_by_the_court_acts_not_by_hand(
    demo, case, coordinator, social_worker, kind
):
    deadline = _deadline(case, coordinator, kind=kind)
    for actor in (social_worker, coordinator):
        assert_refused(
            lambda actor=actor: deadline_complete(deadline=deadline, actor=actor),
            lambda: _state(deadline),
            "Le scadenze dell'autorità giudiziaria si completano dalla pagina del tribunale, depositando la "
            "relazione o registrando il passaggio, non a mano.",
        )


def test_a_done_deadline_cannot_be_completed_twice(demo, case, coordinator, social_worker):
    deadline = _deadline(case, coordinator)
    deadline_complete(deadline=deadline, actor=social_worker)
    with pytest.raises(TransitionError) as refused:
        deadline_complete(deadline=deadline, actor=coordinator)
    assert refused.value.message.startswith("La scadenza è già stata completata il ")
    assert Deadline.objects.get(pk=deadline.pk).done_by == social_worker


def test_a_cancelled_deadline_is_neither_completed_nor_reopened(demo, case, coordinator, social_worker):
    deadline = deadline_create(
        case=case,
        kind=Deadline.Kind.PLACEMENT_EXPIRY,
        description="Scadenza dell'affidamento",
        due_at=end_of_day(timezone.localdate() + dt.timedelta(days=90)),
        actor=coordinator,
        source=case,  # any object: the placement, in the services app
    )
    assert (
        deadline_cancel_for_source(source=case, kind=Deadline.Kind.PLACEMENT_EXPIRY, actor=coordinator) == 1
    )
    assert_refused(
        lambda: deadline_reopen(deadline=deadline, actor=social_worker, reason="Errore"),
        lambda: _state(deadline),
        "La scadenza è stata annullata: non si può più completare o riaprire.",
    )
    assert_refused(
        lambda: deadline_complete(deadline=deadline, actor=social_worker),
        lambda: _state(deadline),
        "La scadenza è stata annullata: non si può più completare o riaprire.",
    )


def test_undo_needs_a_reason_and_a_done_deadline(demo, case, coordinator, social_worker):
    deadline = _deadline(case, coordinator)
    assert_refused(
        lambda: deadline_reopen(deadline=deadline, actor=social_worker, reason="Errore"),
        lambda: _state(deadline),
        "La scadenza non è completata: non c'è nulla da annullare.",
    )
    deadline_complete(deadline=deadline, actor=social_worker)
    assert_refused(
        lambda: deadline_reopen(deadline=deadline, actor=social_worker, reason="   "),
        lambda: _state(deadline),
        "Indicare perché la scadenza torna da completare.",
        error=ValidationError,
    )
    assert_refused(
        lambda: deadline_reopen(deadline=deadline, actor=demo.users["assistente2"], reason="Errore"),
        lambda: _state(deadline),
        ONLY_RESPONSIBLE,
    )


def test_undo_keeps_the_reason_in_the_timeline_and_the_audit_log(demo, case, coordinator, social_worker):
    deadline = _deadline(case, coordinator)
    deadline_complete(deadline=deadline, actor=social_worker)
    completed_at = Deadline.objects.get(pk=deadline.pk).done_at

    deadline_reopen(deadline=deadline, actor=social_worker, reason="Segnata per errore: manca la firma")

    assert Deadline.objects.get(pk=deadline.pk).done_at is None
    event = CaseEvent.objects.get(case=case, code="deadlines.deadline.reopened")
    assert event.note == "Segnata per errore: manca la firma"
    audit = AuditEvent.objects.get(action="deadlines.deadline.reopened")
    assert audit.reason == "Segnata per errore: manca la firma"
    assert audit.data == {"done_at": completed_at.isoformat(), "done_by": social_worker.pk}
    # Done again afterwards: a new who and when.
    deadline_complete(deadline=deadline, actor=coordinator)
    assert Deadline.objects.get(pk=deadline.pk).done_by == coordinator


def test_refusal_helper_matches_the_service(demo, case, coordinator, social_worker):
    deadline = _deadline(case, coordinator)
    deadline.case = case
    assert deadline_refusal(social_worker, deadline) is None
    assert deadline_refusal(coordinator, deadline) is None
    assert deadline_refusal(demo.users["sds"], deadline) == ONLY_RESPONSIBLE
