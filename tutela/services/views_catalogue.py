"""The catalogue pages (/servizi/): services, providers with contracts and rates, facilities, foster carers, and
the staff's declared relationships. Managing them needs `services.catalogue_manage` in the object's territory;
any other user gets 404, as for a missing object. Pages with persons' names are audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tutela.accounts.access import has_capability
from tutela.accounts.models import Organisation, Territory, User
from tutela.accounts.roles import Cap
from tutela.audit.services import audit_record
from tutela.core.actions import form_submitted
from tutela.core.forms import StyledForm
from tutela.people.models import Person
from tutela.services import catalogue
from tutela.services.forms_catalogue import (
    ContractForm,
    DeclarationForm,
    FacilityForm,
    FosterCarerForm,
    PersonForm,
    ProviderForm,
    RateForm,
    ServiceTypeForm,
)
from tutela.services.models import (
    Contract,
    ContractRate,
    DeclaredRelationship,
    FosterCarer,
    ServiceType,
)
from tutela.workflow import TransitionError

# SIUSS prestazione codes seen in a regional system (../shared/domain): suggestions, labels still to be verified.
SIUSS_CODES_SEEN = [
    "A1.01",
    "A1.02",
    "A1.03",
    "A1.04",
    "A1.05",
    "A1.05.01",
    "A1.06",
    "A1.07",
    "A1.08",
    "A1.09",
    "A1.10",
    "A1.11",
    "A1.12",
    "A1.13",
    "A1.14",
    "A1.15",
    "A1.16",
    "A1.17",
    "A1.18",
    "A1.19",
    "A1.20",
    "A1.23",
    "A2.01",
    "A2.02",
    "A2.03",
    "A2.04",
    "A2.05",
    "A2.06",
    "A2.07",
    "A2.08",
    "A2.09",
    "A2.10",
    "A2.11",
    "A2.12",
    "A2.14",
    "A2.20",
    "A2.21",
    "A3.01",
    "A3.02",
    "A3.03",
    "A3.04",
]


def _manager(request: HttpRequest) -> Any:
    if not has_capability(request.user, Cap.CATALOGUE_MANAGE):
        raise Http404
    return request.user


def _territory(user: Any) -> Territory:
    territory = Territory.objects.filter(pk__in=catalogue.managed_territories(user)).order_by("pk").first()
    if territory is None:
        raise Http404
    return territory


def _form_page(
    request: HttpRequest,
    form: StyledForm,
    run: Callable[[], Any],
    *,
    title: str,
    success: str,
    back: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page of one catalogue form: on success (or a refusal) back to `back`, else the form again."""
    if form_submitted(request, form, run, success=success) is not None:
        return redirect(back)
    context = {"form": form, "title": title, "back": back, **(extra or {})}
    return render(request, "services/catalogue_form.html", context)


def catalogue_home(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    counts = {
        "service_types": ServiceType.objects.count(),
        "providers": catalogue.provider_list(user).count(),
        "facilities": catalogue.facility_list(user).count(),
        "foster_carers": catalogue.foster_carer_list(user).count(),
        "declarations": catalogue.declared_relationship_list(user).count(),
    }
    return render(request, "services/catalogue_home.html", {"counts": counts})


# --- service types ------------------------------------------------------------------------------------------


def service_type_list(request: HttpRequest) -> HttpResponse:
    _manager(request)
    return render(
        request,
        "services/catalogue_service_list.html",
        {"service_types": ServiceType.objects.order_by("code")},
    )


@require_http_methods(["GET", "POST"])
def service_type_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _manager(request)
    current = get_object_or_404(ServiceType, pk=pk) if pk else None
    form = ServiceTypeForm(request.POST or None, instance=current)
    return _form_page(
        request,
        form,
        lambda: catalogue.service_type_save(actor=user, data=form.data_object(), service_type=current),
        title=_("Modifica il servizio %(code)s") % {"code": current.code}
        if current
        else _("Nuovo servizio del catalogo"),
        success=_("Catalogo aggiornato."),
        back=reverse("catalogue:service_types"),
        extra={"siuss_codes": SIUSS_CODES_SEEN},
    )


# --- providers, contracts, rates ----------------------------------------------------------------------------


def provider_list(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    providers = catalogue.provider_list(user).prefetch_related("contracts")
    return render(request, "services/catalogue_provider_list.html", {"providers": providers})


def _provider(user: Any, pk: int) -> Organisation:
    return get_object_or_404(catalogue.provider_list(user), pk=pk)


def provider_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    provider = _provider(user, pk)
    rates = ContractRate.objects.select_related("service_type").order_by("service_type__name", "valid_from")
    contracts = provider.contracts.prefetch_related(Prefetch("rates", queryset=rates)).order_by("-starts_on")
    facilities = catalogue.with_occupancy(
        provider.facilities.select_related("service_type", "character", "municipality")
    ).order_by("name")
    return render(
        request,
        "services/catalogue_provider_detail.html",
        {"provider": provider, "contracts": contracts, "facilities": facilities},
    )


@require_http_methods(["GET", "POST"])
def provider_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _manager(request)
    current = _provider(user, pk) if pk else None
    territory = current.territory if current and current.territory else _territory(user)
    form = ProviderForm(request.POST or None, instance=current)
    return _form_page(
        request,
        form,
        lambda: catalogue.provider_save(
            actor=user, territory=territory, data=form.data_object(), provider=current
        ),
        title=_("Modifica %(name)s") % {"name": current.name} if current else _("Nuovo ente erogatore"),
        success=_("Ente erogatore salvato."),
        back=reverse("catalogue:provider", args=[current.pk]) if current else reverse("catalogue:providers"),
    )


def _contract(user: Any, pk: int) -> Contract:
    contracts = Contract.objects.filter(territory_id__in=catalogue.managed_territories(user))
    return get_object_or_404(contracts.select_related("provider"), pk=pk)


@require_http_methods(["GET", "POST"])
def contract_edit(request: HttpRequest, pk: int | None = None, provider: int | None = None) -> HttpResponse:
    user = _manager(request)
    current = _contract(user, pk) if pk else None
    owner = current.provider if current else _provider(user, provider or 0)
    form = ContractForm(request.POST or None, instance=current)
    return _form_page(
        request,
        form,
        lambda: catalogue.contract_save(
            actor=user, provider=owner, data=form.data_object(), contract=current
        ),
        title=_("Contratto con %(name)s") % {"name": owner.name},
        success=_("Contratto salvato."),
        back=reverse("catalogue:provider", args=[owner.pk]),
    )


@require_http_methods(["GET", "POST"])
def rate_edit(request: HttpRequest, pk: int | None = None, contract: int | None = None) -> HttpResponse:
    user = _manager(request)
    current = None
    if pk:
        rates = ContractRate.objects.filter(contract__territory_id__in=catalogue.managed_territories(user))
        current = get_object_or_404(rates.select_related("contract__provider"), pk=pk)
    owner = current.contract if current else _contract(user, contract or 0)
    form = RateForm(request.POST or None, instance=current, contract=owner)
    return _form_page(
        request,
        form,
        lambda: catalogue.contract_rate_save(
            actor=user, contract=owner, data=form.data_object(), rate=current
        ),
        title=_("Tariffa del contratto %(reference)s") % {"reference": owner.reference},
        success=_("Tariffa salvata."),
        back=reverse("catalogue:provider", args=[owner.provider_id]),
    )


# --- facilities ---------------------------------------------------------------------------------------------


def facility_list(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    return render(
        request, "services/catalogue_facility_list.html", {"facilities": catalogue.facility_list(user)}
    )


@require_http_methods(["GET", "POST"])
def facility_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _manager(request)
    current = get_object_or_404(catalogue.facility_list(user), pk=pk) if pk else None
    form = FacilityForm(request.POST or None, instance=current, providers=catalogue.provider_list(user))
    return _form_page(
        request,
        form,
        lambda: catalogue.facility_save(actor=user, data=form.data_object(), facility=current),
        title=_("Modifica %(name)s") % {"name": current.name} if current else _("Nuova struttura"),
        success=_("Struttura salvata."),
        back=reverse("catalogue:facilities"),
        extra={"occupied": getattr(current, "occupied", None), "facility": current},
    )


# --- foster carers ------------------------------------------------------------------------------------------


def _audit_read(request: HttpRequest, action: str, page: str, shown: QuerySet[Any] | list[Any]) -> None:
    audit_record(actor=request.user, action=action, data={"page": page, "shown": [o.pk for o in shown]})


def foster_carer_list(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    carers = list(catalogue.foster_carer_list(user))
    _audit_read(request, "services.foster_carer.viewed", "list", carers)
    return render(request, "services/catalogue_foster_list.html", {"foster_carers": carers})


def _foster_carer(user: Any, pk: int) -> FosterCarer:
    return get_object_or_404(catalogue.foster_carer_list(user), pk=pk)


@require_http_methods(["GET", "POST"])
def foster_carer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The foster family, its members and the form that adds one."""
    user = _manager(request)
    carer = _foster_carer(user, pk)
    _audit_read(request, "services.foster_carer.viewed", "detail", [carer])
    form = PersonForm(request.POST or None)
    added = form_submitted(
        request,
        form,
        lambda: catalogue.foster_carer_person_add(actor=user, foster_carer=carer, data=form.person_data()),
        success=_("Componente aggiunto agli affidatari."),
    )
    if added is not None:
        return redirect("catalogue:foster_carer", pk=carer.pk)
    return render(request, "services/catalogue_foster_detail.html", {"carer": carer, "form": form})


@require_http_methods(["GET", "POST"])
def foster_carer_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _manager(request)
    current = _foster_carer(user, pk) if pk else None
    territory = current.territory if current else _territory(user)
    form = FosterCarerForm(request.POST or None, instance=current)
    return _form_page(
        request,
        form,
        lambda: catalogue.foster_carer_save(
            actor=user, territory=territory, data=form.data_object(), foster_carer=current
        ),
        title=_("Modifica %(name)s") % {"name": current.name} if current else _("Nuovi affidatari"),
        success=_("Affidatari salvati."),
        back=reverse("catalogue:foster_carer", args=[current.pk])
        if current
        else reverse("catalogue:foster_carers"),
    )


@require_http_methods(["GET", "POST"])
def foster_carer_person_remove(request: HttpRequest, pk: int, person: int) -> HttpResponse:
    user = _manager(request)
    carer = _foster_carer(user, pk)
    member = get_object_or_404(Person, pk=person, foster_carers=carer)
    if request.method == "POST":
        try:
            catalogue.foster_carer_person_remove(actor=user, foster_carer=carer, person=member)
        except TransitionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Componente tolto dagli affidatari."))
        return redirect("catalogue:foster_carer", pk=carer.pk)
    _audit_read(request, "services.foster_carer.viewed", "person_remove", [carer])
    return render(request, "services/catalogue_person_remove.html", {"carer": carer, "member": member})


# --- declared relationships ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def my_declarations(request: HttpRequest) -> HttpResponse:
    """Every professional declares their own ties with persons and providers (L. 184/1983 art. 2)."""
    if not catalogue.may_declare(request.user):
        raise Http404
    form = DeclarationForm(request.POST or None, initial={"target": "person"})
    done = form_submitted(
        request,
        form,
        lambda: catalogue.declared_relationship_create(actor=request.user, **form.declaration()),
        success=_("Rapporto dichiarato."),
    )
    if done is not None:
        return redirect("catalogue:my_declarations")
    mine = list(
        DeclaredRelationship.objects.filter(user=cast(User, request.user))
        .select_related("person", "organisation")
        .order_by("declared_at")
    )
    _audit_read(request, "services.declared_relationship.viewed", "mine", mine)
    return render(request, "services/catalogue_declarations_mine.html", {"form": form, "declarations": mine})


def declaration_list(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    declarations = list(catalogue.declared_relationship_list(user))
    _audit_read(request, "services.declared_relationship.viewed", "list", declarations)
    return render(request, "services/catalogue_declaration_list.html", {"declarations": declarations})
