"""The catalogue kept in the product: service types with their reference codes, providers with contracts and
rates, facilities with their occupancy, foster carers and the staff's declared relationships."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tutela.accounts.models import Organisation
from tutela.audit.models import AuditEvent
from tutela.people.models import Person
from tutela.people.services import PersonData
from tutela.services import catalogue
from tutela.services.demo import seed_services
from tutela.services.models import (
    Contract,
    ContractRate,
    DeclaredRelationship,
    Facility,
    InterventionState,
    Placement,
    PlacementForm,
    ServiceType,
)
from tutela.testing import factories
from tutela.testing.asserts import assert_refused
from tutela.workflow import TransitionError

NOT_MANAGER = "Il tuo ruolo non consente di gestire il catalogo e gli enti erogatori."


@pytest.fixture
def seeded(demo):
    return seed_services(demo)


def _audited(action: str, obj) -> bool:
    return AuditEvent.objects.filter(action=action, object_id=str(obj.pk)).exists()


def _rows(model):
    return lambda: list(model.objects.order_by("pk").values())


# --- the catalogue's reference codes ------------------------------------------------------------------------


def test_the_migration_fills_nomenclatore_codes_and_fnps_levels(db):
    home_support = ServiceType.objects.get(code="FM-A11")
    assert home_support.nomenclatore_code == "FM-A11"
    assert home_support.fnps_level == "2 Servizi e misure per favorire la permanenza a domicilio"
    assert home_support.siuss_code == ""  # codes seen without labels: left to the administrative office
    # Fees follow the service they pay for.
    assert ServiceType.objects.get(code="FM-T04").fnps_level.startswith("4 Servizi territoriali a carattere")
    assert not ServiceType.objects.filter(nomenclatore_code="").exists()


def _service_data(service: ServiceType, **changes) -> catalogue.ServiceTypeData:
    values = {name: getattr(service, name) for name in catalogue.ServiceTypeData.__dataclass_fields__}
    values.update(changes)
    return catalogue.ServiceTypeData(**values)


def test_the_admin_officer_sets_the_siuss_code_of_a_service(demo, admin_officer):
    service = ServiceType.objects.get(code="FM-A04")

    catalogue.service_type_save(
        actor=admin_officer, service_type=service, data=_service_data(service, siuss_code=" A1.04 ")
    )

    assert ServiceType.objects.get(pk=service.pk).siuss_code == "A1.04"
    event = AuditEvent.objects.get(action="services.service_type.updated", object_id=str(service.pk))
    assert event.data == {"fields": ["siuss_code"]}


def test_service_type_edits_are_validated(demo, admin_officer, social_worker):
    service = ServiceType.objects.get(code="FM-A04")
    snapshot = _rows(ServiceType)
    assert_refused(
        lambda: catalogue.service_type_save(
            actor=admin_officer, service_type=service, data=_service_data(service, siuss_code="A1")
        ),
        snapshot,
        "Il codice prestazione SIUSS ha da 5 a 10 caratteri, lettere maiuscole, cifre e punti (es. A1.04).",
        ValidationError,
    )
    assert_refused(
        lambda: catalogue.service_type_save(
            actor=admin_officer, service_type=service, data=_service_data(service, code="FM-A11")
        ),
        snapshot,
        "Il codice FM-A11 è già usato da un altro servizio.",
        ValidationError,
    )
    assert_refused(
        lambda: catalogue.service_type_save(
            actor=social_worker, service_type=service, data=_service_data(service)
        ),
        snapshot,
        NOT_MANAGER,
    )


def test_the_unit_of_a_service_in_use_cannot_change(demo, admin_officer):
    intervention = factories.authorised_intervention(demo)
    service = intervention.service_type
    assert_refused(
        lambda: catalogue.service_type_save(
            actor=admin_officer, service_type=service, data=_service_data(service, unit=ServiceType.Unit.DAYS)
        ),
        _rows(ServiceType),
        "L'unità di misura non si può cambiare: 1 intervento la usa per il calcolo dei costi.",
        ValidationError,
    )


def test_a_new_service_type_is_created_and_audited(demo, managing_body):
    service = catalogue.service_type_save(
        actor=managing_body,
        data=catalogue.ServiceTypeData(
            code="LOC-01", name="Tutoraggio educativo di gruppo", unit="hours", delivery="educational"
        ),
    )
    assert (service.code, service.unit, service.delivery, service.active) == (
        "LOC-01",
        "hours",
        "educational",
        True,
    )
    assert _audited("services.service_type.created", service)


# --- providers, contracts, rates ----------------------------------------------------------------------------


def test_a_provider_is_created_in_the_territory(demo, admin_officer):
    provider = catalogue.provider_save(
        actor=admin_officer,
        territory=demo.territory,
        data=catalogue.ProviderData(name="Cooperativa Arcobaleno", email="info@arcobaleno.example.invalid"),
    )
    assert (provider.kind, provider.territory) == (Organisation.Kind.PROVIDER, demo.territory)
    assert _audited("services.provider.created", provider)
    assert_refused(
        lambda: catalogue.provider_save(
            actor=admin_officer,
            territory=demo.territory,
            data=catalogue.ProviderData(name="cooperativa arcobaleno"),
        ),
        _rows(Organisation),
        "Un ente erogatore con questa denominazione è già registrato.",
        ValidationError,
    )


def _contract(demo, admin_officer, starts=dt.date(2026, 1, 1), ends=dt.date(2026, 12, 31)) -> Contract:
    return catalogue.contract_save(
        actor=admin_officer,
        provider=demo.organisations["provider"],
        data=catalogue.ContractData(reference="Convenzione 2026", starts_on=starts, ends_on=ends),
    )


def _rate(contract, actor, code="FM-A11", cost="24.50", start=(2026, 1, 1), end=(2026, 6, 30), rate=None):
    return catalogue.contract_rate_save(
        actor=actor,
        contract=contract,
        rate=rate,
        data=catalogue.RateData(
            service_type=ServiceType.objects.get(code=code),
            unit_cost=Decimal(cost),
            valid_from=dt.date(*start),
            valid_to=dt.date(*end),
        ),
    )


def test_contract_periods_are_checked(demo, admin_officer):
    assert_refused(
        lambda: _contract(demo, admin_officer, starts=dt.date(2026, 6, 1), ends=dt.date(2026, 5, 31)),
        _rows(Contract),
        "La fine del contratto non può precedere l'inizio.",
        ValidationError,
    )
    contract = _contract(demo, admin_officer)
    assert _audited("services.contract.created", contract)
    _rate(contract, admin_officer, start=(2026, 9, 1), end=(2026, 12, 31))
    assert_refused(
        lambda: catalogue.contract_save(
            actor=admin_officer,
            provider=contract.provider,
            contract=contract,
            data=catalogue.ContractData(
                reference="Convenzione 2026", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 10, 31)
            ),
        ),
        _rows(Contract),
        "La tariffa di Sostegno socio-educativo territoriale o domiciliare (educativa domiciliare - ADE/ADM) "
        "dal 01/09/2026 al 31/12/2026 resterebbe fuori dal periodo del contratto: modificarla prima.",
        ValidationError,
    )


def test_rates_of_the_same_service_never_overlap_in_a_contract(demo, admin_officer):
    contract = _contract(demo, admin_officer)
    first = _rate(contract, admin_officer)
    assert _audited("services.contract_rate.created", first)
    snapshot = _rows(ContractRate)
    assert_refused(
        lambda: _rate(contract, admin_officer, cost="26.00", start=(2026, 6, 30), end=(2026, 12, 31)),
        snapshot,
        "Il periodo si sovrappone alla tariffa di Sostegno socio-educativo territoriale o domiciliare (educativa "
        "domiciliare - ADE/ADM) già in vigore dal 01/01/2026 al 30/06/2026 (€ 24,50): un servizio ha una sola "
        "tariffa per giorno nello stesso contratto.",
        ValidationError,
    )
    # The day after, another service on the same days, and the rate's own edit are fine.
    _rate(contract, admin_officer, cost="26.00", start=(2026, 7, 1), end=(2026, 12, 31))
    _rate(contract, admin_officer, code="FM-A08", cost="28.00")
    edited = _rate(contract, admin_officer, cost="25.00", rate=first)
    assert ContractRate.objects.get(pk=first.pk).unit_cost == Decimal("25.00") == edited.unit_cost
    assert ContractRate.objects.filter(contract=contract).count() == 3


def test_rates_are_not_negative_and_stay_inside_the_contract(demo, admin_officer, social_worker):
    contract = _contract(demo, admin_officer)
    snapshot = _rows(ContractRate)
    assert_refused(
        lambda: _rate(contract, admin_officer, cost="-1"),
        snapshot,
        "Il costo unitario non può essere negativo.",
        ValidationError,
    )
    assert_refused(
        lambda: _rate(contract, admin_officer, start=(2025, 12, 1)),
        snapshot,
        "La tariffa deve cadere nel periodo del contratto (dal 01/01/2026 al 31/12/2026).",
        ValidationError,
    )
    assert_refused(
        lambda: _rate(contract, admin_officer, start=(2026, 7, 1), end=(2026, 6, 1)),
        snapshot,
        "La fine della validità non può precedere l'inizio.",
        ValidationError,
    )
    assert_refused(lambda: _rate(contract, social_worker), snapshot, NOT_MANAGER)


def test_rates_are_kept_on_the_provider_page(client, demo, admin_officer):
    contract = _contract(demo, admin_officer)
    client.force_login(admin_officer)
    url = reverse("catalogue:rate_new", kwargs={"contract": contract.pk})
    service = ServiceType.objects.get(code="FM-A11")
    data = {
        "service_type": service.pk,
        "unit_cost": "24.50",
        "valid_from": "2026-01-01",
        "valid_to": "2026-12-31",
    }

    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "valid_from": "2026-03-01"})

    assert response.status_code == 200
    assert "Il periodo si sovrappone alla tariffa" in response.content.decode()
    assert ContractRate.objects.filter(contract=contract).count() == 1
    page = client.get(reverse("catalogue:provider", kwargs={"pk": contract.provider_id})).content.decode()
    assert "Convenzione 2026" in page and "€ 24,50" in page


# --- facilities and their occupancy -------------------------------------------------------------------------


def _occupy(demo, facility: Facility) -> None:
    """An active placement in the facility (the activation is the delivery services' business)."""
    intervention = factories.authorised_intervention(demo, delivery="residential")
    intervention.proposal.facility = facility
    intervention.proposal.save(update_fields=["facility"])
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


def _facility_data(demo, seeded, **changes) -> catalogue.FacilityData:
    values = {
        "provider": seeded.providers["community"],
        "name": "Casa famiglia Il Faro",
        "service_type": ServiceType.objects.get(code="FM-R01"),
        "capacity": 6,
        "municipality": demo.municipalities["Vaiano"],
    }
    values.update(changes)
    return catalogue.FacilityData(**values)


def test_a_facility_is_created_and_its_capacity_never_drops_below_occupancy(demo, seeded, admin_officer):
    facility = catalogue.facility_save(actor=admin_officer, data=_facility_data(demo, seeded))
    assert _audited("services.facility.created", facility)
    _occupy(demo, facility)
    _occupy(demo, facility)
    assert catalogue.facility_occupied(facility) == 2
    assert_refused(
        lambda: catalogue.facility_save(
            actor=admin_officer, facility=facility, data=_facility_data(demo, seeded, capacity=1)
        ),
        _rows(Facility),
        "Non si possono ridurre i posti a 1: la struttura ne ha 2 occupati.",
        ValidationError,
    )
    catalogue.facility_save(
        actor=admin_officer, facility=facility, data=_facility_data(demo, seeded, capacity=2)
    )
    assert Facility.objects.get(pk=facility.pk).capacity == 2


def test_a_facility_is_residential_or_semi_residential(demo, seeded, admin_officer):
    assert_refused(
        lambda: catalogue.facility_save(
            actor=admin_officer,
            data=_facility_data(demo, seeded, service_type=ServiceType.objects.get(code="FM-A11")),
        ),
        _rows(Facility),
        "La tipologia deve essere un servizio residenziale o semiresidenziale.",
        ValidationError,
    )


def test_the_facility_list_shows_occupancy(client, demo, seeded, admin_officer):
    community = seeded.facilities["Comunità educativa Il Ponte"]
    Facility.objects.filter(pk=community.pk).update(capacity=1)
    _occupy(demo, community)
    client.force_login(admin_officer)

    page = client.get(reverse("catalogue:facilities")).content.decode()

    assert 'data-occupancy="1/1"' in page and "al completo" in page
    assert 'data-occupancy="0/12"' in page  # the day centre


# --- foster carers ------------------------------------------------------------------------------------------


def test_foster_carers_and_their_members(client, demo, admin_officer):
    carer = catalogue.foster_carer_save(
        actor=admin_officer,
        territory=demo.territory,
        data=catalogue.FosterCarerData(name="Famiglia Neri", municipality=demo.municipalities["Prato"]),
    )
    member = PersonData(surname="Neri", given_name="Paolo", birth_date=dt.date(1978, 5, 2))
    person = catalogue.foster_carer_person_add(actor=admin_officer, foster_carer=carer, data=member)
    assert list(carer.persons.all()) == [person]
    assert _audited("services.foster_carer.created", carer)
    assert AuditEvent.objects.filter(
        action="services.foster_carer.person_added", data__person=person.pk
    ).exists()
    assert_refused(
        lambda: catalogue.foster_carer_person_add(actor=admin_officer, foster_carer=carer, data=member),
        lambda: list(carer.persons.values_list("pk", flat=True)),
        "Neri Paolo è già tra gli affidatari.",
        ValidationError,
    )

    client.force_login(admin_officer)
    before = AuditEvent.objects.filter(action="services.foster_carer.viewed").count()
    page = client.get(reverse("catalogue:foster_carer", kwargs={"pk": carer.pk})).content.decode()
    assert "Neri Paolo" in page
    assert AuditEvent.objects.filter(action="services.foster_carer.viewed").count() == before + 1

    url = reverse("catalogue:foster_carer_person_remove", kwargs={"pk": carer.pk, "person": person.pk})
    assert client.post(url).status_code == 302
    assert not carer.persons.exists()
    assert Person.objects.filter(pk=person.pk).exists()  # the person stays; only the membership goes


# --- declared relationships ---------------------------------------------------------------------------------


def test_a_social_worker_declares_ties_with_a_person_and_a_provider(demo, social_worker):
    tie = catalogue.declared_relationship_create(
        actor=social_worker,
        relation="cugino",
        person=PersonData(surname="Conti", given_name="Marco", birth_date=dt.date(1980, 1, 1)),
    )
    role = catalogue.declared_relationship_create(
        actor=social_worker, relation="socia lavoratrice", organisation=demo.organisations["provider"]
    )
    assert (tie.user, tie.person.full_name, role.organisation) == (
        social_worker,
        "Conti Marco",
        demo.organisations["provider"],
    )
    assert _audited("services.declared_relationship.created", tie)
    snapshot = _rows(DeclaredRelationship)
    assert_refused(
        lambda: catalogue.declared_relationship_create(
            actor=social_worker, relation="socia", organisation=demo.organisations["provider"]
        ),
        snapshot,
        "Hai già dichiarato un rapporto con Cooperativa sociale Il Girasole.",
        ValidationError,
    )
    assert_refused(
        lambda: catalogue.declared_relationship_create(
            actor=social_worker, relation="socia", organisation=demo.organisations["school"]
        ),
        snapshot,
        "Si dichiarano i rapporti con gli enti erogatori.",
        ValidationError,
    )
    assert_refused(
        lambda: catalogue.declared_relationship_create(actor=social_worker, relation=" "),
        snapshot,
        "Descrivere il rapporto (es. «cugina», «socio della cooperativa»). "
        "Indicare una persona oppure un ente erogatore, non entrambi.",
        ValidationError,
    )


def test_only_professionals_declare(demo, protocol_officer):
    assert_refused(
        lambda: catalogue.declared_relationship_create(
            actor=protocol_officer, relation="socio", organisation=demo.organisations["provider"]
        ),
        _rows(DeclaredRelationship),
        "Il tuo ruolo non prevede la dichiarazione di rapporti.",
        TransitionError,
    )


def test_the_declaration_pages(client, demo, seeded, social_worker, admin_officer):
    client.force_login(social_worker)
    url = reverse("catalogue:my_declarations")
    response = client.post(
        url,
        {
            "target": "organisation",
            "relation": "componente del CdA",
            "organisation": seeded.providers["community"].pk,
        },
    )
    assert response.status_code == 302
    assert "Cooperativa sociale La Tenda: componente del CdA" in client.get(url).content.decode()
    response = client.post(url, {"target": "person", "relation": "zia", "surname": "Esposito"})
    assert response.status_code == 200
    assert "Il nome è obbligatorio." in response.content.decode()

    # The administrative office sees everybody's declarations (the demo's one included); a social worker 404.
    assert client.get(reverse("catalogue:declarations")).status_code == 404
    client.force_login(admin_officer)
    page = client.get(reverse("catalogue:declarations")).content.decode()
    assert "Anna Ricci" in page and "componente del CdA" in page
    assert "Luca Bartolini" in page and "fratello" in page
    assert AuditEvent.objects.filter(
        action="services.declared_relationship.viewed", actor=admin_officer
    ).exists()


def test_catalogue_pages_work_for_the_admin_office_only(client, demo, seeded, admin_officer, social_worker):
    pages = [
        reverse("catalogue:home"),
        reverse("catalogue:service_types"),
        reverse("catalogue:providers"),
        reverse("catalogue:facilities"),
        reverse("catalogue:foster_carers"),
        reverse("catalogue:provider", kwargs={"pk": seeded.providers["community"].pk}),
    ]
    client.force_login(social_worker)
    assert [client.get(url).status_code for url in pages] == [404] * len(pages)
    client.force_login(admin_officer)
    assert [client.get(url).status_code for url in pages] == [200] * len(pages)
    home = client.get(pages[0]).content.decode()
    assert "3 famiglie affidatarie" in home
    edit = client.get(
        reverse("catalogue:service_type_edit", kwargs={"pk": ServiceType.objects.get(code="FM-A11").pk})
    )
    assert '<option value="A1.05.01">' in edit.content.decode()


def test_the_service_type_page_saves_through_the_service(client, demo, admin_officer):
    service = ServiceType.objects.get(code="FM-A08")
    client.force_login(admin_officer)
    data = {name: getattr(service, name) for name in catalogue.ServiceTypeData.__dataclass_fields__}
    data.update(siuss_code="A1.10", proposable="on", active="on", implies_take_in_charge="on")
    response = client.post(reverse("catalogue:service_type_edit", kwargs={"pk": service.pk}), data)
    assert response.status_code == 302
    assert ServiceType.objects.get(pk=service.pk).siuss_code == "A1.10"
