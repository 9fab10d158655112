"""The intervention page: who reaches it, which buttons each role sees, what stays confidential, the acts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tutela.audit.models import AuditEvent
from tutela.cases.services.members import case_member_add
from tutela.deadlines.models import Deadline
from tutela.services import delivery
from tutela.services.delivery import MonitoringData
from tutela.services.models import AdministrativeReview, Intervention, InterventionState, MonitoringEntry
from tutela.testing import factories

SECRET = "Il padre ha riferito episodi di violenza in casa."


def _page(client: Client, user: Any, intervention: Intervention) -> Any:
    client.force_login(user)
    return client.get(reverse("delivery:detail", kwargs={"pk": intervention.pk}))


def _action_url(intervention: Intervention, slug: str) -> str:
    return reverse("delivery:action", kwargs={"pk": intervention.pk, "action": slug})


def _buttons(response: Any, intervention: Intervention) -> set[str]:
    html = response.content.decode()
    return {
        slug
        for slug in ("avvia", "sospendi", "riprendi", "concludi", "monitoraggio", "proroga", "presa-d-atto")
        if _action_url(intervention, slug) in html
    }


@pytest.fixture
def active(demo):
    intervention = factories.intervention_in(
        demo, "active", started_on=timezone.localdate() - dt.timedelta(days=30)
    )
    case_member_add(
        case=intervention.case,
        actor=demo.users["assistente"],
        user=demo.users["educatore"],
        role_label="Educatore",
    )
    delivery.monitoring_record(
        intervention=intervention,
        actor=demo.users["assistente"],
        data=MonitoringData(day=timezone.localdate(), assessment="attention", text=SECRET),
    )
    return intervention


def test_the_page_answers_by_scope_and_is_audited(client, demo, active):
    response = _page(client, demo.users["assistente"], active)
    assert response.status_code == 200
    assert AuditEvent.objects.filter(
        action="cases.case.viewed",
        case_id=active.case_id,
        actor=demo.users["assistente"],
        data__page="intervention",
    ).exists()
    for username in ("assistente2", "comune"):
        assert _page(client, demo.users[username], active).status_code == 404
    client.force_login(demo.users["assistente"])
    assert (
        client.get(reverse("delivery:detail", kwargs={"pk": 987654})).content
        == _page(client, demo.users["assistente2"], active).content
    )


def test_buttons_follow_the_engine_and_the_role(client, demo, active):
    assert _buttons(_page(client, demo.users["assistente"], active), active) == {
        "sospendi",
        "concludi",
        "monitoraggio",
    }
    for username in ("coordinatore", "sds", "cooperativa", "educatore", "amministrativo"):
        response = _page(client, demo.users[username], active)
        assert response.status_code == 200, username
        assert _buttons(response, active) == set(), username
    delivery.intervention_suspend(
        intervention=active, actor=demo.users["assistente"], day=timezone.localdate(), reason="Ricovero."
    )
    assert _buttons(_page(client, demo.users["assistente"], active), active) == {
        "riprendi",
        "concludi",
        "monitoraggio",
    }


def test_foster_care_shows_its_placement_and_the_extension_button(client, demo):
    foster = factories.intervention_in(demo, "active", delivery="foster")
    response = _page(client, demo.users["assistente"], foster)
    html = response.content.decode()
    assert _buttons(response, foster) == {"sospendi", "concludi", "monitoraggio", "proroga"}
    assert foster.proposal.foster_carer is not None
    assert foster.proposal.foster_carer.name in html
    assert "Segnalazione al PM entro il" in html
    # Only home educational support has the educational project's page; every intervention has its controls.
    assert reverse("delivery:educational", kwargs={"pk": foster.pk}) not in html
    assert reverse("delivery:controls", kwargs={"pk": foster.pk}) in html


def test_monitoring_and_suspension_reasons_are_confidential(client, demo, active):
    reason = "Ricovero in neuropsichiatria infantile."
    delivery.intervention_suspend(
        intervention=active, actor=demo.users["assistente"], day=timezone.localdate(), reason=reason
    )
    html = _page(client, demo.users["assistente"], active).content.decode()
    assert SECRET in html and reason in html
    for username in ("cooperativa", "educatore", "amministrativo", "sds"):
        html = _page(client, demo.users[username], active).content.decode()
        assert SECRET not in html and reason not in html, username
        assert "Da seguire con attenzione" in html
        assert f"Dal {timezone.localdate():%d/%m/%Y}" in html
        client.force_login(demo.users[username])
        case_page = client.get(reverse("cases:detail", kwargs={"pk": active.case_id})).content.decode()
        assert reason not in case_page and SECRET not in case_page, username


def test_the_comune_takes_note_from_the_page(client, demo):
    planned = factories.authorised_intervention(demo, residence="Montemurlo")
    factories.educator_assigned(demo, planned)
    officer = demo.users["comune"]
    lead = demo.users["assistente"]
    response = _page(client, lead, planned)
    assert _buttons(response, planned) == {"avvia"}
    assert "non ha ancora preso atto" in response.content.decode()
    assert _buttons(_page(client, officer, planned), planned) == {"presa-d-atto"}

    # Starting before the acknowledgement is refused with its reason; nothing changes.
    client.force_login(lead)
    response = client.post(
        _action_url(planned, "avvia"), {"day": timezone.localdate().isoformat()}, follow=True
    )
    assert "non ha ancora preso atto" in response.content.decode()
    assert Intervention.objects.get(pk=planned.pk).state == InterventionState.PLANNED

    client.force_login(officer)
    response = client.post(_action_url(planned, "presa-d-atto"), {})
    assert response.status_code == 302 and response["Location"] == reverse(
        "delivery:detail", args=[planned.pk]
    )
    review = AdministrativeReview.objects.get(proposal_id=planned.proposal_id)
    assert review.municipality_acknowledged_by == officer
    assert _buttons(_page(client, officer, planned), planned) == set()

    client.force_login(lead)
    response = client.post(_action_url(planned, "avvia"), {"day": timezone.localdate().isoformat()})
    assert response.status_code == 302
    assert Intervention.objects.get(pk=planned.pk).state == InterventionState.ACTIVE


def test_another_comune_paying_hides_the_button(client, demo):
    planned = factories.authorised_intervention(demo, residence="Montemurlo", paying="Vaiano")
    assert _page(client, demo.users["comune"], planned).status_code == 200
    assert _buttons(_page(client, demo.users["comune"], planned), planned) == set()
    client.force_login(demo.users["comune"])
    response = client.post(_action_url(planned, "presa-d-atto"), {})
    assert response["Location"] == reverse("delivery:detail", args=[planned.pk])
    assert (
        AdministrativeReview.objects.get(proposal_id=planned.proposal_id).municipality_acknowledged_at is None
    )


def test_a_form_error_changes_nothing(client, demo, active):
    client.force_login(demo.users["assistente"])
    response = client.post(
        _action_url(active, "sospendi"), {"day": timezone.localdate().isoformat(), "reason": ""}
    )
    assert response.status_code == 200
    assert "Questo campo è obbligatorio" in response.content.decode()
    assert Intervention.objects.get(pk=active.pk).state == InterventionState.ACTIVE


def test_monitoring_through_the_page_raises_the_owners_deadline(client, demo, active):
    client.force_login(demo.users["assistente"])
    next_check = timezone.localdate() + dt.timedelta(days=21)
    response = client.post(
        _action_url(active, "monitoraggio"),
        {
            "day": timezone.localdate().isoformat(),
            "assessment": "on_track",
            "text": "Buona collaborazione della madre.",
            "next_check_on": next_check.isoformat(),
        },
    )
    assert response.status_code == 302
    assert MonitoringEntry.objects.filter(intervention=active).count() == 2
    deadline = Deadline.objects.pending().get(case=active.case, kind=Deadline.Kind.MONITORING)
    assert deadline.owner == demo.users["assistente"]
    assert timezone.localtime(deadline.due_at).date() == next_check


def test_ending_a_placement_asks_for_its_outcome(client, demo):
    foster = factories.intervention_in(demo, "active", delivery="foster")
    client.force_login(demo.users["assistente"])
    response = client.get(_action_url(foster, "concludi"))
    html = response.content.decode()
    assert "Esito del collocamento (SINBA)" in html
    assert "rientrato nella famiglia di origine" in html
    educational = factories.intervention_in(demo, "active")
    assert "Esito del collocamento" not in client.get(_action_url(educational, "concludi")).content.decode()


def test_the_case_page_links_its_interventions(client, demo, active):
    client.force_login(demo.users["assistente"])
    html = client.get(reverse("cases:detail", kwargs={"pk": active.case_id})).content.decode()
    assert reverse("delivery:detail", kwargs={"pk": active.pk}) in html


def test_the_page_reads_a_constant_number_of_rows(client, demo, active, django_assert_max_num_queries):
    client.force_login(demo.users["assistente"])
    url = reverse("delivery:detail", kwargs={"pk": active.pk})
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(3):
        delivery.monitoring_record(
            intervention=active,
            actor=demo.users["assistente"],
            data=MonitoringData(day=timezone.localdate(), assessment="on_track", text=f"Controllo {n}"),
        )
        delivery.intervention_suspend(
            intervention=active, actor=demo.users["assistente"], day=timezone.localdate(), reason="Pausa."
        )
        delivery.intervention_resume(
            intervention=active, actor=demo.users["assistente"], day=timezone.localdate()
        )
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(url)


def test_the_controls_link_shows_only_to_who_may_open_the_controls(client, demo, active):
    controls = reverse("delivery:controls", kwargs={"pk": active.pk})
    for username, shown in (("sds", True), ("cooperativa", True), ("assistente", True), ("educatore", False)):
        response = _page(client, demo.users[username], active)
        assert response.status_code == 200, username
        assert (controls in response.content.decode()) == shown, username
        client.force_login(demo.users[username])
        assert client.get(controls).status_code == (200 if shown else 404), username
