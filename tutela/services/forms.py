from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tutela.accounts.models import Organisation
from tutela.core.forms import DateInput, MunicipalityField, StyledForm
from tutela.services.catalogue import PLACE_DELIVERIES, with_occupancy
from tutela.services.models import (
    Facility,
    FosterCarer,
    FosterKind,
    FosterTime,
    PlacementForm,
    ServiceProposal,
    ServiceType,
)
from tutela.services.services import (
    REVIEW_CHECKS,
    AuthorisationData,
    ProposalData,
    authorisation_missing,
    review_check_label,
)

EMPTY_CHOICE = [("", _("— scegli —"))]


class FacilityChoiceField(forms.ModelChoiceField):
    """Facilities with their occupancy in the label, so a full one is seen before it is chosen."""

    def label_from_instance(self, obj: Any) -> str:
        return _("%(name)s (%(kind)s) — %(occupied)d/%(capacity)d posti occupati") % {
            "name": obj.name,
            "kind": obj.service_type.name,
            "occupied": getattr(obj, "occupied", 0),
            "capacity": obj.capacity,
        }


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Motivazione"), widget=forms.Textarea(attrs={"rows": 3}))


class ConfirmForm(StyledForm):
    note = forms.CharField(
        label=_("Nota (facoltativa)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ProposalForm(StyledForm):
    service_type = forms.ModelChoiceField(label=_("Servizio proposto"), queryset=ServiceType.objects.none())
    motivation = forms.CharField(
        label=_("Motivazione della proposta"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "La leggono anche l'area amministrativa e il Comune che sostiene la spesa: niente dettagli riservati "
            "(abusi, salute), che restano nella valutazione e nella relazione sociale."
        ),
    )
    hours_per_week = forms.DecimalField(
        label=_("Ore settimanali"), required=False, max_digits=5, decimal_places=1
    )
    duration_months = forms.IntegerField(
        label=_("Durata prevista (mesi)"), required=False, min_value=1, max_value=60
    )
    proposed_start = forms.DateField(label=_("Avvio proposto"), required=False, widget=DateInput())
    provider = forms.ModelChoiceField(
        label=_("Ente erogatore"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Per il sostegno educativo e le prestazioni affidate a un ente."),
    )
    facility = FacilityChoiceField(
        label=_("Struttura"),
        queryset=Facility.objects.none(),
        required=False,
        help_text=_("Per gli inserimenti residenziali e semiresidenziali: una struttura con posti liberi."),
    )
    foster_carer = forms.ModelChoiceField(
        label=_("Affidatari"),
        queryset=FosterCarer.objects.none(),
        required=False,
        help_text=_("Per l'affidamento familiare."),
    )
    placement_form = forms.ChoiceField(
        label=_("Forma"),
        choices=EMPTY_CHOICE + PlacementForm.choices,
        required=False,
        help_text=_("Affido o inserimento consensuale o giudiziale."),
    )
    foster_kind = forms.ChoiceField(
        label=_("Affido intra/eterofamiliare"), choices=EMPTY_CHOICE + FosterKind.choices, required=False
    )
    foster_time = forms.ChoiceField(
        label=_("Affido a tempo pieno/parziale"), choices=EMPTY_CHOICE + FosterTime.choices, required=False
    )

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
                    "provider": proposal.provider_id,
                    "facility": proposal.facility_id,
                    "foster_carer": proposal.foster_carer_id,
                    "placement_form": proposal.placement_form,
                    "foster_kind": proposal.foster_kind,
                    "foster_time": proposal.foster_time,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["service_type"].queryset = ServiceType.objects.filter(active=True, proposable=True)  # type: ignore[attr-defined]
        self.fields["provider"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind=Organisation.Kind.PROVIDER, active=True
        )
        facilities = Facility.objects.filter(active=True, service_type__delivery__in=PLACE_DELIVERIES)
        carers = FosterCarer.objects.filter(available=True)
        if proposal is not None:
            carers = carers.filter(territory_id=proposal.case.territory_id)
        self.fields["facility"].queryset = with_occupancy(facilities.select_related("service_type"))  # type: ignore[attr-defined]
        self.fields["foster_carer"].queryset = carers  # type: ignore[attr-defined]

    def proposal_data(self) -> ProposalData:
        d = self.cleaned_data
        return ProposalData(
            service_type=d["service_type"],
            motivation=d["motivation"],
            hours_per_week=d.get("hours_per_week"),
            duration_months=d.get("duration_months"),
            proposed_start=d.get("proposed_start"),
            provider=d.get("provider"),
            facility=d.get("facility"),
            foster_carer=d.get("foster_carer"),
            placement_form=d.get("placement_form") or "",
            foster_kind=d.get("foster_kind") or "",
            foster_time=d.get("foster_time") or "",
        )


def _share(label: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=10, decimal_places=2, min_value=0, required=False)


class AuthorisationForm(StyledForm):
    """The review (istruttoria) and its act: the checklist, the act, the budget commitment, the cost estimate
    and its shares, the means test, the paying Comune (seed 000 step 5)."""

    check_report = forms.BooleanField(required=False)
    check_residence = forms.BooleanField(required=False)
    check_budget = forms.BooleanField(required=False)
    check_provider = forms.BooleanField(required=False)
    check_family_share = forms.BooleanField(required=False)
    act_number = forms.CharField(label=_("Numero dell'atto (determina)"), max_length=40)
    act_date = forms.DateField(label=_("Data dell'atto"), widget=DateInput())
    commitment_number = forms.CharField(
        label=_("Impegno di spesa n."),
        max_length=40,
        required=False,
        help_text=_("Obbligatorio quando la spesa prevista è maggiore di zero."),
    )
    cost_estimate = forms.DecimalField(
        label=_("Spesa prevista (€)"), max_digits=10, decimal_places=2, min_value=0
    )
    share_municipality = _share(_("Quota a carico del Comune (€)"))
    share_family = _share(_("Quota a carico della famiglia (€)"))
    share_health = _share(_("Quota a carico del servizio sanitario (€)"))
    means_tested = forms.BooleanField(label=_("Prestazione con prova dei mezzi (ISEE)"), required=False)
    dsu_protocol = forms.CharField(
        label=_("Protocollo DSU"),
        max_length=30,
        required=False,
        help_text=_("La dichiarazione sostitutiva unica dell'ISEE, se c'è prova dei mezzi."),
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
        initial: dict[str, Any] = {
            "act_date": timezone.localdate(),
            "paying_municipality": review.paying_municipality if review else None,
        }
        if review is not None:
            initial.update({name: getattr(review, name) for name in REVIEW_CHECKS})
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for name in REVIEW_CHECKS:
            self.fields[name].label = _("Verificato: %(item)s") % {"item": review_check_label(name)}
        self.fields["share_municipality"].help_text = _(
            "Se nessuna quota è indicata, la spesa è tutta a carico del Comune; altrimenti la somma delle quote "
            "deve essere uguale alla spesa prevista."
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        required = ("act_number", "act_date", "cost_estimate", "paying_municipality")
        if all(cleaned.get(name) is not None for name in required):
            missing = authorisation_missing(self.authorisation_data())
            if missing:
                self.add_error(
                    None,
                    _("Per autorizzare completare l'istruttoria: %(missing)s.")
                    % {"missing": "; ".join(missing)},
                )
        return cleaned

    def authorisation_data(self) -> AuthorisationData:
        d = self.cleaned_data
        return AuthorisationData(
            act_number=d["act_number"],
            act_date=d["act_date"],
            cost_estimate=d["cost_estimate"],
            paying_municipality=d["paying_municipality"],
            checks=frozenset(name for name in REVIEW_CHECKS if d.get(name)),
            commitment_number=d.get("commitment_number") or "",
            share_municipality=d.get("share_municipality"),
            share_family=d.get("share_family"),
            share_health=d.get("share_health"),
            means_tested=bool(d.get("means_tested")),
            dsu_protocol=d.get("dsu_protocol") or "",
        )
