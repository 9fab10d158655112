from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tutela.accounts.models import Organisation
from tutela.core.forms import DateInput, MunicipalityField, StyledForm
from tutela.intake.models import Referral
from tutela.intake.services import ReferralData
from tutela.people.models import Person
from tutela.people.services import PersonData
from tutela.people.validation import fiscal_code_normalise
from tutela.reference.models import Code, CodeList


class ChildFields(StyledForm):
    """The child, found or created by search-before-create (codice fiscale, or surname + name + birth date)."""

    surname = forms.CharField(label=_("Cognome del minore"), max_length=100)
    given_name = forms.CharField(label=_("Nome del minore"), max_length=100)
    fiscal_code = forms.CharField(label=_("Codice fiscale"), max_length=16, required=False)
    birth_date = forms.DateField(label=_("Data di nascita"), required=False, widget=DateInput())
    sex = forms.ChoiceField(label=_("Sesso"), choices=[("", "—"), *Person.Sex.choices], required=False)
    birth_place = MunicipalityField(label=_("Comune di nascita"), required=False)
    birth_country = forms.CharField(label=_("Stato di nascita, se estero"), max_length=80, required=False)
    citizenship = forms.CharField(label=_("Cittadinanza"), max_length=80, required=False, initial="Italiana")
    residence_municipality = MunicipalityField(label=_("Comune di residenza"), required=False)
    residence_address = forms.CharField(label=_("Indirizzo di residenza"), max_length=200, required=False)

    def clean_fiscal_code(self) -> str:
        return fiscal_code_normalise(self.cleaned_data.get("fiscal_code") or "")

    def person_data(self) -> PersonData:
        d = self.cleaned_data
        return PersonData(
            surname=d["surname"],
            given_name=d["given_name"],
            birth_date=d.get("birth_date"),
            fiscal_code=d.get("fiscal_code", ""),
            sex=d.get("sex", ""),
            birth_place=d.get("birth_place"),
            birth_country=d.get("birth_country", ""),
            citizenship=d.get("citizenship", ""),
            residence_municipality=d.get("residence_municipality"),
            residence_address=d.get("residence_address", ""),
        )


def _sources() -> Any:
    return Code.objects.of(CodeList.REFERRAL_SOURCE)


class ReferralFields(ChildFields):
    source = forms.ModelChoiceField(label=_("Fonte della segnalazione (SINBA)"), queryset=Code.objects.none())
    received_on = forms.DateField(label=_("Data di ricezione"), widget=DateInput())
    subject = forms.CharField(
        label=_("Oggetto"),
        max_length=300,
        help_text=_("Senza nomi del minore o dei familiari: l'oggetto compare nel registro di protocollo."),
    )
    narrative = forms.CharField(
        label=_("Descrizione dei fatti"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_(
            "Riservata: la leggono solo i professionisti abilitati alle sezioni riservate della pratica; "
            "il Comune e gli uffici amministrativi vedono l'oggetto."
        ),
    )
    urgency = forms.ChoiceField(label=_("Urgenza"), choices=Referral.Urgency.choices)
    document = forms.FileField(
        label=_("Documento (PDF o immagine)"),
        required=False,
        help_text=_("Il contenuto del file viene verificato; dimensione massima 10 MB."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = _sources()  # type: ignore[attr-defined]
        self.fields["received_on"].initial = timezone.localdate()

    def document_validate(self) -> None:
        from django.core.exceptions import ValidationError

        from tutela.documents.services import upload_validate

        uploaded = self.cleaned_data.get("document")
        if uploaded:
            try:
                upload_validate(uploaded)
            except ValidationError as exc:
                self.add_error("document", exc.messages)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.document_validate()
        return cleaned


class IndirectReferralForm(ReferralFields):
    field_order = [
        "sender_organisation",
        "sender_reference",
        "source",
        "received_on",
        "subject",
        "narrative",
        "urgency",
        "document",
    ]
    sender_organisation = forms.ModelChoiceField(
        label=_("Ente segnalante"), queryset=Organisation.objects.none()
    )
    sender_reference = forms.CharField(
        label=_("Protocollo e data del documento ricevuto"), max_length=120, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sender_organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            active=True
        ).exclude(kind=Organisation.Kind.CONSORTIUM)

    def referral_data(self) -> ReferralData:
        d = self.cleaned_data
        return ReferralData(
            source=d["source"],
            received_on=d["received_on"],
            subject=d["subject"],
            narrative=d.get("narrative", ""),
            urgency=d["urgency"],
            sender_organisation=d["sender_organisation"],
            sender_reference=d.get("sender_reference", ""),
        )


class DirectReferralForm(ReferralFields):
    field_order = [
        "applicant_name",
        "applicant_relationship",
        "source",
        "received_on",
        "subject",
        "narrative",
        "urgency",
        "document",
    ]
    applicant_name = forms.CharField(label=_("Richiedente (nome e cognome)"), max_length=200)
    applicant_relationship = forms.CharField(
        label=_("Relazione con il minore"),
        max_length=80,
        help_text=_("Es. madre, padre, tutore, il minore stesso."),
    )

    def referral_data(self) -> ReferralData:
        d = self.cleaned_data
        return ReferralData(
            source=d["source"],
            received_on=d["received_on"],
            subject=d["subject"],
            narrative=d.get("narrative", ""),
            urgency=d["urgency"],
            applicant_name=d["applicant_name"],
            applicant_relationship=d["applicant_relationship"],
        )
