"""What a proposal says about who or where delivers the service, by service type, and the conflict rule of
L. 184/1983 art. 2 c. 1.1 and 2-bis (foster carers and facilities tied to the case's professionals)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tutela.assessments.services import ReportData, social_report_file
from tutela.cases.services.members import case_member_add
from tutela.people.models import Person
from tutela.people.services import PersonData
from tutela.services.catalogue import declared_relationship_create
from tutela.services.conflicts import placement_conflict
from tutela.services.demo import seed_services
from tutela.services.models import (
    Facility,
    FosterCarer,
    FosterKind,
    FosterTime,
    InterventionState,
    Placement,
    PlacementForm,
    ProposalState,
    ServiceProposal,
    ServiceType,
)
from tutela.services.services import ProposalData, proposal_submit, proposal_update_draft
from tutela.testing import factories
from tutela.testing.asserts import assert_refused

LAW = "L. 184/1983, art. 2 c. 1.1 e 2-bis."


@pytest.fixture
def seeded(demo):
    return seed_services(demo)


def _service(code: str) -> ServiceType:
    return ServiceType.objects.get(code=code)


def _draft(demo, code: str, worker: str = "assistente", **details) -> ServiceProposal:
    """A case in care whose social report with outcome opens a draft of the service (details as given)."""
    case = factories.in_care_case(demo, worker=worker)
    social_report_file(
        case=case,
        actor=demo.users[worker],
        report=ReportData(kind="with_outcome", facts="Colloqui.", evaluations="Serve un intervento."),
        proposal=ProposalData(service_type=_service(code), motivation="Proposta motivata.", **details),
    )
    return ServiceProposal.objects.select_related("case").get(case=case)


def _data(code: str, **details) -> ProposalData:
    return ProposalData(service_type=_service(code), motivation="Proposta motivata.", **details)


def _foster(seeded, carer: str = "Famiglia Conti", **changes) -> ProposalData:
    values = {
        "duration_months": 18,
        "foster_carer": seeded.foster_carers[carer],
        "placement_form": PlacementForm.JUDICIAL,
        "foster_kind": FosterKind.EXTRA_FAMILY,
        "foster_time": FosterTime.FULL_TIME,
    }
    values.update(changes)
    return _data("FM-A04", **values)


def _community(seeded, **changes) -> ProposalData:
    values = {
        "facility": seeded.facilities["Comunità educativa Il Ponte"],
        "placement_form": PlacementForm.CONSENSUAL,
        "duration_months": 12,
    }
    values.update(changes)
    return _data("FM-R02", **values)


def _snapshot(proposal: ServiceProposal):
    return lambda: ServiceProposal.objects.filter(pk=proposal.pk).values().get()


def _occupy(demo, facility: Facility) -> None:
    """An active placement in the facility (opened by the activation, which is not under test here)."""
    intervention = factories.authorised_intervention(demo, delivery="residential")
    type(intervention).objects.filter(pk=intervention.pk).update(
        state=InterventionState.ACTIVE, started_on=timezone.localdate()
    )
    Placement.objects.create(
        intervention=intervention,
        kind=Placement.Kind.RESIDENTIAL,
        facility=facility,
        form=PlacementForm.CONSENSUAL,
        starts_on=timezone.localdate(),
        planned_end=timezone.localdate() + dt.timedelta(days=365),
    )


# --- what each kind of service needs ------------------------------------------------------------------------


def test_home_support_is_sent_only_with_hours_duration_and_provider(demo, seeded, social_worker):
    draft = _draft(demo, "FM-A11")
    assert_refused(
        lambda: proposal_submit(proposal=draft, actor=social_worker),
        _snapshot(draft),
        "Prima dell'invio completare la proposta: ore settimanali, durata prevista, ente erogatore.",
    )

    proposal_update_draft(
        proposal=draft,
        actor=social_worker,
        data=_data(
            "FM-A11", hours_per_week=Decimal("6"), duration_months=12, provider=seeded.providers["provider"]
        ),
    )
    submitted = proposal_submit(proposal=draft, actor=social_worker)

    assert submitted.state == ProposalState.SUBMITTED
    assert ServiceProposal.objects.get(pk=draft.pk).provider == seeded.providers["provider"]


def test_foster_care_needs_carers_form_kind_time_and_at_most_24_months(demo, seeded, social_worker):
    draft = _draft(demo, "FM-A04")
    assert_refused(
        lambda: proposal_submit(proposal=draft, actor=social_worker),
        _snapshot(draft),
        "Prima dell'invio completare la proposta: affidatari, forma consensuale o giudiziale, affido intra o "
        "eterofamiliare, tempo pieno o parziale, durata prevista (al massimo 24 mesi).",
    )
    assert_refused(
        lambda: proposal_update_draft(
            proposal=draft, actor=social_worker, data=_foster(seeded, duration_months=30)
        ),
        _snapshot(draft),
        "L'affidamento familiare dura al massimo 24 mesi (L. 184/1983, art. 4 c. 4): la proroga spetta al "
        "Tribunale per i minorenni.",
        ValidationError,
    )

    proposal_update_draft(proposal=draft, actor=social_worker, data=_foster(seeded, duration_months=24))
    assert proposal_submit(proposal=draft, actor=social_worker).state == ProposalState.SUBMITTED
    fresh = ServiceProposal.objects.get(pk=draft.pk)
    assert (fresh.foster_carer, fresh.placement_form, fresh.foster_kind, fresh.foster_time) == (
        seeded.foster_carers["Famiglia Conti"],
        PlacementForm.JUDICIAL,
        FosterKind.EXTRA_FAMILY,
        FosterTime.FULL_TIME,
    )


def test_foster_carers_must_be_available_and_of_the_territory(demo, seeded, social_worker):
    draft = _draft(demo, "FM-A04")
    carer = seeded.foster_carers["Famiglia Esposito"]
    FosterCarer.objects.filter(pk=carer.pk).update(available=False)
    carer.refresh_from_db()
    assert_refused(
        lambda: proposal_update_draft(
            proposal=draft, actor=social_worker, data=_foster(seeded, carer="Famiglia Esposito")
        ),
        _snapshot(draft),
        "Gli affidatari «Famiglia Esposito» non sono disponibili.",
        ValidationError,
    )


def test_a_placement_needs_an_active_facility_of_its_kind_with_a_free_place(demo, seeded, social_worker):
    draft = _draft(demo, "FM-R02")
    community = seeded.facilities["Comunità educativa Il Ponte"]
    assert_refused(
        lambda: proposal_submit(proposal=draft, actor=social_worker),
        _snapshot(draft),
        "Prima dell'invio completare la proposta: struttura, forma consensuale o giudiziale.",
    )
    assert_refused(
        lambda: proposal_update_draft(
            proposal=draft,
            actor=social_worker,
            data=_community(seeded, facility=seeded.facilities["Centro diurno L'Aquilone"]),
        ),
        _snapshot(draft),
        "La struttura «Centro diurno L'Aquilone» è «Centro diurno socio-educativo per minori»: non corrisponde "
        "al servizio proposto.",
        ValidationError,
    )

    Facility.objects.filter(pk=community.pk).update(capacity=1)
    community.refresh_from_db()
    _occupy(demo, community)
    assert_refused(
        lambda: proposal_update_draft(proposal=draft, actor=social_worker, data=_community(seeded)),
        _snapshot(draft),
        "La struttura «Comunità educativa Il Ponte» è al completo (posti occupati: 1 su 1).",
        ValidationError,
    )

    Facility.objects.filter(pk=community.pk).update(capacity=2, active=False)
    community.refresh_from_db()
    assert_refused(
        lambda: proposal_update_draft(proposal=draft, actor=social_worker, data=_community(seeded)),
        _snapshot(draft),
        "La struttura «Comunità educativa Il Ponte» non è attiva.",
        ValidationError,
    )

    Facility.objects.filter(pk=community.pk).update(active=True)
    community.refresh_from_db()
    proposal_update_draft(proposal=draft, actor=social_worker, data=_community(seeded))
    fresh = ServiceProposal.objects.get(pk=draft.pk)
    assert (fresh.facility, fresh.provider) == (community, seeded.providers["community"])
    assert proposal_submit(proposal=draft, actor=social_worker).state == ProposalState.SUBMITTED


def test_a_place_taken_after_the_draft_stops_the_sending(demo, seeded, social_worker):
    community = seeded.facilities["Comunità educativa Il Ponte"]
    draft = _draft(demo, "FM-R02", facility=community, placement_form=PlacementForm.CONSENSUAL)
    Facility.objects.filter(pk=community.pk).update(capacity=1)
    _occupy(demo, community)
    assert_refused(
        lambda: proposal_submit(proposal=draft, actor=social_worker),
        _snapshot(draft),
        "La struttura «Comunità educativa Il Ponte» è al completo (posti occupati: 1 su 1).",
    )


def test_a_contribution_needs_its_duration(demo, social_worker):
    draft = _draft(demo, "FM-T02")
    assert_refused(
        lambda: proposal_submit(proposal=draft, actor=social_worker),
        _snapshot(draft),
        "Prima dell'invio completare la proposta: durata prevista.",
    )
    proposal_update_draft(proposal=draft, actor=social_worker, data=_data("FM-T02", duration_months=6))
    assert proposal_submit(proposal=draft, actor=social_worker).state == ProposalState.SUBMITTED


def test_a_generic_service_needs_nothing_more_and_details_of_other_kinds_are_dropped(
    demo, seeded, social_worker
):
    draft = _draft(demo, "FM-A04")
    proposal_update_draft(proposal=draft, actor=social_worker, data=_foster(seeded))
    switched = _foster(seeded)
    proposal_update_draft(
        proposal=draft,
        actor=social_worker,
        data=ProposalData(
            service_type=_service("FM-A08"),
            motivation="Incontri protetti.",
            foster_carer=switched.foster_carer,
            placement_form=switched.placement_form,
            foster_kind=switched.foster_kind,
            foster_time=switched.foster_time,
        ),
    )
    fresh = ServiceProposal.objects.get(pk=draft.pk)
    assert (fresh.foster_carer, fresh.placement_form, fresh.foster_kind, fresh.foster_time) == (
        None,
        "",
        "",
        "",
    )
    assert proposal_submit(proposal=draft, actor=social_worker).state == ProposalState.SUBMITTED


# --- the conflict rule (L. 184/1983 art. 2 c. 1.1 and 2-bis) ------------------------------------------------


def _conti_cousin(actor) -> None:
    """The demo's Marco Conti (a foster carer of Famiglia Conti) is the actor's cousin."""
    marco = Person.objects.get(surname="Conti", given_name="Marco")
    declared_relationship_create(
        actor=actor,
        relation="cugino",
        person=PersonData(surname="Conti", given_name="Marco", birth_date=marco.birth_date),
    )


def test_foster_carers_related_to_the_lead_social_worker_are_refused(demo, seeded, social_worker):
    draft = _draft(demo, "FM-A04")
    _conti_cousin(social_worker)
    assert_refused(
        lambda: proposal_update_draft(proposal=draft, actor=social_worker, data=_foster(seeded)),
        _snapshot(draft),
        "Non si possono scegliere gli affidatari «Famiglia Conti»: Anna Ricci, assistente sociale referente del "
        f"caso, ha dichiarato un rapporto con Conti Marco («cugino»). {LAW}",
        ValidationError,
    )
    # Another foster family is fine.
    proposal_update_draft(
        proposal=draft, actor=social_worker, data=_foster(seeded, carer="Famiglia Esposito")
    )


def test_a_facility_whose_provider_is_tied_to_a_team_member_is_refused(demo, seeded, social_worker):
    draft = _draft(demo, "FM-R02")
    psychologist = demo.users["psicologa"]
    case_member_add(
        case=draft.case, actor=social_worker, user=psychologist, role_label="Psicologa consultorio"
    )
    declared_relationship_create(
        actor=psychologist, relation="socia della cooperativa", organisation=seeded.providers["community"]
    )
    assert_refused(
        lambda: proposal_update_draft(proposal=draft, actor=social_worker, data=_community(seeded)),
        _snapshot(draft),
        "Non si può scegliere la struttura «Comunità educativa Il Ponte»: Chiara Santini, componente dell'équipe "
        "del caso (Psicologa consultorio), ha dichiarato un rapporto con l'ente gestore Cooperativa sociale La "
        f"Tenda («socia della cooperativa»). {LAW}",
        ValidationError,
    )


def test_a_tie_declared_after_the_draft_stops_the_sending(demo, seeded, social_worker):
    draft = _draft(demo, "FM-A04")
    proposal_update_draft(proposal=draft, actor=social_worker, data=_foster(seeded))
    _conti_cousin(social_worker)
    assert_refused(
        lambda: proposal_submit(proposal=draft, actor=social_worker),
        _snapshot(draft),
        "Non si possono scegliere gli affidatari «Famiglia Conti»: Anna Ricci, assistente sociale referente del "
        f"caso, ha dichiarato un rapporto con Conti Marco («cugino»). {LAW}",
    )


def test_the_conflict_concerns_only_the_professionals_of_the_case(demo, seeded):
    """The demo's second social worker declared his brother Giorgio Bartolini: only his cases are barred."""
    bartolini = seeded.foster_carers["Famiglia Bartolini"]
    anna_case = factories.in_care_case(demo, worker="assistente")
    luca_case = factories.in_care_case(demo, worker="assistente2")

    assert placement_conflict(anna_case, foster_carer=bartolini) is None
    assert placement_conflict(anna_case, facility=seeded.facilities["Comunità educativa Il Ponte"]) is None
    assert placement_conflict(luca_case, foster_carer=bartolini) == (
        "Non si possono scegliere gli affidatari «Famiglia Bartolini»: Luca Bartolini, assistente sociale "
        f"referente del caso, ha dichiarato un rapporto con Bartolini Giorgio («fratello»). {LAW}"
    )
    # Once in Anna's case team, his tie bars the family there too.
    case_member_add(case=anna_case, actor=demo.users["assistente"], user=demo.users["assistente2"])
    assert "Luca Bartolini, componente dell'équipe del caso (Assistente sociale)" in (
        placement_conflict(anna_case, foster_carer=bartolini) or ""
    )


# --- the case page, the edit page and the approval letter ---------------------------------------------------


def test_the_proposal_card_shows_details_and_what_is_missing(client, demo, seeded, social_worker):
    foster = _draft(demo, "FM-A04")
    client.force_login(social_worker)
    page = client.get(reverse("cases:detail", kwargs={"pk": foster.case_id})).content.decode()
    assert "invio: affidatari, forma consensuale o giudiziale, affido intra o eterofamiliare" in page

    url = reverse("services:action", kwargs={"pk": foster.pk, "action": "modifica"})
    response = client.post(
        url,
        {
            "service_type": _service("FM-A04").pk,
            "motivation": "Affido eterofamiliare.",
            "duration_months": "12",
            "foster_carer": seeded.foster_carers["Famiglia Conti"].pk,
            "placement_form": PlacementForm.JUDICIAL,
            "foster_kind": FosterKind.EXTRA_FAMILY,
            "foster_time": FosterTime.PART_TIME,
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("cases:detail", kwargs={"pk": foster.case_id})).content.decode()
    assert "Affidatari: Famiglia Conti" in page
    assert "Forma: Giudiziario · Eterofamiliare · Tempo parziale" in page
    assert "data-missing-details" not in page


def test_the_edit_page_lists_facilities_with_their_occupancy(client, demo, seeded, social_worker):
    draft = _draft(demo, "FM-R02")
    client.force_login(social_worker)
    page = client.get(
        reverse("services:action", kwargs={"pk": draft.pk, "action": "modifica"})
    ).content.decode()
    assert (
        "Comunità educativa Il Ponte (Comunità socio-educativa per minori (cfr. SINBA 5-7)) — 0/8 posti occupati"
        in page
    )
    assert "Famiglia Conti" in page and "Famiglia Bartolini" in page


def test_the_approval_letter_names_the_facility_but_not_the_foster_family(demo, seeded):
    community = _draft(
        demo,
        "FM-R02",
        facility=seeded.facilities["Comunità educativa Il Ponte"],
        placement_form=PlacementForm.CONSENSUAL,
    )
    foster = _draft(
        demo,
        "FM-A04",
        foster_carer=seeded.foster_carers["Famiglia Conti"],
        placement_form=PlacementForm.JUDICIAL,
        foster_kind=FosterKind.INTRA_FAMILY,
        foster_time=FosterTime.FULL_TIME,
        duration_months=12,
    )

    def letter(proposal):
        case = proposal.case
        return render_to_string(
            "services/letters/proposal_approved.html",
            {
                "proposal": proposal,
                "case": case,
                "territory": case.territory,
                "child": case.child,
                "entry": None,
            },
        )

    text = letter(community)
    assert "Comunità educativa Il Ponte" in text and "Cooperativa sociale La Tenda" in text
    assert "Consensuale" in text
    text = letter(foster)
    assert "Giudiziario, intrafamiliare, tempo pieno" in text
    assert "Conti" not in text and "individuati dal servizio affidi" in text
