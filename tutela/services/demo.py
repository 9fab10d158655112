"""Demo reference data of service delivery: the contracts and rates of the demo cooperative and of a community
operator, two facilities, three foster families and one declared relationship. Idempotent, like the territory.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from tutela.accounts.models import Organisation
from tutela.core.demo.territory import DemoTerritory
from tutela.people.models import Person
from tutela.people.search import search_key
from tutela.reference.models import Code
from tutela.services.models import (
    Contract,
    ContractRate,
    DeclaredRelationship,
    Facility,
    FosterCarer,
    FosterKind,
    FosterTime,
    PlacementForm,
    ServiceType,
)

COMMUNITY = "Cooperativa sociale La Tenda"
# provider key, contract reference, [(service code, unit cost)]
CONTRACTS = [
    (
        "provider",
        "Convenzione servizi educativi domiciliari e centro diurno",
        [("FM-A11", "24.50"), ("FM-A10", "23.80"), ("FM-A08", "28.00"), ("FM-S01", "55.00")],
    ),
    ("community", "Accordo quadro inserimenti in comunità", [("FM-R02", "125.00"), ("FM-R03", "140.00")]),
]
# name, provider key, service code, SINBA character (CarattereInserimentoResidenzialeType), capacity
FACILITIES = [
    ("Comunità educativa Il Ponte", "community", "FM-R02", "7", 8),
    ("Centro diurno L'Aquilone", "provider", "FM-S01", None, 12),
]
# name, Comune, [(surname, given name, years of age)]
FOSTER_CARERS = [
    ("Famiglia Conti", "Prato", [("Conti", "Marco", 45), ("Bianchi", "Laura", 43)]),
    ("Famiglia Bartolini", "Vaiano", [("Bartolini", "Giorgio", 51), ("Rossi", "Elisa", 49)]),
    ("Famiglia Esposito", "Montemurlo", [("Esposito", "Rosa", 58)]),
]


@dataclass
class DemoServices:
    providers: dict[str, Organisation] = field(default_factory=dict)
    contracts: dict[str, Contract] = field(default_factory=dict)
    facilities: dict[str, Facility] = field(default_factory=dict)
    foster_carers: dict[str, FosterCarer] = field(default_factory=dict)


@transaction.atomic
def seed_services(demo: DemoTerritory) -> DemoServices:
    """Create (or fetch) the demo's contracts, rates, facilities and foster families."""
    today = timezone.localdate()
    services = {s.code: s for s in ServiceType.objects.all()}
    seeded = DemoServices(providers={"provider": demo.organisations["provider"]})
    seeded.providers["community"], _created = Organisation.objects.get_or_create(
        name=COMMUNITY,
        defaults={
            "kind": Organisation.Kind.PROVIDER,
            "municipality": demo.municipalities["Prato"],
            "territory": demo.territory,
            "email": "comunita@latenda.example.invalid",
            "address": "Via del Ponte 12, 59100 Prato",
        },
    )
    starts, ends = dt.date(today.year - 1, 1, 1), dt.date(today.year + 1, 12, 31)
    for key, reference, rates in CONTRACTS:
        contract, _created = Contract.objects.get_or_create(
            provider=seeded.providers[key],
            reference=reference,
            defaults={"territory": demo.territory, "starts_on": starts, "ends_on": ends},
        )
        seeded.contracts[key] = contract
        for code, cost in rates:
            ContractRate.objects.get_or_create(
                contract=contract,
                service_type=services[code],
                defaults={
                    "unit_cost": Decimal(cost),
                    "valid_from": contract.starts_on,
                    "valid_to": contract.ends_on,
                },
            )
    for name, key, code, character, capacity in FACILITIES:
        seeded.facilities[name], _created = Facility.objects.get_or_create(
            name=name,
            defaults={
                "provider": seeded.providers[key],
                "service_type": services[code],
                "character": Code.objects.filter(
                    code_list="CarattereInserimentoResidenzialeType", code=character
                ).first()
                if character
                else None,
                "capacity": capacity,
                "municipality": demo.municipalities["Prato"],
                "address": "Prato",
            },
        )
    for name, comune, persons in FOSTER_CARERS:
        carer, _created = FosterCarer.objects.get_or_create(
            territory=demo.territory, name=name, defaults={"municipality": demo.municipalities[comune]}
        )
        for surname, given, age in persons:
            person, _created = Person.objects.get_or_create(
                surname=surname,
                given_name=given,
                birth_date=dt.date(today.year - age, 3, 15),
                defaults={
                    "residence_municipality": demo.municipalities[comune],
                    "surname_key": search_key(surname),
                    "given_name_key": search_key(given),
                },
            )
            carer.persons.add(person)
        seeded.foster_carers[name] = carer
    # A social worker's brother fosters children: never for the cases that social worker works on.
    giorgio = seeded.foster_carers["Famiglia Bartolini"].persons.get(given_name="Giorgio")
    DeclaredRelationship.objects.get_or_create(
        user=demo.users["assistente2"], person=giorgio, defaults={"relation": "fratello"}
    )
    return seeded


def demo_proposal_details(seeded: DemoServices, service_type: ServiceType) -> dict[str, Any]:
    """What a demo proposal of the service says about who or where delivers it (services.ProposalData)."""
    delivery = service_type.delivery
    if delivery == ServiceType.Delivery.FOSTER:
        return {
            "foster_carer": seeded.foster_carers["Famiglia Conti"],
            "placement_form": PlacementForm.JUDICIAL,
            "foster_kind": FosterKind.EXTRA_FAMILY,
            "foster_time": FosterTime.FULL_TIME,
        }
    if delivery == ServiceType.Delivery.RESIDENTIAL:
        return {
            "facility": seeded.facilities["Comunità educativa Il Ponte"],
            "placement_form": PlacementForm.CONSENSUAL,
        }
    if delivery == ServiceType.Delivery.SEMI_RESIDENTIAL:
        return {
            "facility": seeded.facilities["Centro diurno L'Aquilone"],
            "placement_form": PlacementForm.CONSENSUAL,
        }
    if delivery in (ServiceType.Delivery.EDUCATIONAL, ServiceType.Delivery.GENERIC):
        return {"provider": seeded.providers["provider"]}
    return {}
