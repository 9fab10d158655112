from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tutela.core.forms import DateInput, MunicipalityField, StyledForm
from tutela.services.models import ServiceProposal, ServiceType
from tutela.services.services import AuthorisationData, ProposalData


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Motivazione"), widget=forms.Textarea(attrs={"rows": 3}))


class ConfirmForm(StyledForm):
    note = forms.CharField(
        label=_("Nota (facoltativa)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ProposalForm(StyledForm):
    service_type = forms.ModelChoiceField(label=_("Servizio proposto"), queryset=ServiceType.objects.none())
    motivation = forms.CharField(
        label=_("Motivazione della proposta"), widget=forms.Textarea(attrs={"rows": 4})
    )
    hours_per_week = forms.DecimalField(
        label=_("Ore settimanali"), required=False, max_digits=5, decimal_places=1
    )
    duration_months = forms.IntegerField(
        label=_("Durata prevista (mesi)"), required=False, min_value=1, max_value=60
    )
    proposed_start = forms.DateField(label=_("Avvio proposto"), required=False, widget=DateInput())

    def __init__(self, *args: Any, proposal: ServiceProposal | None = None, **kwargs: Any) -> None:
        if proposal is not None and not args:
            kwargs.setdefault(
                "initial",
                {
                    "service_type": proposal.service_type_id,
                    "motivation": proposal.motivation,
                    "hours_per_week": proposal.hours_per_week,
                    "duration_months": proposal.duration_months,
                    "proposed_start": proposal.proposed_start,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["service_type"].queryset = ServiceType.objects.filter(active=True, proposable=True)  # type: ignore[attr-defined]

    def proposal_data(self) -> ProposalData:
        d = self.cleaned_data
        return ProposalData(
            service_type=d["service_type"],
            motivation=d["motivation"],
            hours_per_week=d.get("hours_per_week"),
            duration_months=d.get("duration_months"),
            proposed_start=d.get("proposed_start"),
        )


class AuthorisationForm(StyledForm):
    act_number = forms.CharField(label=_("Numero dell'atto (determina)"), max_length=40)
    act_date = forms.DateField(label=_("Data dell'atto"), widget=DateInput())
    cost_estimate = forms.DecimalField(
        label=_("Spesa prevista (€)"), max_digits=10, decimal_places=2, min_value=0
    )
    paying_municipality = MunicipalityField(
        label=_("Comune che sostiene la spesa"),
        help_text=_(
            "Di norma il Comune di residenza del minore; se diverso dal capofila riceve una comunicazione."
        ),
    )
    note = forms.CharField(label=_("Nota"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, proposal: ServiceProposal, **kwargs: Any) -> None:
        review = getattr(proposal, "review", None)
        kwargs.setdefault(
            "initial",
            {
                "act_date": timezone.localdate(),
                "paying_municipality": review.paying_municipality if review else None,
            },
        )
        super().__init__(*args, **kwargs)

    def authorisation_data(self) -> AuthorisationData:
        d = self.cleaned_data
        return AuthorisationData(
            act_number=d["act_number"],
            act_date=d["act_date"],
            cost_estimate=d["cost_estimate"],
            paying_municipality=d["paying_municipality"],
        )
