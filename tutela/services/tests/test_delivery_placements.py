"""Placements (L. 184/1983 art. 2 and 4): foster care opens with its expiry deadline, at most 24 months, moved
by the court's extension and cancelled at the end with the SINBA outcome; a residential community's places."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tutela.cases.models import CaseEvent
from tutela.deadlines.models import Deadline
from tutela.deadlines.services import deadlines_of_source
from tutela.reference.models import Code
from tutela.services import delivery
from tutela.services.delivery import ExtensionData, add_months
from tutela.services.models import Intervention, InterventionState, Placement
from tutela.services.tests.test_delivery import _audited, _fresh, _snapshot, _today
from tutela.testing import factories
from tutela.testing.asserts import assert_refused
from tutela.workflow import TransitionError

S = InterventionState

# --- foster care ---------------------------------------------------------------------------------------------


def _foster(demo, *, months: int = 12, act_date: dt.date | None = None) -> Intervention:
    return _fresh(
        factories.authorised_intervention(demo, delivery="foster", duration_months=months, act_date=act_date)
    )


def test_foster_care_opens_its_placement_and_the_expiry_deadline(demo, social_worker):
    intervention = _foster(demo, months=18, act_date=_today() - dt.timedelta(days=40))
    start = _today() - dt.timedelta(days=30)

    delivery.intervention_activate(intervention=intervention, actor=social_worker, day=start)

    placement = Placement.objects.get(intervention=intervention)
    proposal = intervention.proposal
    assert placement.kind == Placement.Kind.FOSTER
    assert placement.foster_carer == proposal.foster_carer
    assert (placement.form, placement.foster_kind, placement.foster_time) == (
        proposal.placement_form,
        proposal.foster_kind,
        proposal.foster_time,
    )
    assert (placement.starts_on, placement.planned_end) == (start, add_months(start, 18))
    assert Intervention.objects.get(pk=intervention.pk).planned_end == placement.planned_end
    deadline = deadlines_of_source(placement).get()
    assert deadline.kind == Deadline.Kind.PLACEMENT_EXPIRY
    assert deadline.owner == social_worker
    assert deadline.case == intervention.case
    notice = demo.territory.foster_expiry_notice_days
    assert timezone.localtime(deadline.due_at).date() == placement.planned_end - dt.timedelta(days=notice)
    assert deadline.description == (
        f"Affidamento in scadenza il {placement.planned_end:%d/%m/%Y}: segnalare al PM presso il Tribunale per i "
        "minorenni l'eventuale opportunità della proroga (L. 184/1983, art. 4, c. 4)"
    )
    assert _audited("services.placement.opened", placement)


def test_the_notice_follows_the_territory(demo, social_worker):
    demo.territory.foster_expiry_notice_days = 120
    demo.territory.save(update_fields=["foster_expiry_notice_days"])
    intervention = _foster(demo, months=24)
    delivery.intervention_activate(intervention=intervention, actor=social_worker, day=_today())
    deadline = Deadline.objects.get(case=intervention.case, kind=Deadline.Kind.PLACEMENT_EXPIRY)
    assert timezone.localtime(deadline.due_at).date() == add_months(_today(), 24) - dt.timedelta(days=120)


def test_foster_care_longer_than_24_months_is_refused(demo, social_worker):
    intervention = _foster(demo, months=24)
    # A proposal recorded before the 24-month check (the proposal form refuses it today).
    proposal = intervention.proposal
    proposal.duration_months = 30
    proposal.save(update_fields=["duration_months"])
    assert_refused(
        lambda: delivery.intervention_activate(
            intervention=_fresh(intervention), actor=social_worker, day=_today()
        ),
        _snapshot(intervention),
        "L'affidamento familiare non può durare più di 24 mesi (L. 184/1983, art. 4, c. 4): la proposta ne "
        "indica 30. Un periodo più lungo lo dispone solo il Tribunale per i minorenni con la proroga.",
    )


def test_a_foster_carer_tied_to_the_team_is_refused_at_the_start(demo, social_worker):
    from tutela.people.models import Person
    from tutela.services.models import DeclaredRelationship

    intervention = _foster(demo)
    carer = intervention.proposal.foster_carer
    assert carer is not None
    person = Person.objects.create(surname="Bianchi", given_name="Piero", birth_date=dt.date(1970, 1, 1))
    carer.persons.add(person)
    DeclaredRelationship.objects.create(user=social_worker, person=person, relation="cugino")
    with pytest.raises(TransitionError) as refused:
        delivery.intervention_activate(intervention=intervention, actor=social_worker, day=_today())
    assert "L. 184/1983, art. 2" in refused.value.message
    assert Intervention.objects.get(pk=intervention.pk).state == S.PLANNED


def test_a_court_extension_moves_the_expiry_deadline(demo, social_worker):
    start = _today() - dt.timedelta(days=600)
    intervention = _foster(demo, months=24, act_date=start)
    delivery.intervention_activate(intervention=intervention, actor=social_worker, day=start)
    placement = Placement.objects.get(intervention=intervention)
    first = deadlines_of_source(placement).get()
    until = add_months(start, 36)

    delivery.placement_extend(
        intervention=_fresh(intervention),
        actor=social_worker,
        data=ExtensionData(
            until=until,
            decree_date=_today() - dt.timedelta(days=2),
            decree_reference="n. 1234/2026 R.G.",
            note="Proroga richiesta dal PM.",
        ),
    )

    placement.refresh_from_db()
    assert placement.court_extended_until == until
    first.refresh_from_db()
    assert first.cancelled_at is not None
    moved = deadlines_of_source(placement).pending().get()
    notice = demo.territory.foster_expiry_notice_days
    assert timezone.localtime(moved.due_at).date() == until - dt.timedelta(days=notice)
    assert f"{until:%d/%m/%Y}" in moved.description
    event = CaseEvent.objects.get(case=intervention.case, code="services.intervention.extend")
    assert event.note == (
        f"Decreto n. 1234/2026 R.G. del {_today() - dt.timedelta(days=2):%d/%m/%Y}\nProroga richiesta dal PM."
    )
    assert _audited("services.placement.extended", placement)


def test_an_extension_must_go_beyond_the_current_end_and_name_its_decree(demo, social_worker):
    intervention = _foster(demo, months=12)
    delivery.intervention_activate(intervention=intervention, actor=social_worker, day=_today())
    intervention = _fresh(intervention)
    planned_end = Placement.objects.get(intervention=intervention).planned_end

    def extend(until: dt.date, decree_date: dt.date, reference: str = "n. 9/2026") -> Any:
        return lambda: delivery.placement_extend(
            intervention=intervention,
            actor=social_worker,
            data=ExtensionData(until=until, decree_date=decree_date, decree_reference=reference),
        )

    snapshot = _snapshot(intervention)
    assert_refused(
        extend(planned_end, _today()),
        snapshot,
        f"La proroga deve andare oltre la scadenza attuale ({planned_end:%d/%m/%Y}).",
        ValidationError,
    )
    assert_refused(
        extend(add_months(planned_end, 6), _today() + dt.timedelta(days=1)),
        snapshot,
        "La data non può essere nel futuro.",
        ValidationError,
    )
    assert_refused(
        extend(add_months(planned_end, 6), _today(), reference=" "),
        snapshot,
        "Indicare gli estremi del decreto di proroga.",
        ValidationError,
    )


def test_only_foster_care_is_extended_by_the_court(demo, social_worker):
    active_educational = factories.intervention_in(demo, "active")
    assert_refused(
        lambda: delivery.placement_extend(
            intervention=active_educational,
            actor=social_worker,
            data=ExtensionData(
                until=_today() + dt.timedelta(days=400), decree_date=_today(), decree_reference="n. 1"
            ),
        ),
        _snapshot(active_educational),
        "La proroga del tribunale riguarda solo gli affidamenti familiari.",
    )


def test_ending_foster_care_records_the_sinba_outcome_and_cancels_the_expiry(demo, social_worker):
    intervention = _foster(demo)
    delivery.intervention_activate(intervention=intervention, actor=social_worker, day=_today())
    intervention = _fresh(intervention)
    placement = Placement.objects.get(intervention=intervention)
    snapshot = _snapshot(intervention)

    def end(outcome: Code | None) -> Any:
        return lambda: delivery.intervention_end(
            intervention=intervention,
            actor=social_worker,
            day=_today(),
            reason="Rientro in famiglia.",
            outcome=outcome,
        )

    missing = "Indicare l'esito del collocamento (SINBA)."
    assert_refused(end(None), snapshot, missing, ValidationError)
    # An outcome of residential placements is not one of foster care.
    assert_refused(
        end(Code.objects.get(code_list="EsitoInserimentoStrutturaType", code="1")),
        snapshot,
        missing,
        ValidationError,
    )

    home = Code.objects.get(code_list="EsitoAffidoType", code="1")
    end(home)()

    placement.refresh_from_db()
    assert (placement.ended_on, placement.outcome) == (_today(), home)
    assert deadlines_of_source(placement).get().cancelled_at is not None
    assert (
        not Deadline.objects.pending()
        .filter(kind=Deadline.Kind.PLACEMENT_EXPIRY, case=intervention.case)
        .exists()
    )
    assert Intervention.objects.get(pk=intervention.pk).state == S.ENDED
    assert _audited("services.placement.ended", placement)


# --- residential placement -----------------------------------------------------------------------------------


def test_a_full_facility_refuses_the_next_child(demo, social_worker):
    first = _fresh(factories.authorised_intervention(demo, delivery="residential"))
    facility = first.proposal.facility
    assert facility is not None
    facility.capacity = 1
    facility.save(update_fields=["capacity"])
    factories.contract_rate(demo, first.service_type, provider=facility.provider, unit_cost=Decimal("125.00"))
    delivery.intervention_activate(intervention=first, actor=social_worker, day=_today())
    placement = Placement.objects.get(intervention=first)
    assert (placement.kind, placement.facility, placement.form) == (
        Placement.Kind.RESIDENTIAL,
        facility,
        first.proposal.placement_form,
    )
    assert Intervention.objects.get(pk=first.pk).unit_cost == Decimal("125.00")
    assert not deadlines_of_source(placement).exists()  # the 24-month expiry is foster care's

    second = _fresh(factories.authorised_intervention(demo, delivery="residential"))
    second.proposal.facility = facility
    second.proposal.save(update_fields=["facility"])
    second = _fresh(second)
    assert_refused(
        lambda: delivery.intervention_activate(intervention=second, actor=social_worker, day=_today()),
        _snapshot(second),
        f"La struttura «{facility.name}» è al completo: 1 inserimenti su 1 posti.",
    )

    delivery.intervention_end(
        intervention=_fresh(first),
        actor=social_worker,
        day=_today(),
        reason="Rientro in famiglia.",
        outcome=Code.objects.get(code_list="EsitoInserimentoStrutturaType", code="1"),
    )
    assert delivery.intervention_activate(
        intervention=_fresh(second), actor=social_worker, day=_today()
    ).state == (S.ACTIVE)
