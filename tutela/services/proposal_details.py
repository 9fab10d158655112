"""What a proposal must say about who or where delivers the service, by the way the service is delivered.

- educational support: hours per week, duration and the provider;
- foster care: the foster carers, consensual or judicial, intra- or extra-family, full or part time, a duration
  of at most 24 months (L. 184/1983 art. 4 c. 4; a longer one is the juvenile court's extension);
- residential or semi-residential placement: an active facility with a free place, consensual or judicial;
- economic contribution: the duration.
A draft may be incomplete (the social report opens it with the service only); it is sent to the coordinator
only complete. Foster carers and facilities tied to the case's professionals are refused (conflicts.py).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from tutela.accounts.models import Organisation
from tutela.services.catalogue import PLACE_DELIVERIES, facility_occupied
from tutela.services.conflicts import placement_conflict
from tutela.services.models import FosterKind, FosterTime, PlacementForm, ServiceType

D = ServiceType.Delivery
FOSTER_MAX_MONTHS = 24  # L. 184/1983 art. 4 c. 4
FOREIGN_KEYS = {"provider", "facility", "foster_carer"}
_FORM = ("placement_form", _l("forma consensuale o giudiziale"))
REQUIRED: dict[str, tuple[tuple[str, Any], ...]] = {
    D.EDUCATIONAL: (
        ("hours_per_week", _l("ore settimanali")),
        ("duration_months", _l("durata prevista")),
        ("provider", _l("ente erogatore")),
    ),
    D.FOSTER: (
        ("foster_carer", _l("affidatari")),
        _FORM,
        ("foster_kind", _l("affido intra o eterofamiliare")),
        ("foster_time", _l("tempo pieno o parziale")),
        ("duration_months", _l("durata prevista (al massimo 24 mesi)")),
    ),
    D.RESIDENTIAL: (("facility", _l("struttura")), _FORM),
    D.SEMI_RESIDENTIAL: (("facility", _l("struttura")), _FORM),
    D.CONTRIBUTION: (("duration_months", _l("durata prevista")),),
}
# The details each delivery keeps; the others are cleared (a proposal switched from foster care to home
# support does not keep its foster carers).
KEPT: dict[str, set[str]] = {
    D.GENERIC: {"provider"},
    D.EDUCATIONAL: {"provider"},
    D.FOSTER: {"foster_carer", "placement_form", "foster_kind", "foster_time"},
    D.RESIDENTIAL: {"facility", "placement_form", "provider"},
    D.SEMI_RESIDENTIAL: {"facility", "placement_form", "provider"},
    D.CONTRIBUTION: set(),
}


def relevant_details(data: Any) -> dict[str, Any]:
    """The detail values to store for the proposed service; a facility brings its provider."""
    delivery = data.service_type.delivery
    kept = KEPT.get(delivery, set())
    values: dict[str, Any] = {}
    for name in ("provider", "facility", "foster_carer", "placement_form", "foster_kind", "foster_time"):
        empty = None if name in FOREIGN_KEYS else ""
        values[name] = getattr(data, name) if name in kept else empty
    if delivery in PLACE_DELIVERIES and data.facility is not None:
        values["provider"] = data.facility.provider
    return values


def _choice_errors(data: Any) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.placement_form and data.placement_form not in PlacementForm.values:
        errors["placement_form"] = _("Indicare se consensuale o giudiziale.")
    if data.foster_kind and data.foster_kind not in FosterKind.values:
        errors["foster_kind"] = _("Indicare se l'affido è intrafamiliare o eterofamiliare.")
    if data.foster_time and data.foster_time not in FosterTime.values:
        errors["foster_time"] = _("Indicare se l'affido è a tempo pieno o parziale.")
    provider = data.provider
    if provider is not None and (provider.kind != Organisation.Kind.PROVIDER or not provider.active):
        errors["provider"] = _("Scegliere un ente erogatore attivo.")
    return errors


def _foster_errors(data: Any, case: Any) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.duration_months is not None and data.duration_months > FOSTER_MAX_MONTHS:
        errors["duration_months"] = _(
            "L'affidamento familiare dura al massimo 24 mesi (L. 184/1983, art. 4 c. 4): la proroga spetta al "
            "Tribunale per i minorenni."
        )
    carer = data.foster_carer
    if carer is None:
        return errors
    if not carer.available:
        errors["foster_carer"] = _("Gli affidatari «%(name)s» non sono disponibili.") % {"name": carer.name}
    elif case is not None and carer.territory_id != case.territory_id:
        errors["foster_carer"] = _("Gli affidatari «%(name)s» non sono del territorio della pratica.") % {
            "name": carer.name
        }
    elif case is not None:
        conflict = placement_conflict(case, foster_carer=carer)
        if conflict:
            errors["foster_carer"] = conflict
    return errors


def facility_refusal(facility: Any, delivery: str) -> str | None:
    """Why the facility cannot receive the child now: inactive, of another kind, or full (naming occupancy)."""
    if not facility.active:
        return _("La struttura «%(name)s» non è attiva.") % {"name": facility.name}
    if facility.service_type.delivery != delivery:
        return _("La struttura «%(name)s» è «%(kind)s»: non corrisponde al servizio proposto.") % {
            "name": facility.name,
            "kind": facility.service_type.name,
        }
    occupied = facility_occupied(facility)
    if occupied >= facility.capacity:
        return _("La struttura «%(name)s» è al completo (posti occupati: %(occupied)d su %(capacity)d).") % {
            "name": facility.name,
            "occupied": occupied,
            "capacity": facility.capacity,
        }
    return None


def details_errors(data: Any, case: Any = None) -> dict[str, str]:
    """Errors in what the proposal says about who or where delivers it (completeness is checked on sending)."""
    errors = _choice_errors(data)
    delivery = data.service_type.delivery
    if delivery == D.FOSTER:
        errors.update(_foster_errors(data, case))
    elif delivery in PLACE_DELIVERIES and data.facility is not None:
        refusal = facility_refusal(data.facility, delivery)
        if refusal is None and case is not None:
            refusal = placement_conflict(case, facility=data.facility)
        if refusal:
            errors["facility"] = refusal
    return errors


def proposal_missing_details(proposal: Any) -> list[str]:
    """What the proposal still has to say before it can be sent to the coordinator (labels, in order)."""
    missing = []
    for name, label in REQUIRED.get(proposal.service_type.delivery, ()):
        value = getattr(proposal, f"{name}_id" if name in FOREIGN_KEYS else name)
        if value is None or value == "":
            missing.append(str(label))
    return missing


def proposal_details_of(proposal: Any) -> Any:
    """The proposal's stored data as a ProposalData, to validate it again when it is sent."""
    from tutela.services.services import ProposalData

    return ProposalData(
        service_type=proposal.service_type,
        motivation=proposal.motivation,
        hours_per_week=proposal.hours_per_week,
        duration_months=proposal.duration_months,
        proposed_start=proposal.proposed_start,
        provider=proposal.provider,
        facility=proposal.facility,
        foster_carer=proposal.foster_carer,
        placement_form=proposal.placement_form,
        foster_kind=proposal.foster_kind,
        foster_time=proposal.foster_time,
    )
