"""Forms of the catalogue pages: each turns its input into the data class of a catalogue service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tutela.accounts.models import Municipality, Organisation
from tutela.core.forms import DateInput, MunicipalityField, StyledForm
from tutela.people.services import PersonData
from tutela.reference.models import Code
from tutela.services.catalogue import (
    CHARACTER_LIST,
    PLACE_DELIVERIES,
    ContractData,
    FacilityData,
    FosterCarerData,
    ProviderData,
    RateData,
    ServiceTypeData,
)
from tutela.services.models import ServiceType


def _initial(obj: Any, names: list[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names} if obj is not None else {}


class ServiceTypeForm(StyledForm):
    code = forms.CharField(label=_("Codice locale"), max_length=20)
    name = forms.CharField(label=_("Denominazione"), max_length=200)
    macro_area = forms.CharField(label=_("Macro-area"), max_length=80, required=False)
    siuss_code = forms.CharField(
        label=_("Codice prestazione SIUSS"),
        max_length=20,
        required=False,
        help_text=_("Dalla tabella prestazioni INPS (es. A1.04); da verificare prima dell'invio dei flussi."),
    )
    nomenclatore_code = forms.CharField(
        label=_("Codice nomenclatore regionale"), max_length=20, required=False
    )
    fnps_level = forms.CharField(label=_("Macro-livello FNPS"), max_length=80, required=False)
    unit = forms.ChoiceField(label=_("Unità di misura"), choices=ServiceType.Unit.choices)
    delivery = forms.ChoiceField(label=_("Modalità di erogazione"), choices=ServiceType.Delivery.choices)
    implies_take_in_charge = forms.BooleanField(label=_("Comporta presa in carico"), required=False)
    proposable = forms.BooleanField(label=_("Proponibile dal servizio sociale"), required=False)
    active = forms.BooleanField(label=_("Attivo"), required=False)

    FIELDS = list(ServiceTypeData.__dataclass_fields__)

    def __init__(self, *args: Any, instance: ServiceType | None = None, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", _initial(instance, self.FIELDS) or {"implies_take_in_charge": True, "active": True}
        )
        super().__init__(*args, **kwargs)
        self.fields["siuss_code"].widget.attrs["list"] = "siuss-codes"

    def data_object(self) -> ServiceTypeData:
        return ServiceTypeData(**{name: self.cleaned_data[name] for name in self.FIELDS})


class ProviderForm(StyledForm):
    name = forms.CharField(label=_("Denominazione"), max_length=200)
    email = forms.EmailField(label=_("Indirizzo e-mail / PEC"), required=False)
    address = forms.CharField(label=_("Indirizzo"), max_length=250, required=False)
    municipality = MunicipalityField(label=_("Comune della sede"), required=False)
    active = forms.BooleanField(label=_("Attivo"), required=False)

    def __init__(self, *args: Any, instance: Organisation | None = None, **kwargs: Any) -> None:
        names = ["name", "email", "address", "municipality", "active"]
        kwargs.setdefault("initial", _initial(instance, names) or {"active": True})
        super().__init__(*args, **kwargs)

    def data_object(self) -> ProviderData:
        d = self.cleaned_data
        return ProviderData(
            name=d["name"],
            email=d.get("email") or "",
            address=d.get("address") or "",
            municipality=d.get("municipality"),
            active=d["active"],
        )


class ContractForm(StyledForm):
    reference = forms.CharField(label=_("Estremi del contratto / convenzione"), max_length=80)
    starts_on = forms.DateField(label=_("Valido dal"), widget=DateInput())
    ends_on = forms.DateField(label=_("Valido fino al"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=250, required=False)

    def __init__(self, *args: Any, instance: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", _initial(instance, ["reference", "starts_on", "ends_on", "note"]))
        super().__init__(*args, **kwargs)

    def data_object(self) -> ContractData:
        d = self.cleaned_data
        return ContractData(
            reference=d["reference"], starts_on=d["starts_on"], ends_on=d["ends_on"], note=d.get("note") or ""
        )


class RateForm(StyledForm):
    service_type = forms.ModelChoiceField(label=_("Servizio"), queryset=ServiceType.objects.none())
    unit_cost = forms.DecimalField(label=_("Costo unitario (€)"), max_digits=9, decimal_places=2)
    valid_from = forms.DateField(label=_("Dal"), widget=DateInput())
    valid_to = forms.DateField(label=_("Al"), widget=DateInput())

    def __init__(self, *args: Any, instance: Any = None, contract: Any = None, **kwargs: Any) -> None:
        initial = _initial(instance, ["service_type", "unit_cost", "valid_from", "valid_to"])
        if instance is None and contract is not None:
            initial = {"valid_from": contract.starts_on, "valid_to": contract.ends_on}
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["service_type"].queryset = ServiceType.objects.filter(active=True)  # type: ignore[attr-defined]
        self.fields["service_type"].help_text = _(
            "L'unità del costo è quella del servizio (ora, giorno, mese)."
        )

    def data_object(self) -> RateData:
        d = self.cleaned_data
        return RateData(
            service_type=d["service_type"],
            unit_cost=d["unit_cost"],
            valid_from=d["valid_from"],
            valid_to=d["valid_to"],
        )


class FacilityForm(StyledForm):
    name = forms.CharField(label=_("Denominazione"), max_length=200)
    provider = forms.ModelChoiceField(label=_("Ente gestore"), queryset=Organisation.objects.none())
    service_type = forms.ModelChoiceField(label=_("Tipologia"), queryset=ServiceType.objects.none())
    character = forms.ModelChoiceField(
        label=_("Carattere dell'inserimento (SINBA)"), queryset=Code.objects.none(), required=False
    )
    capacity = forms.IntegerField(label=_("Posti autorizzati"), min_value=0, max_value=999)
    municipality = MunicipalityField(label=_("Comune"))
    address = forms.CharField(label=_("Indirizzo"), max_length=250, required=False)
    active = forms.BooleanField(label=_("Attiva"), required=False)

    NAMES = ["name", "provider", "service_type", "character", "capacity", "municipality", "address", "active"]

    def __init__(self, *args: Any, instance: Any = None, providers: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", _initial(instance, self.NAMES) or {"active": True})
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers if providers is not None else Organisation.objects.none()  # type: ignore[attr-defined]
        self.fields["service_type"].queryset = ServiceType.objects.filter(delivery__in=PLACE_DELIVERIES)  # type: ignore[attr-defined]
        self.fields["character"].queryset = Code.objects.of(CHARACTER_LIST)  # type: ignore[attr-defined]

    def data_object(self) -> FacilityData:
        d = self.cleaned_data
        return FacilityData(
            provider=d["provider"],
            name=d["name"],
            service_type=d["service_type"],
            capacity=d["capacity"],
            municipality=d["municipality"],
            character=d.get("character"),
            address=d.get("address") or "",
            active=d["active"],
        )


class FosterCarerForm(StyledForm):
    name = forms.CharField(label=_("Denominazione (es. Famiglia Rossi)"), max_length=120)
    municipality = MunicipalityField(label=_("Comune"))
    address = forms.CharField(label=_("Indirizzo"), max_length=250, required=False)
    available = forms.BooleanField(label=_("Disponibile"), required=False)
    note = forms.CharField(
        label=_("Note del servizio affidi"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, instance: Any = None, **kwargs: Any) -> None:
        names = ["name", "municipality", "address", "available", "note"]
        kwargs.setdefault("initial", _initial(instance, names) or {"available": True})
        super().__init__(*args, **kwargs)

    def data_object(self) -> FosterCarerData:
        d = self.cleaned_data
        return FosterCarerData(
            name=d["name"],
            municipality=d["municipality"],
            address=d.get("address") or "",
            available=d["available"],
            note=d.get("note") or "",
        )


class PersonForm(StyledForm):
    """A person named by their data; found by codice fiscale (or name and birth date) before being created."""

    surname = forms.CharField(label=_("Cognome"), max_length=100)
    given_name = forms.CharField(label=_("Nome"), max_length=100)
    fiscal_code = forms.CharField(label=_("Codice fiscale"), max_length=16, required=False)
    birth_date = forms.DateField(label=_("Data di nascita"), widget=DateInput(), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("fiscal_code") and not cleaned.get("birth_date"):
            self.add_error("birth_date", _("Senza codice fiscale indicare la data di nascita."))
        return cleaned

    def person_data(self) -> PersonData:
        d = self.cleaned_data
        birth: dt.date | None = d.get("birth_date")
        return PersonData(
            surname=d["surname"],
            given_name=d["given_name"],
            fiscal_code=(d.get("fiscal_code") or "").strip().upper(),
            birth_date=birth,
        )


class DeclarationForm(StyledForm):
    """A tie the user declares: with a person (by their data) or with a provider."""

    TARGETS = [("person", _("una persona")), ("organisation", _("un ente erogatore"))]

    target = forms.ChoiceField(label=_("Dichiaro un rapporto con"), choices=TARGETS, widget=forms.RadioSelect)
    relation = forms.CharField(
        label=_("Rapporto"),
        max_length=120,
        help_text=_("Es. «cugina», «cognato», «socio della cooperativa», «componente del CdA»."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Ente erogatore"), queryset=Organisation.objects.none(), required=False
    )
    surname = forms.CharField(label=_("Cognome"), max_length=100, required=False)
    given_name = forms.CharField(label=_("Nome"), max_length=100, required=False)
    fiscal_code = forms.CharField(label=_("Codice fiscale"), max_length=16, required=False)
    birth_date = forms.DateField(label=_("Data di nascita"), widget=DateInput(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind=Organisation.Kind.PROVIDER, active=True
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("target") == "organisation":
            if not cleaned.get("organisation"):
                self.add_error("organisation", _("Scegliere l'ente erogatore."))
        elif cleaned.get("target") == "person":
            for name, message in (
                ("surname", _("Il cognome è obbligatorio.")),
                ("given_name", _("Il nome è obbligatorio.")),
            ):
                if not (cleaned.get(name) or "").strip():
                    self.add_error(name, message)
            if not cleaned.get("fiscal_code") and not cleaned.get("birth_date"):
                self.add_error("birth_date", _("Senza codice fiscale indicare la data di nascita."))
        return cleaned

    def declaration(self) -> dict[str, Any]:
        d = self.cleaned_data
        if d["target"] == "organisation":
            return {"relation": d["relation"], "organisation": d["organisation"]}
        person = PersonData(
            surname=d["surname"],
            given_name=d["given_name"],
            fiscal_code=(d.get("fiscal_code") or "").strip().upper(),
            birth_date=d.get("birth_date"),
        )
        return {"relation": d["relation"], "person": person}


class CostFilterForm(StyledForm):
    """The period (months) and, optionally, the paying Comune of the cost pages."""

    dal = forms.CharField(label=_("Dal mese"), widget=forms.DateInput(attrs={"type": "month"}))
    al = forms.CharField(label=_("Al mese"), widget=forms.DateInput(attrs={"type": "month"}))
    comune = forms.ModelChoiceField(
        label=_("Comune che sostiene la spesa"), queryset=Municipality.objects.none(), required=False
    )

    MAX_MONTHS = 36

    def __init__(self, *args: Any, municipalities: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if municipalities is not None:
            self.fields["comune"].queryset = municipalities  # type: ignore[attr-defined]
            self.fields["comune"].empty_label = str(_("Tutti"))  # type: ignore[attr-defined]

    @staticmethod
    def defaults() -> dict[str, str]:
        today = timezone.localdate()
        return {"dal": f"{today.year}-01", "al": f"{today:%Y-%m}"}

    def _month(self, name: str) -> dt.date:
        value = self.cleaned_data.get(name) or ""
        try:
            return dt.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(_("Indicare il mese come AAAA-MM (es. 2026-03).")) from None

    def clean_dal(self) -> dt.date:
        return self._month("dal")

    def clean_al(self) -> dt.date:
        return self._month("al")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("dal"), cleaned.get("al")
        if first and last:
            if last < first:
                self.add_error("al", _("Il mese finale non può precedere quello iniziale."))
            elif (last.year - first.year) * 12 + last.month - first.month >= self.MAX_MONTHS:
                self.add_error("al", _("Il periodo può coprire al massimo 36 mesi."))
        return cleaned
