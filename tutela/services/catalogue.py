"""The service catalogue, the providers with their contracts and rates, facilities, foster carers and the staff's
declared relationships: writes (each audited) and the reads of the catalogue pages.

Providers are organisations of kind "provider": accounts owns the table and has no service for them, so their
upkeep by the administrative office lives here, limited to that kind.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tutela.accounts.access import has_capability, territories_with
from tutela.accounts.models import Municipality, Organisation, Territory, User
from tutela.accounts.roles import Cap
from tutela.audit.services import audit_record
from tutela.people.models import Person
from tutela.people.services import PersonData, person_resolve
from tutela.reference.models import Code
from tutela.services.models import (
    Contract,
    ContractRate,
    DeclaredRelationship,
    Facility,
    FosterCarer,
    InterventionState,
    Placement,
    ServiceType,
)
from tutela.workflow import TransitionError

CHARACTER_LIST = "CarattereInserimentoResidenzialeType"
PLACE_DELIVERIES = (ServiceType.Delivery.RESIDENTIAL, ServiceType.Delivery.SEMI_RESIDENTIAL)
# PS_PSA_SINA201806.xsd, CodicePrestazione: 5 to 10 characters (codes seen: A1.04, A1.05.01, Z9.99).
SIUSS_CODE = re.compile(r"^[A-Z0-9][A-Z0-9.]{4,9}$")
# A place is taken from the activation (the placement opens) until the placement or the intervention ends.
OPEN_INTERVENTION = (InterventionState.ACTIVE, InterventionState.SUSPENDED)


def _require(actor: Any, territory_id: int | None = None) -> None:
    if not has_capability(actor, Cap.CATALOGUE_MANAGE, territory_id):
        raise TransitionError(_("Il tuo ruolo non consente di gestire il catalogo e gli enti erogatori."))


def euro(value: Decimal) -> str:
    """An amount as the Italian pages and messages write it (1234,50)."""
    return number_format(value, decimal_pos=2)


def _others(rows: QuerySet[Any], current: Any) -> QuerySet[Any]:
    """The rows, less the one being edited."""
    return rows if current is None else rows.exclude(pk=current.pk)


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _changed(obj: Any, values: dict[str, Any]) -> list[str]:
    """Set the values on the object; the names of those that changed."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    return changed


def _save(obj: Any, values: dict[str, Any], *, actor: Any, entity: str) -> Any:
    """Create or update the row with the values and audit the act (`services.<entity>.created/updated`)."""
    if obj.pk is None:
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save()
        audit_record(actor=actor, action=f"services.{entity}.created", obj=obj)
        return obj
    changed = _changed(obj, values)
    if changed:
        obj.save(update_fields=changed)
        audit_record(actor=actor, action=f"services.{entity}.updated", obj=obj, data={"fields": changed})
    return obj


# --- the catalogue ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceTypeData:
    code: str
    name: str
    unit: str
    delivery: str
    macro_area: str = ""
    siuss_code: str = ""
    nomenclatore_code: str = ""
    fnps_level: str = ""
    implies_take_in_charge: bool = True
    proposable: bool = True
    active: bool = True


def _service_type_validate(data: ServiceTypeData, current: ServiceType | None) -> None:
    errors: dict[str, str] = {}
    code = data.code.strip()
    if not code:
        errors["code"] = _("Indicare il codice locale.")
    elif _others(ServiceType.objects.filter(code=code), current).exists():
        errors["code"] = _("Il codice %(code)s è già usato da un altro servizio.") % {"code": code}
    if not data.name.strip():
        errors["name"] = _("Indicare la denominazione del servizio.")
    if data.siuss_code and not SIUSS_CODE.match(data.siuss_code.strip()):
        errors["siuss_code"] = _(
            "Il codice prestazione SIUSS ha da 5 a 10 caratteri, lettere maiuscole, cifre e punti (es. A1.04)."
        )
    if data.unit not in ServiceType.Unit.values:
        errors["unit"] = _("Unità di misura non valida.")
    if data.delivery not in ServiceType.Delivery.values:
        errors["delivery"] = _("Modalità di erogazione non valida.")
    if current is not None and data.unit != current.unit:
        used = current.interventions.count()
        if used:
            errors["unit"] = ngettext(
                "L'unità di misura non si può cambiare: %(n)d intervento la usa per il calcolo dei costi.",
                "L'unità di misura non si può cambiare: %(n)d interventi la usano per il calcolo dei costi.",
                used,
            ) % {"n": used}
    _raise(errors)


def service_type_save(
    *, actor: Any, data: ServiceTypeData, service_type: ServiceType | None = None
) -> ServiceType:
    """Create or edit a catalogue entry (SIUSS prestazione code, regional nomenclatore code, FNPS level)."""
    _require(actor)
    with transaction.atomic():
        current = ServiceType.objects.select_for_update().get(pk=service_type.pk) if service_type else None
        _service_type_validate(data, current)
        values = {
            "code": data.code.strip(),
            "name": data.name.strip(),
            "macro_area": data.macro_area.strip(),
            "siuss_code": data.siuss_code.strip(),
            "nomenclatore_code": data.nomenclatore_code.strip(),
            "fnps_level": data.fnps_level.strip(),
            "unit": data.unit,
            "delivery": data.delivery,
            "implies_take_in_charge": data.implies_take_in_charge,
            "proposable": data.proposable,
            "active": data.active,
        }
        return _save(current or ServiceType(), values, actor=actor, entity="service_type")


# --- providers, contracts and rates -------------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderData:
    name: str
    email: str = ""
    address: str = ""
    municipality: Municipality | None = None
    active: bool = True


def provider_save(
    *, actor: Any, territory: Territory, data: ProviderData, provider: Organisation | None = None
) -> Organisation:
    """Create or edit a provider (cooperative, community operator) of the territory."""
    _require(actor, territory.pk)
    with transaction.atomic():
        current = None
        if provider is not None:
            current = Organisation.objects.select_for_update().get(pk=provider.pk)
            if current.kind != Organisation.Kind.PROVIDER or current.territory_id != territory.pk:
                raise TransitionError(_("Questo ente non è un ente erogatore del territorio."))
        name = data.name.strip()
        errors: dict[str, str] = {}
        if not name:
            errors["name"] = _("Indicare la denominazione dell'ente.")
        elif _others(
            Organisation.objects.filter(
                territory=territory, kind=Organisation.Kind.PROVIDER, name__iexact=name
            ),
            current,
        ).exists():
            errors["name"] = _("Un ente erogatore con questa denominazione è già registrato.")
        _raise(errors)
        values = {
            "name": name,
            "kind": Organisation.Kind.PROVIDER,
            "territory": territory,
            "email": data.email.strip(),
            "address": data.address.strip(),
            "municipality": data.municipality,
            "active": data.active,
        }
        return _save(current or Organisation(), values, actor=actor, entity="provider")


@dataclass(frozen=True)
class ContractData:
    reference: str
    starts_on: dt.date
    ends_on: dt.date
    note: str = ""


def contract_save(
    *, actor: Any, provider: Organisation, data: ContractData, contract: Contract | None = None
) -> Contract:
    """Create or edit a provider's contract; its period must keep every rate of it inside."""
    if provider.kind != Organisation.Kind.PROVIDER or provider.territory_id is None:
        raise TransitionError(_("Un contratto si stipula solo con un ente erogatore del territorio."))
    _require(actor, provider.territory_id)
    errors: dict[str, str] = {}
    if not data.reference.strip():
        errors["reference"] = _("Indicare gli estremi del contratto o della convenzione.")
    if data.ends_on < data.starts_on:
        errors["ends_on"] = _("La fine del contratto non può precedere l'inizio.")
    _raise(errors)
    with transaction.atomic():
        current = Contract.objects.select_for_update().get(pk=contract.pk) if contract else None
        if current is not None:
            outside = current.rates.filter(Q(valid_from__lt=data.starts_on) | Q(valid_to__gt=data.ends_on))
            first = outside.select_related("service_type").first()
            if first is not None:
                raise ValidationError(
                    {
                        "starts_on": _(
                            "La tariffa di %(service)s dal %(from)s al %(to)s resterebbe fuori dal periodo del "
                            "contratto: modificarla prima."
                        )
                        % {
                            "service": first.service_type.name,
                            "from": f"{first.valid_from:%d/%m/%Y}",
                            "to": f"{first.valid_to:%d/%m/%Y}",
                        }
                    }
                )
        values = {
            "provider": provider,
            "territory_id": provider.territory_id,
            "reference": data.reference.strip(),
            "starts_on": data.starts_on,
            "ends_on": data.ends_on,
            "note": data.note.strip(),
        }
        return _save(current or Contract(), values, actor=actor, entity="contract")


@dataclass(frozen=True)
class RateData:
    service_type: ServiceType
    unit_cost: Decimal
    valid_from: dt.date
    valid_to: dt.date


def _rate_validate(contract: Contract, data: RateData, current: ContractRate | None) -> None:
    errors: dict[str, str] = {}
    if data.unit_cost < 0:
        errors["unit_cost"] = _("Il costo unitario non può essere negativo.")
    if data.valid_to < data.valid_from:
        errors["valid_to"] = _("La fine della validità non può precedere l'inizio.")
    elif data.valid_from < contract.starts_on or data.valid_to > contract.ends_on:
        errors["valid_from"] = _(
            "La tariffa deve cadere nel periodo del contratto (dal %(from)s al %(to)s)."
        ) % {"from": f"{contract.starts_on:%d/%m/%Y}", "to": f"{contract.ends_on:%d/%m/%Y}"}
    if errors:
        raise ValidationError(errors)
    same_service = contract.rates.filter(
        service_type=data.service_type, valid_from__lte=data.valid_to, valid_to__gte=data.valid_from
    )
    overlapping = _others(same_service, current).first()
    if overlapping is not None:
        raise ValidationError(
            {
                "valid_from": _(
                    "Il periodo si sovrappone alla tariffa di %(service)s già in vigore dal %(from)s al %(to)s "
                    "(€ %(cost)s): un servizio ha una sola tariffa per giorno nello stesso contratto."
                )
                % {
                    "service": data.service_type.name,
                    "from": f"{overlapping.valid_from:%d/%m/%Y}",
                    "to": f"{overlapping.valid_to:%d/%m/%Y}",
                    "cost": euro(overlapping.unit_cost),
                }
            }
        )


def contract_rate_save(
    *, actor: Any, contract: Contract, data: RateData, rate: ContractRate | None = None
) -> ContractRate:
    """Create or edit the unit cost of a service under a contract: non-negative, inside the contract's period,
    never overlapping another rate of the same service in the same contract."""
    _require(actor, contract.territory_id)
    with transaction.atomic():
        # The contract row serialises its rates: two overlapping rates cannot both pass the check.
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        current = ContractRate.objects.get(pk=rate.pk, contract=locked) if rate else None
        _rate_validate(locked, data, current)
        values = {
            "contract": locked,
            "service_type": data.service_type,
            "unit_cost": data.unit_cost,
            "valid_from": data.valid_from,
            "valid_to": data.valid_to,
        }
        return _save(current or ContractRate(), values, actor=actor, entity="contract_rate")


def rate_in_force(
    provider_id: int, service_type_id: int, day: dt.date, territory_id: int
) -> ContractRate | None:
    """The provider's rate for the service on that day, under a contract of the territory, if one gives it."""
    return (
        ContractRate.objects.filter(
            contract__provider_id=provider_id,
            contract__territory_id=territory_id,
            service_type_id=service_type_id,
            valid_from__lte=day,
            valid_to__gte=day,
        )
        .select_related("contract")
        .order_by("-valid_from")
        .first()
    )


# --- facilities ---------------------------------------------------------------------------------------------


def with_occupancy(facilities: QuerySet[Facility]) -> QuerySet[Facility]:
    """Each facility with `occupied`: its placements not ended, of interventions not ended (one query)."""
    return facilities.annotate(
        occupied=Count(
            "placements",
            filter=Q(
                placements__ended_on__isnull=True, placements__intervention__state__in=OPEN_INTERVENTION
            ),
        )
    )


def facility_occupied(facility: Facility) -> int:
    """The facility's places taken now (the same count as `with_occupancy`)."""
    return Placement.objects.filter(
        facility=facility, ended_on__isnull=True, intervention__state__in=OPEN_INTERVENTION
    ).count()


@dataclass(frozen=True)
class FacilityData:
    provider: Organisation
    name: str
    service_type: ServiceType
    capacity: int
    municipality: Municipality
    character: Code | None = None
    address: str = ""
    active: bool = True


def _facility_validate(data: FacilityData, current: Facility | None) -> None:
    errors: dict[str, str] = {}
    if data.provider.kind != Organisation.Kind.PROVIDER:
        errors["provider"] = _("La struttura deve essere gestita da un ente erogatore.")
    if not data.name.strip():
        errors["name"] = _("Indicare la denominazione della struttura.")
    if data.service_type.delivery not in PLACE_DELIVERIES:
        errors["service_type"] = _("La tipologia deve essere un servizio residenziale o semiresidenziale.")
    if data.character is not None and data.character.code_list != CHARACTER_LIST:
        errors["character"] = _("Il carattere dell'inserimento deve essere un codice SINBA.")
    if data.capacity < 1:
        errors["capacity"] = _("I posti autorizzati devono essere almeno 1.")
    elif current is not None:
        occupied = facility_occupied(current)
        if data.capacity < occupied:
            errors["capacity"] = _(
                "Non si possono ridurre i posti a %(capacity)d: la struttura ne ha %(occupied)d occupati."
            ) % {"capacity": data.capacity, "occupied": occupied}
    _raise(errors)


def facility_save(*, actor: Any, data: FacilityData, facility: Facility | None = None) -> Facility:
    """Create or edit a residential or semi-residential facility, its SINBA character and its capacity."""
    _require(actor, data.provider.territory_id)
    with transaction.atomic():
        current = Facility.objects.select_for_update().get(pk=facility.pk) if facility else None
        _facility_validate(data, current)
        values = {
            "provider": data.provider,
            "name": data.name.strip(),
            "service_type": data.service_type,
            "character": data.character,
            "capacity": data.capacity,
            "municipality": data.municipality,
            "address": data.address.strip(),
            "active": data.active,
        }
        return _save(current or Facility(), values, actor=actor, entity="facility")


# --- foster carers ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FosterCarerData:
    name: str
    municipality: Municipality
    address: str = ""
    available: bool = True
    note: str = ""


def foster_carer_save(
    *, actor: Any, territory: Territory, data: FosterCarerData, foster_carer: FosterCarer | None = None
) -> FosterCarer:
    """Create or edit a foster family of the territory's foster-care service."""
    _require(actor, territory.pk)
    if not data.name.strip():
        raise ValidationError({"name": _("Indicare la denominazione (es. Famiglia Rossi).")})
    with transaction.atomic():
        current = None
        if foster_carer is not None:
            current = FosterCarer.objects.select_for_update().get(pk=foster_carer.pk, territory=territory)
        values = {
            "territory": territory,
            "name": data.name.strip(),
            "municipality": data.municipality,
            "address": data.address.strip(),
            "available": data.available,
            "note": data.note.strip(),
        }
        return _save(current or FosterCarer(), values, actor=actor, entity="foster_carer")


def foster_carer_person_add(*, actor: Any, foster_carer: FosterCarer, data: PersonData) -> Person:
    """Add a member of the foster family (search before create, by codice fiscale first)."""
    _require(actor, foster_carer.territory_id)
    with transaction.atomic():
        locked = FosterCarer.objects.select_for_update().get(pk=foster_carer.pk)
        person, _created = person_resolve(data=data, actor=actor)
        if locked.persons.filter(pk=person.pk).exists():
            raise ValidationError(_("%(name)s è già tra gli affidatari.") % {"name": person.full_name})
        locked.persons.add(person)
        audit_record(
            actor=actor, action="services.foster_carer.person_added", obj=locked, data={"person": person.pk}
        )
    return person


def foster_carer_person_remove(*, actor: Any, foster_carer: FosterCarer, person: Person) -> None:
    _require(actor, foster_carer.territory_id)
    with transaction.atomic():
        locked = FosterCarer.objects.select_for_update().get(pk=foster_carer.pk)
        if not locked.persons.filter(pk=person.pk).exists():
            raise TransitionError(_("Questa persona non è tra gli affidatari."))
        locked.persons.remove(person)
        audit_record(
            actor=actor, action="services.foster_carer.person_removed", obj=locked, data={"person": person.pk}
        )


# --- declared relationships (L. 184/1983 art. 2 c. 1.1 and 2-bis) -------------------------------------------


def may_declare(user: Any) -> bool:
    """Every professional who may work on a case declares their own ties."""
    return has_capability(user, Cap.CASE_VIEW)


def declared_relationship_create(
    *,
    actor: Any,
    relation: str,
    person: PersonData | None = None,
    organisation: Organisation | None = None,
) -> DeclaredRelationship:
    """The actor declares a kinship or tie with a person, or a role or tie with a provider: foster carers and
    facilities so tied cannot be chosen for the cases the actor works on."""
    if not may_declare(actor):
        raise TransitionError(_("Il tuo ruolo non prevede la dichiarazione di rapporti."))
    errors: dict[str, str] = {}
    if not relation.strip():
        errors["relation"] = _("Descrivere il rapporto (es. «cugina», «socio della cooperativa»).")
    if (person is None) == (organisation is None):
        errors["organisation"] = _("Indicare una persona oppure un ente erogatore, non entrambi.")
    elif organisation is not None and organisation.kind != Organisation.Kind.PROVIDER:
        errors["organisation"] = _("Si dichiarano i rapporti con gli enti erogatori.")
    _raise(errors)
    with transaction.atomic():
        User.objects.select_for_update().get(pk=actor.pk)  # one declaration at a time per user
        target = person_resolve(data=person, actor=actor)[0] if person is not None else None
        existing = DeclaredRelationship.objects.filter(user=actor)
        if target is not None and existing.filter(person=target).exists():
            raise ValidationError(
                _("Hai già dichiarato un rapporto con %(name)s.") % {"name": target.full_name}
            )
        if organisation is not None and existing.filter(organisation=organisation).exists():
            raise ValidationError(
                _("Hai già dichiarato un rapporto con %(name)s.") % {"name": organisation.name}
            )
        declaration = DeclaredRelationship.objects.create(
            user=actor, person=target, organisation=organisation, relation=relation.strip()
        )
        audit_record(actor=actor, action="services.declared_relationship.created", obj=declaration)
    return declaration


# --- reads of the catalogue pages ---------------------------------------------------------------------------


def managed_territories(user: Any) -> set[int]:
    return territories_with(user, Cap.CATALOGUE_MANAGE)


def provider_list(user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        kind=Organisation.Kind.PROVIDER, territory_id__in=managed_territories(user)
    ).select_related("municipality", "territory")


def facility_list(user: Any) -> QuerySet[Facility]:
    return with_occupancy(
        Facility.objects.filter(provider__territory_id__in=managed_territories(user)).select_related(
            "provider", "service_type", "character", "municipality"
        )
    ).order_by("name")


def foster_carer_list(user: Any) -> QuerySet[FosterCarer]:
    return (
        FosterCarer.objects.filter(territory_id__in=managed_territories(user))
        .select_related("municipality")
        .prefetch_related("persons")
    )


def declared_relationship_list(user: Any) -> QuerySet[DeclaredRelationship]:
    """Declarations of the staff of the territories the user manages (members of their organisations)."""
    territories = managed_territories(user)
    return (
        DeclaredRelationship.objects.filter(
            user__memberships__organisation__territory_id__in=territories, user__memberships__active=True
        )
        .distinct()
        .select_related("user", "person", "organisation")
        .order_by("user__last_name", "user__first_name", "declared_at")
    )
