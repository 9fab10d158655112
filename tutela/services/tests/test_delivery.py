"""The life of an intervention (seed 000 steps 5 and 8, seed 003): activation and its preconditions, suspension,
resumption, end; placements with the foster-care expiry (L. 184/1983 art. 4 c. 4) and the facility's places;
the paying Comune's acknowledgement; monitoring."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tutela.accounts.models import Membership, Organisation, User
from tutela.accounts.roles import Role
from tutela.audit.models import AuditEvent
from tutela.cases.models import CaseEvent
from tutela.conftest import TEST_PASSWORD
from tutela.deadlines.models import Deadline
from tutela.deadlines.services import deadlines_of_source
from tutela.reference.models import Code
from tutela.services import delivery
from tutela.services.delivery import MonitoringData, add_months
from tutela.services.models import (
    AdministrativeReview,
    EducatorAssignment,
    Intervention,
    InterventionState,
    MonitoringEntry,
    Placement,
    Suspension,
)
from tutela.testing import factories
from tutela.testing.asserts import assert_refused

S = InterventionState
LEAD_ONLY = "Solo l'assistente sociale referente del caso può compiere questa azione."


def _today() -> dt.date:
    return timezone.localdate()


def _fresh(intervention: Intervention) -> Intervention:
    return Intervention.objects.select_related("case", "proposal__review").get(pk=intervention.pk)


def _snapshot(intervention: Intervention) -> Any:
    def snap() -> Any:
        i = Intervention.objects.get(pk=intervention.pk)
        return (
            i.state,
            i.started_on,
            i.ended_on,
            i.unit_cost,
            Placement.objects.filter(intervention=i).values_list("ended_on", "court_extended_until").first(),
            list(Suspension.objects.filter(intervention=i).values_list("starts_on", "ends_on")),
            Deadline.objects.pending().count(),
            CaseEvent.objects.filter(case_id=i.case_id).count(),
            MonitoringEntry.objects.filter(intervention=i).count(),
        )

    return snap


def _audited(action: str, obj: Any) -> bool:
    return AuditEvent.objects.filter(action=action, object_id=str(obj.pk)).exists()


@pytest.fixture
def planned_educational(demo):
    intervention = factories.authorised_intervention(demo, delivery="educational")
    factories.educator_assigned(demo, intervention)
    return _fresh(intervention)


# --- activation ----------------------------------------------------------------------------------------------


def test_activation_applies_the_providers_rate_and_the_duration(demo, social_worker, planned_educational):
    rate = factories.contract_rate(
        demo,
        planned_educational.service_type,
        unit_cost=Decimal("26.40"),
        valid_from=_today() - dt.timedelta(days=10),
    )
    day = _today()

    intervention = delivery.intervention_activate(
        intervention=planned_educational, actor=social_worker, day=day, note="Primo incontro a casa."
    )

    intervention = Intervention.objects.get(pk=intervention.pk)
    assert intervention.state == S.ACTIVE
    assert intervention.started_on == day
    assert intervention.provider == demo.organisations["provider"]
    # The most recent rate valid on the start date wins.
    assert intervention.contract_rate == rate
    assert intervention.unit_cost == Decimal("26.40")
    assert intervention.planned_end == add_months(day, 12)
    event = CaseEvent.objects.filter(case=intervention.case, code="services.intervention.activate").get()
    assert (event.from_state, event.to_state, event.note) == ("PLANNED", "ACTIVE", "Primo incontro a casa.")
    assert _audited("services.intervention.activated", intervention)
    assert not Placement.objects.filter(intervention=intervention).exists()


def test_only_the_lead_social_worker_activates(demo, planned_educational):
    for username in ("assistente2", "coordinatore", "amministrativo", "cooperativa"):
        assert_refused(
            partial(
                delivery.intervention_activate,
                intervention=planned_educational,
                actor=demo.users[username],
                day=_today(),
            ),
            _snapshot(planned_educational),
            LEAD_ONLY
            if username == "assistente2"
            else "Il tuo ruolo non consente l'azione «Avvia l'intervento».",
        )


def test_activation_date_is_neither_future_nor_before_the_authorisation(
    demo, social_worker, planned_educational
):
    act_date = planned_educational.proposal.review.act_date
    assert_refused(
        lambda: delivery.intervention_activate(
            intervention=planned_educational, actor=social_worker, day=_today() + dt.timedelta(days=1)
        ),
        _snapshot(planned_educational),
        "La data non può essere nel futuro.",
        ValidationError,
    )
    assert_refused(
        lambda: delivery.intervention_activate(
            intervention=planned_educational, actor=social_worker, day=act_date - dt.timedelta(days=1)
        ),
        _snapshot(planned_educational),
        f"La data non può precedere l'atto di autorizzazione ({act_date:%d/%m/%Y}).",
        ValidationError,
    )


def test_a_provider_without_a_valid_rate_blocks_the_start(demo, social_worker):
    other = Organisation.objects.create(
        name="Cooperativa Senza Contratto", kind=Organisation.Kind.PROVIDER, territory=demo.territory
    )
    intervention = factories.authorised_intervention(demo, delivery="educational")
    factories.educator_assigned(demo, intervention)
    intervention.provider = other
    intervention.save(update_fields=["provider"])
    # A contract of that provider which expired yesterday does not count either.
    factories.contract_rate(
        demo,
        intervention.service_type,
        provider=other,
        valid_from=_today() - dt.timedelta(days=400),
        valid_to=_today() - dt.timedelta(days=1),
    )
    assert_refused(
        lambda: delivery.intervention_activate(
            intervention=_fresh(intervention), actor=social_worker, day=_today()
        ),
        _snapshot(intervention),
        f"Nessuna tariffa di Cooperativa Senza Contratto per «{intervention.service_type.name}» valida il "
        f"{_today():%d/%m/%Y}: registrare il contratto e la tariffa prima dell'avvio.",
    )


def test_home_support_needs_an_educator_in_charge(demo, social_worker):
    intervention = factories.authorised_intervention(demo, delivery="educational")
    message = (
        "Nessun educatore assegnato: il coordinatore dell'ente erogatore deve assegnare almeno un educatore "
        "prima dell'avvio."
    )
    assert_refused(
        lambda: delivery.intervention_activate(
            intervention=_fresh(intervention), actor=social_worker, day=_today()
        ),
        _snapshot(intervention),
        message,
    )
    # An assignment that ended before the start is not an educator in charge.
    ended = factories.educator_assigned(demo, intervention, starts_on=_today() - dt.timedelta(days=30))
    ended.ends_on = _today() - dt.timedelta(days=1)
    ended.save(update_fields=["ends_on"])
    assert_refused(
        lambda: delivery.intervention_activate(
            intervention=_fresh(intervention), actor=social_worker, day=_today()
        ),
        _snapshot(intervention),
        message,
    )
    factories.educator_assigned(demo, intervention)
    factories.contract_rate(demo, intervention.service_type)
    assert delivery.intervention_activate(
        intervention=_fresh(intervention), actor=social_worker, day=_today()
    ).state == (S.ACTIVE)


def test_a_closed_case_keeps_its_interventions_still(demo, social_worker, planned_educational):
    from tutela.cases.services.closure import case_confirm_closure, case_request_closure
    from tutela.reference.models import CodeList

    case = planned_educational.case
    case = case_request_closure(
        case=case,
        actor=social_worker,
        reason=Code.objects.get(code_list=CodeList.CLOSURE_REASON, code="4"),
        note="Obiettivi raggiunti.",
    )
    case_confirm_closure(case=case, actor=demo.users["coordinatore"])
    assert_refused(
        lambda: delivery.intervention_activate(
            intervention=_fresh(planned_educational), actor=social_worker, day=_today()
        ),
        _snapshot(planned_educational),
        "La pratica è chiusa: l'intervento non può essere modificato.",
    )


# --- the paying Comune ---------------------------------------------------------------------------------------


def test_a_paying_comune_other_than_the_lead_one_takes_note_before_the_start(demo, social_worker):
    intervention = factories.authorised_intervention(demo, delivery="educational", residence="Montemurlo")
    factories.educator_assigned(demo, intervention)
    intervention = _fresh(intervention)
    assert_refused(
        lambda: delivery.intervention_activate(intervention=intervention, actor=social_worker, day=_today()),
        _snapshot(intervention),
        "Il Comune di Montemurlo sostiene la spesa e non ha ancora preso atto dell'intervento: l'avvio attende "
        "la sua presa d'atto.",
    )

    officer = demo.users["comune"]
    delivery.intervention_acknowledge_municipality(intervention=intervention, actor=officer)

    review = AdministrativeReview.objects.get(proposal_id=intervention.proposal_id)
    assert review.municipality_acknowledged_by == officer
    assert review.municipality_acknowledged_at is not None
    assert CaseEvent.objects.filter(
        case=intervention.case,
        code="services.intervention.acknowledge_municipality",
        description="Il Comune di Montemurlo ha preso atto dell'intervento",
    ).exists()
    assert _audited("services.intervention.municipality_acknowledged", intervention)
    assert_refused(
        lambda: delivery.intervention_acknowledge_municipality(
            intervention=_fresh(intervention), actor=officer
        ),
        lambda: AdministrativeReview.objects.filter(pk=review.pk).values().get(),
        "Il Comune ha già preso atto dell'intervento.",
    )
    activated = delivery.intervention_activate(
        intervention=_fresh(intervention), actor=social_worker, day=_today()
    )
    assert activated.state == S.ACTIVE


def _comune_officer(demo, comune: str) -> User:
    officer = User.objects.create_user(username=f"comune.{comune.lower()}", password=TEST_PASSWORD)
    Membership.objects.create(
        user=officer,
        organisation=demo.organisations[f"comune_{comune.lower()}"],
        role=Role.MUNICIPALITY_OFFICER,
    )
    return officer


def test_only_the_paying_comunes_officer_takes_note(demo, social_worker):
    intervention = _fresh(factories.authorised_intervention(demo, residence="Montemurlo"))
    refusal = "Solo il referente del Comune che sostiene la spesa può prendere atto dell'intervento."

    def snapshot() -> Any:
        return AdministrativeReview.objects.filter(proposal_id=intervention.proposal_id).values().get()

    assert_refused(
        lambda: delivery.intervention_acknowledge_municipality(
            intervention=intervention, actor=_comune_officer(demo, "Vaiano")
        ),
        snapshot,
        refusal,
    )
    assert_refused(
        lambda: delivery.intervention_acknowledge_municipality(
            intervention=intervention, actor=social_worker
        ),
        snapshot,
        "Il tuo ruolo non consente l'azione «Prendi atto».",
    )


def test_the_lead_comune_does_not_take_note(demo):
    intervention = _fresh(factories.authorised_intervention(demo, residence="Prato"))
    assert_refused(
        lambda: delivery.intervention_acknowledge_municipality(
            intervention=intervention, actor=_comune_officer(demo, "Prato")
        ),
        lambda: AdministrativeReview.objects.filter(proposal_id=intervention.proposal_id).values().get(),
        "L'intervento è a carico del Comune capofila: non serve la presa d'atto.",
    )


# --- suspension, resumption, end -----------------------------------------------------------------------------


@pytest.fixture
def active_educational(demo):
    return factories.intervention_in(demo, "active", started_on=_today() - dt.timedelta(days=60))


def test_suspend_and_resume_keep_the_history(social_worker, active_educational):
    intervention = active_educational
    suspended_on = _today() - dt.timedelta(days=20)
    delivery.intervention_suspend(
        intervention=intervention, actor=social_worker, day=suspended_on, reason="Ricovero del minore."
    )
    assert Intervention.objects.get(pk=intervention.pk).state == S.SUSPENDED
    suspension = Suspension.objects.get(intervention=intervention)
    assert (suspension.starts_on, suspension.ends_on, suspension.reason) == (
        suspended_on,
        None,
        "Ricovero del minore.",
    )
    event = CaseEvent.objects.get(case=intervention.case, code="services.intervention.suspend")
    # The reason stays with the suspension (confidential readers only), out of the shared timeline.
    assert (event.description, event.note) == (f"Intervento sospeso dal {suspended_on:%d/%m/%Y}", "")
    assert _audited("services.suspension.created", suspension)

    resumed_on = _today() - dt.timedelta(days=5)
    delivery.intervention_resume(intervention=_fresh(intervention), actor=social_worker, day=resumed_on)

    assert Intervention.objects.get(pk=intervention.pk).state == S.ACTIVE
    suspension.refresh_from_db()
    assert suspension.ends_on == resumed_on
    assert _audited("services.intervention.resumed", intervention)


def test_suspension_needs_a_reason_and_a_date_after_the_last_event(social_worker, active_educational):
    intervention = _fresh(active_educational)
    snapshot = _snapshot(intervention)
    assert_refused(
        lambda: delivery.intervention_suspend(
            intervention=intervention, actor=social_worker, day=_today(), reason="  "
        ),
        snapshot,
        "Indicare il motivo della sospensione.",
        ValidationError,
    )
    assert_refused(
        lambda: delivery.intervention_suspend(
            intervention=intervention, actor=social_worker, day=_today() - dt.timedelta(days=61), reason="x"
        ),
        snapshot,
        f"La data non può precedere l'ultimo evento dell'intervento ({intervention.started_on:%d/%m/%Y}).",
        ValidationError,
    )
    assert_refused(
        lambda: delivery.intervention_suspend(
            intervention=intervention, actor=social_worker, day=_today() + dt.timedelta(days=1), reason="x"
        ),
        snapshot,
        "La data non può essere nel futuro.",
        ValidationError,
    )


def test_resumption_not_before_the_suspension(social_worker, active_educational):
    suspended_on = _today() - dt.timedelta(days=3)
    delivery.intervention_suspend(
        intervention=active_educational, actor=social_worker, day=suspended_on, reason="Vacanza."
    )
    intervention = _fresh(active_educational)
    assert_refused(
        lambda: delivery.intervention_resume(
            intervention=intervention, actor=social_worker, day=suspended_on - dt.timedelta(days=1)
        ),
        _snapshot(intervention),
        f"La data non può precedere l'inizio della sospensione ({suspended_on:%d/%m/%Y}).",
        ValidationError,
    )


def test_the_engine_allows_each_act_only_in_its_states(demo, social_worker):
    planned = _fresh(factories.authorised_intervention(demo))
    assert_refused(
        lambda: delivery.intervention_suspend(
            intervention=planned, actor=social_worker, day=_today(), reason="Non avviato."
        ),
        _snapshot(planned),
        "L'azione «Sospendi» non è consentita nello stato «Programmato».",
    )
    assert_refused(
        lambda: delivery.intervention_end(
            intervention=planned, actor=social_worker, day=_today(), reason="x"
        ),
        _snapshot(planned),
        "L'azione «Concludi l'intervento» non è consentita nello stato «Programmato».",
    )
    ended = factories.intervention_in(demo, "ended")
    assert_refused(
        lambda: delivery.intervention_resume(
            intervention=ended, actor=ended.case.lead_social_worker, day=_today()
        ),
        _snapshot(ended),
        "L'azione «Riprendi» non è consentita nello stato «Concluso».",
    )


def test_ending_a_suspended_intervention_closes_the_suspension(social_worker, active_educational):
    delivery.intervention_suspend(
        intervention=active_educational,
        actor=social_worker,
        day=_today() - dt.timedelta(days=10),
        reason="Trasferimento temporaneo.",
    )
    delivery.intervention_end(
        intervention=_fresh(active_educational),
        actor=social_worker,
        day=_today(),
        reason="La famiglia si è trasferita.",
    )
    intervention = Intervention.objects.get(pk=active_educational.pk)
    assert (intervention.state, intervention.ended_on, intervention.end_reason) == (
        S.ENDED,
        _today(),
        "La famiglia si è trasferita.",
    )
    assert Suspension.objects.get(intervention=intervention).ends_on == _today()
    assert_refused(
        lambda: delivery.intervention_end(
            intervention=_fresh(active_educational), actor=social_worker, day=_today(), reason=""
        ),
        _snapshot(active_educational),
        "Indicare il motivo della conclusione.",
        ValidationError,
    )


# --- monitoring ----------------------------------------------------------------------------------------------


def test_monitoring_schedules_the_next_check_and_completes_the_previous(social_worker, active_educational):
    intervention = active_educational
    first_check = _today() + dt.timedelta(days=30)
    entry = delivery.monitoring_record(
        intervention=intervention,
        actor=social_worker,
        data=MonitoringData(
            day=_today() - dt.timedelta(days=1),
            assessment=MonitoringEntry.Assessment.ON_TRACK,
            text="Il minore frequenta regolarmente la scuola.",
            next_check_on=first_check,
        ),
    )
    assert (entry.author, entry.assessment, entry.next_check_on) == (
        social_worker,
        "on_track",
        first_check,
    )
    assert _audited("services.monitoring.created", entry)
    assert CaseEvent.objects.filter(case=intervention.case, code="services.intervention.monitor").exists()
    deadline = deadlines_of_source(intervention).get(kind=Deadline.Kind.MONITORING)
    assert (deadline.owner, timezone.localtime(deadline.due_at).date(), deadline.done_at) == (
        social_worker,
        first_check,
        None,
    )

    delivery.monitoring_record(
        intervention=_fresh(intervention),
        actor=social_worker,
        data=MonitoringData(
            day=_today(),
            assessment=MonitoringEntry.Assessment.ATTENTION,
            text="Assenze ripetute agli incontri.",
            next_check_on=_today() + dt.timedelta(days=14),
        ),
    )
    deadline.refresh_from_db()
    assert deadline.done_at is not None and deadline.done_by == social_worker
    pending = deadlines_of_source(intervention).pending().get()
    assert timezone.localtime(pending.due_at).date() == _today() + dt.timedelta(days=14)

    delivery.intervention_end(
        intervention=_fresh(intervention), actor=social_worker, day=_today(), reason="Progetto concluso."
    )
    pending.refresh_from_db()
    assert pending.cancelled_at is not None


def test_monitoring_refusals(demo, social_worker, active_educational):
    intervention = _fresh(active_educational)
    started_on = intervention.started_on
    assert started_on is not None
    snapshot = _snapshot(intervention)
    data = MonitoringData(day=_today(), assessment="on_track", text="Regolare.")
    assert_refused(
        lambda: delivery.monitoring_record(
            intervention=intervention, actor=demo.users["assistente2"], data=data
        ),
        snapshot,
        LEAD_ONLY,
    )
    assert_refused(
        lambda: delivery.monitoring_record(
            intervention=intervention, actor=demo.users["educatore"], data=data
        ),
        snapshot,
        "Il tuo ruolo non consente l'azione «Registra il monitoraggio».",
    )
    assert_refused(
        lambda: delivery.monitoring_record(
            intervention=intervention,
            actor=social_worker,
            data=MonitoringData(day=_today(), assessment="on_track", text=" ", next_check_on=_today()),
        ),
        snapshot,
        "Descrivere l'andamento dell'intervento. Il prossimo monitoraggio deve essere in una data futura.",
        ValidationError,
    )
    assert_refused(
        lambda: delivery.monitoring_record(
            intervention=intervention,
            actor=social_worker,
            data=MonitoringData(day=started_on - dt.timedelta(days=1), assessment="on_track", text="x"),
        ),
        snapshot,
        f"La data non può precedere l'avvio dell'intervento ({started_on:%d/%m/%Y}).",
        ValidationError,
    )
    planned = _fresh(factories.authorised_intervention(demo))
    assert_refused(
        lambda: delivery.monitoring_record(intervention=planned, actor=social_worker, data=data),
        _snapshot(planned),
        "L'azione «Registra il monitoraggio» non è consentita nello stato «Programmato».",
    )


def test_factories_reach_every_state(demo):
    for state, expected in [("planned", S.PLANNED), ("suspended", S.SUSPENDED), ("ended", S.ENDED)]:
        assert factories.intervention_in(demo, state).state == expected
    foster = factories.intervention_in(demo, "ended", delivery="foster")
    assert Placement.objects.get(intervention=foster).outcome is not None
    assert EducatorAssignment.objects.filter(intervention__state=S.ENDED).exists()
