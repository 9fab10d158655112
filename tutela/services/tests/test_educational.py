"""Seed 003: the provider's coordinator assigns its educators within the authorised hours (they join the case
team and leave it with their last assignment); the lead social worker writes the PEI, whose review is a
deadline; its confidential sections reach only the service and those who work on the intervention."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tutela.accounts.access import cases_visible_to
from tutela.audit.models import AuditEvent
from tutela.cases.models import CaseEvent, CaseMember
from tutela.cases.services.members import case_member_add
from tutela.deadlines.models import Deadline
from tutela.services.educational import AssignmentData, educator_assign, educator_assignment_end
from tutela.services.educational_project import GoalData, ProjectData, goal_add, goal_review, project_save
from tutela.services.models import (
    DeliveryRecord,
    EducationalProject,
    EducatorAssignment,
    InterventionState,
    ProjectGoal,
)
from tutela.services.tests.educational_setup import assign, days_ago, educator, home_support, other_provider
from tutela.testing.asserts import assert_refused
from tutela.workflow import TransitionError

OBJECTIVE = "Obiettivo riservato: sostenere la madre nella gestione dei compiti serali"


def _state() -> tuple[int, int, int, int]:
    return (
        EducatorAssignment.objects.count(),
        CaseMember.objects.count(),
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
    )


# --- educators -----------------------------------------------------------------------------------------------


def test_the_coordinator_assigns_an_educator_who_joins_the_case_team(demo):
    intervention = home_support(demo)
    educatore = demo.users["educatore"]
    assert not cases_visible_to(educatore).filter(pk=intervention.case_id).exists()

    assignment = assign(demo, intervention, hours="4")

    assert assignment.hours_per_week == Decimal("4")
    assert assignment.assigned_by == demo.users["cooperativa"]
    member = CaseMember.objects.get(case=intervention.case, user=educatore)
    assert assignment.team_member == member
    assert "Cooperativa" in member.role_label
    assert cases_visible_to(educatore).filter(pk=intervention.case_id).exists()
    assert CaseEvent.objects.filter(case=intervention.case, code="services.educator.assigned").exists()
    assert AuditEvent.objects.filter(
        action="services.educator_assignment.created", object_id=str(assignment.pk)
    ).exists()


def test_assigned_hours_never_exceed_the_authorised_weekly_hours(demo):
    intervention = home_support(demo, hours=Decimal("6"))
    assign(demo, intervention, hours="4")
    second = educator(demo, "educatore.due")

    assert_refused(
        lambda: assign(demo, intervention, second, hours="3"),
        _state,
        "Le ore assegnate supererebbero le 6 ore settimanali autorizzate: ne sono già assegnate 4, ne restano 2.",
        ValidationError,
    )
    assign(demo, intervention, second, hours="2")
    assert sum(a.hours_per_week for a in intervention.assignments.all()) == Decimal("6")


def test_ended_assignments_free_their_hours(demo):
    intervention = home_support(demo, hours=Decimal("6"))
    first = assign(demo, intervention, hours="6")
    educator_assignment_end(assignment=first, actor=demo.users["cooperativa"], ends_on=days_ago(1))
    assign(demo, intervention, educator(demo, "educatore.due"), hours="6")


def test_assignment_refusals(demo):
    intervention = home_support(demo)
    _org, other_coordinator, other_educator = other_provider(demo)
    cooperativa = demo.users["cooperativa"]

    def by(actor, user, **kwargs):
        data = {"educator": user, "hours_per_week": Decimal("2"), "starts_on": days_ago(5), **kwargs}
        return lambda: educator_assign(intervention=intervention, actor=actor, data=AssignmentData(**data))

    assert_refused(
        by(other_coordinator, other_educator),
        _state,
        "Solo il coordinatore dell'ente erogatore dell'intervento può assegnare gli educatori.",
    )
    assert_refused(
        by(demo.users["assistente"], demo.users["educatore"]),
        _state,
        "Solo il coordinatore dell'ente erogatore dell'intervento può assegnare gli educatori.",
    )
    assert_refused(
        by(cooperativa, other_educator),
        _state,
        "La persona scelta non è un educatore di Cooperativa sociale Il Girasole.",
        ValidationError,
    )
    assert_refused(
        by(cooperativa, demo.users["assistente2"]),
        _state,
        "La persona scelta non è un educatore di Cooperativa sociale Il Girasole.",
        ValidationError,
    )
    assert_refused(
        by(cooperativa, demo.users["educatore"], starts_on=days_ago(31)),
        _state,
        f"L'assegnazione non può iniziare prima dell'avvio dell'intervento ({days_ago(30):%d/%m/%Y}).",
        ValidationError,
    )
    assign(demo, intervention)
    assert_refused(
        by(cooperativa, demo.users["educatore"]),
        _state,
        "L'educatore è già assegnato a questo intervento: per cambiarne le ore terminare prima l'assegnazione "
        "in corso.",
        ValidationError,
    )


def test_no_assignments_on_an_ended_or_non_educational_intervention(demo):
    ended = home_support(demo, state=InterventionState.ENDED)
    assert_refused(
        lambda: assign(demo, ended),
        _state,
        "L'intervento è concluso: non si assegnano educatori.",
    )
    generic = home_support(demo, delivery="generic")
    assert_refused(
        lambda: assign(demo, generic),
        _state,
        "L'intervento non è un sostegno educativo: non prevede educatori né PEI.",
    )


def test_ending_the_last_assignment_takes_the_educator_out_of_the_team(demo):
    intervention = home_support(demo)
    educatore = demo.users["educatore"]
    assignment = assign(demo, intervention)

    ended = educator_assignment_end(
        assignment=assignment, actor=demo.users["cooperativa"], ends_on=days_ago(0)
    )

    assert ended.ends_on == days_ago(0)
    assert not CaseMember.objects.filter(case=intervention.case, user=educatore).exists()
    assert not cases_visible_to(educatore).filter(pk=intervention.case_id).exists()
    assert AuditEvent.objects.filter(action="cases.member.removed", case_id=intervention.case_id).exists()
    assert AuditEvent.objects.filter(
        action="services.educator_assignment.ended", object_id=str(ended.pk)
    ).exists()


def test_an_educator_in_the_team_for_another_reason_stays(demo):
    intervention = home_support(demo)
    educatore = demo.users["educatore"]
    case_member_add(case=intervention.case, actor=demo.users["assistente"], user=educatore)
    assignment = assign(demo, intervention)
    assert assignment.team_member is None

    educator_assignment_end(assignment=assignment, actor=demo.users["cooperativa"], ends_on=days_ago(0))

    assert CaseMember.objects.filter(case=intervention.case, user=educatore).exists()


def test_the_membership_stays_while_another_assignment_on_the_case_runs(demo):
    first = home_support(demo)
    second = home_support(demo, case=first.case)
    educatore = demo.users["educatore"]
    one = assign(demo, first, hours="2")
    two = assign(demo, second, hours="2")
    assert one.team_member == two.team_member is not None

    educator_assignment_end(assignment=one, actor=demo.users["cooperativa"], ends_on=days_ago(0))
    assert CaseMember.objects.filter(case=first.case, user=educatore).exists()
    educator_assignment_end(assignment=two, actor=demo.users["cooperativa"], ends_on=days_ago(0))
    assert not CaseMember.objects.filter(case=first.case, user=educatore).exists()


def test_ending_refusals(demo):
    intervention = home_support(demo)
    assignment = assign(demo, intervention, starts_days_ago=10)
    DeliveryRecord.objects.create(
        intervention=intervention,
        operator=demo.users["educatore"],
        day=days_ago(3),
        units=2,
        activity="Compiti",
    )
    cooperativa = demo.users["cooperativa"]

    def end(day, actor=cooperativa):
        return lambda: educator_assignment_end(assignment=assignment, actor=actor, ends_on=day)

    assert_refused(
        end(days_ago(11)),
        _state,
        f"La fine non può precedere l'inizio dell'assegnazione ({days_ago(10):%d/%m/%Y}).",
        ValidationError,
    )
    assert_refused(end(days_ago(-1)), _state, "La data di fine non può essere nel futuro.", ValidationError)
    assert_refused(
        end(days_ago(4)),
        _state,
        f"L'educatore ha registrato ore fino al {days_ago(3):%d/%m/%Y}: la fine non può precedere quella data.",
        ValidationError,
    )
    assert_refused(
        end(days_ago(0), demo.users["assistente"]),
        _state,
        "Solo il coordinatore dell'ente erogatore dell'intervento può assegnare gli educatori.",
    )
    educator_assignment_end(assignment=assignment, actor=cooperativa, ends_on=days_ago(3))
    assert_refused(end(days_ago(0)), _state, "L'assegnazione è già terminata.")


# --- PEI -----------------------------------------------------------------------------------------------------


def _pei(review: dt.date | None = None, shared: bool = False) -> ProjectData:
    return ProjectData(
        general_objective=OBJECTIVE,
        family_involvement="La madre partecipa a un incontro mensile.",
        shared_with_municipality=shared,
        next_review_on=review,
    )


def _reviews(project: EducationalProject):
    return Deadline.objects.filter(kind=Deadline.Kind.PLAN_REVIEW, case=project.intervention.case)


def test_the_lead_writes_the_pei_and_its_review_becomes_a_deadline(demo):
    intervention = home_support(demo)
    lead = demo.users["assistente"]

    project = project_save(intervention=intervention, actor=lead, data=_pei(days_ago(-60)))

    assert project.general_objective == OBJECTIVE
    deadline = _reviews(project).get()
    assert deadline.owner == lead
    assert deadline.due_at.date() == days_ago(-60)
    assert deadline.done_at is None and deadline.cancelled_at is None
    assert CaseEvent.objects.filter(case=intervention.case, code="services.project.saved").count() == 1
    assert AuditEvent.objects.filter(
        action="services.educational_project.created", object_id=str(project.pk)
    ).exists()


def test_a_new_review_date_replaces_the_pending_deadline(demo):
    intervention = home_support(demo)
    lead = demo.users["assistente"]
    project = project_save(intervention=intervention, actor=lead, data=_pei(days_ago(-60)))
    project_save(intervention=intervention, actor=lead, data=_pei(days_ago(-60)))
    assert _reviews(project).count() == 1

    project_save(intervention=intervention, actor=lead, data=_pei(days_ago(-90)))

    pending = _reviews(project).filter(cancelled_at__isnull=True)
    assert [d.due_at.date() for d in pending] == [days_ago(-90)]
    assert _reviews(project).filter(cancelled_at__isnull=False).count() == 1

    project_save(intervention=intervention, actor=lead, data=_pei(None))
    assert not _reviews(project).filter(cancelled_at__isnull=True).exists()


def test_pei_refusals(demo):
    intervention = home_support(demo)
    lead = demo.users["assistente"]

    def snapshot():
        return (EducationalProject.objects.count(), Deadline.objects.count(), AuditEvent.objects.count())

    for actor in (demo.users["cooperativa"], demo.users["coordinatore"], demo.users["assistente2"]):
        assert_refused(
            lambda actor=actor: project_save(intervention=intervention, actor=actor, data=_pei()),
            snapshot,
            "Solo l'assistente sociale referente del caso può compiere questa azione.",
        )
    assert_refused(
        lambda: project_save(intervention=intervention, actor=lead, data=_pei(days_ago(1))),
        snapshot,
        "La prossima verifica non può essere nel passato.",
        ValidationError,
    )
    project_save(intervention=intervention, actor=lead, data=_pei(shared=True))
    assert_refused(
        lambda: project_save(intervention=intervention, actor=lead, data=_pei(shared=False)),
        snapshot,
        "Il progetto è già stato condiviso con il Comune: la condivisione non si annulla.",
        ValidationError,
    )
    assert CaseEvent.objects.filter(description="PEI redatto e condiviso con il Comune").exists()


def test_goals_with_who_does_what_and_their_review(demo):
    intervention = home_support(demo)
    lead = demo.users["assistente"]
    project = project_save(intervention=intervention, actor=lead, data=_pei())
    data = GoalData(
        description="Autonomia nei compiti",
        actions="Affiancamento due pomeriggi a settimana",
        responsible="Educatore: compiti; madre: controllo del diario",
        review_on=days_ago(-30),
    )

    goal = goal_add(project=project, actor=lead, data=data)
    assert goal.status == ProjectGoal.Status.OPEN
    assert_refused(
        lambda: goal_add(project=project, actor=demo.users["cooperativa"], data=data),
        lambda: ProjectGoal.objects.count(),
        "Solo l'assistente sociale referente del caso può compiere questa azione.",
    )

    reviewed = goal_review(goal=goal, actor=lead, transition="partial")
    assert reviewed.status == ProjectGoal.Status.PARTIAL
    assert CaseEvent.objects.filter(code="services.project_goal.partial").exists()
    assert_refused(
        lambda: goal_review(goal=goal, actor=demo.users["assistente2"], transition="reopen"),
        lambda: ProjectGoal.objects.get(pk=goal.pk).status,
        "Solo l'assistente sociale referente del caso può compiere questa azione.",
    )
    with pytest.raises(TransitionError):
        goal_review(goal=goal, actor=lead, transition="achieve")  # only from "in corso"
    assert goal_review(goal=goal, actor=lead, transition="reopen").status == ProjectGoal.Status.OPEN


# --- pages ---------------------------------------------------------------------------------------------------


def _page(client, user, intervention):
    client.force_login(user)
    return client.get(reverse("delivery:educational", kwargs={"pk": intervention.pk}))


def test_the_pei_text_reaches_the_service_and_who_works_on_it_only(client, demo):
    intervention = home_support(demo, residence="Montemurlo")
    assign(demo, intervention)
    project_save(intervention=intervention, actor=demo.users["assistente"], data=_pei(days_ago(-45)))
    readers = ["assistente", "coordinatore", "cooperativa", "educatore"]
    for username in [*readers, "sds", "comune", "amministrativo"]:
        response = _page(client, demo.users[username], intervention)
        assert response.status_code == 200, username
        page = response.content.decode()
        assert (OBJECTIVE in page) == (username in readers), username
        assert f"{days_ago(-45):%d/%m/%Y}" in page, username  # everyone sees when it is reviewed
    assert AuditEvent.objects.filter(
        action="cases.case.viewed", case_id=intervention.case_id, data__page="educational"
    ).exists()


def test_another_provider_and_an_unassigned_educator_get_404(client, demo):
    intervention = home_support(demo)
    _org, other_coordinator, other_educator = other_provider(demo)
    for user in (other_coordinator, other_educator, demo.users["educatore"]):
        assert _page(client, user, intervention).status_code == 404
    generic = home_support(demo, delivery="generic")
    assert _page(client, demo.users["assistente"], generic).status_code == 404


def test_the_coordinator_assigns_from_the_page(client, demo):
    intervention = home_support(demo)
    client.force_login(demo.users["cooperativa"])
    url = reverse(
        "delivery:educational_action", kwargs={"pk": intervention.pk, "action": "assegna-educatore"}
    )
    assert client.get(url).status_code == 200
    too_many = {
        "educator": demo.users["educatore"].pk,
        "hours_per_week": "7",
        "starts_on": days_ago(2).isoformat(),
    }
    response = client.post(url, too_many)
    assert response.status_code == 200
    assert "ne restano 6" in response.content.decode()
    assert not EducatorAssignment.objects.exists()

    response = client.post(url, {**too_many, "hours_per_week": "5"})
    assert response.status_code == 302
    assert EducatorAssignment.objects.get().hours_per_week == Decimal("5")
    page = _page(client, demo.users["cooperativa"], intervention).content.decode()
    assert "Davide Pieri" in page


def test_the_social_worker_may_not_open_the_assignment_form(client, demo):
    intervention = home_support(demo)
    client.force_login(demo.users["assistente"])
    url = reverse(
        "delivery:educational_action", kwargs={"pk": intervention.pk, "action": "assegna-educatore"}
    )
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("delivery:educational", kwargs={"pk": intervention.pk})


def test_the_provider_home_shows_interventions_caseloads_and_the_comune_acknowledgement(client, demo):
    prato = home_support(demo)
    montemurlo = home_support(demo, residence="Montemurlo", state=InterventionState.PLANNED)
    assign(demo, prato, hours="4")
    assign(demo, montemurlo, hours="2")

    client.force_login(demo.users["cooperativa"])
    response = client.get(reverse("provider:home"))

    assert response.status_code == 200
    page = response.content.decode()
    assert prato.case.code in page and montemurlo.case.code in page
    assert "in attesa della presa d'atto" in page  # Montemurlo pays and has not taken note yet
    educators = {e.username: e for e in response.context["educators"]}
    assert educators["educatore"].caseload == Decimal("6")
    assert educators["educatore"].intervention_count == 2
    assert AuditEvent.objects.filter(
        action="services.provider_home.viewed", actor=demo.users["cooperativa"]
    ).exists()

    for username in ("educatore", "assistente", "sds"):
        client.force_login(demo.users[username])
        assert client.get(reverse("provider:home")).status_code == 404


def test_the_demo_brings_a_running_home_support_to_life(demo):
    from tutela.services.demo_delivery import seed_home_support_delivery

    intervention = home_support(demo, started_days_ago=21)

    seed_home_support_delivery(demo, intervention)

    assert intervention.assignments.filter(educator=demo.users["educatore"], ends_on__isnull=True).exists()
    days = sorted(intervention.deliveries.values_list("day", flat=True))
    assert len(days) in (6, 7) and days[0] >= days_ago(13)
    project = EducationalProject.objects.get(intervention=intervention)
    assert project.goals.count() == 2 and project.shared_with_municipality
    assert intervention.progress_reports.count() == 1
    assert intervention.controls.get().follow_up_due == days_ago(-15)
