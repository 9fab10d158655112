from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tutela.accounts.models import Membership, Municipality, Team, Territory, User
from tutela.accounts.roles import Role
from tutela.core.forms import DateInput, StyledForm
from tutela.indicators.figures import MetricFilter
from tutela.indicators.models import Indicator, Objective, Phase
from tutela.indicators.services import ActualData, IndicatorData, ObjectiveData, PhaseData
from tutela.indicators.sources import OBJECTIVE_SOURCES

MAX_PERIOD_DAYS = 5 * 366


def _choice(form: forms.Form, name: str) -> forms.ModelChoiceField[Any]:
    return cast(forms.ModelChoiceField, form.fields[name])  # type: ignore[type-arg]


class IndicatorFilterForm(StyledForm):
    """The dashboard's filters (GET): period, Comune of residence, team; a territory when the user has several."""

    territorio = forms.ModelChoiceField(
        label=_("Territorio"), queryset=Territory.objects.none(), required=False
    )
    dal = forms.DateField(label=_("Dal"), widget=DateInput(), required=False)
    al = forms.DateField(label=_("Al"), widget=DateInput(), required=False)
    comune = forms.ModelChoiceField(
        label=_("Comune di residenza"), queryset=Municipality.objects.none(), required=False
    )
    equipe = forms.ModelChoiceField(label=_("Équipe"), queryset=Team.objects.none(), required=False)

    def __init__(self, data: Any, *, territories: set[int]) -> None:
        super().__init__(data)
        self.territories = Territory.objects.filter(pk__in=territories).order_by("name")
        _choice(self, "territorio").queryset = self.territories
        if len(territories) < 2:
            del self.fields["territorio"]
        territory = self._territory_guess()
        _choice(self, "comune").queryset = (
            territory.municipalities.order_by("name") if territory else Municipality.objects.none()
        )
        _choice(self, "comune").empty_label = str(_("Tutti i Comuni"))
        _choice(self, "equipe").queryset = Team.objects.filter(organisation__territory=territory).order_by(
            "name"
        )
        _choice(self, "equipe").empty_label = str(_("Tutte le équipe"))

    def _territory_guess(self) -> Territory | None:
        if "territorio" in self.fields and self.data.get("territorio", "").isdigit():
            chosen = self.territories.filter(pk=int(self.data["territorio"])).first()
            if chosen is not None:
                return chosen
        return self.territories.first()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        start = data.get("dal") or today.replace(month=1, day=1)
        end = data.get("al") or today
        if end < start:
            raise ValidationError({"al": _("La fine del periodo non può precedere l'inizio.")})
        if (end - start).days > MAX_PERIOD_DAYS:
            raise ValidationError({"dal": _("Il periodo può durare al massimo cinque anni.")})
        data["dal"], data["al"] = start, end
        return data

    def metric_filter(self) -> MetricFilter | None:
        """The filter chosen (or the default one: this year to date, the whole territory); None without any
        territory."""
        territory = self._territory_guess()
        if territory is None:
            return None
        if self.is_bound and self.is_valid():
            data = self.cleaned_data
            return MetricFilter(
                data.get("territorio") or territory,
                data["dal"],
                data["al"],
                data.get("comune"),
                data.get("equipe"),
            )
        today = timezone.localdate()
        return MetricFilter(territory, today.replace(month=1, day=1), today)


def filter_query(f: MetricFilter) -> dict[str, str]:
    """The GET parameters of a filter, for links to the drill-down and the export."""
    query = {"territorio": str(f.territory.pk), "dal": f.start.isoformat(), "al": f.end.isoformat()}
    if f.municipality is not None:
        query["comune"] = str(f.municipality.pk)
    if f.team is not None:
        query["equipe"] = str(f.team.pk)
    return query


class ObjectiveForm(StyledForm):
    code = forms.CharField(label=_("Codice"), max_length=30)
    title = forms.CharField(label=_("Titolo"), max_length=300)
    description = forms.CharField(
        label=_("Descrizione dettagliata"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    direction = forms.CharField(label=_("Direzione"), max_length=120, required=False)
    director = forms.CharField(label=_("Direttore"), max_length=200, required=False)
    service = forms.CharField(label=_("Servizio"), max_length=120, required=False)
    responsible = forms.CharField(label=_("Dirigente responsabile"), max_length=200)
    classification = forms.CharField(label=_("Classificazione"), max_length=120, required=False)
    kind = forms.CharField(label=_("Tipologia"), max_length=60, required=False)
    dup_strategic_line = forms.CharField(label=_("Indirizzo strategico DUP"), max_length=200, required=False)
    dup_strategic_objective = forms.CharField(
        label=_("Obiettivo strategico DUP"), max_length=200, required=False
    )
    peg_reference = forms.CharField(label=_("Riferimento PEG"), max_length=200, required=False)
    starts_on = forms.DateField(label=_("Inizio del periodo"), widget=DateInput())
    ends_on = forms.DateField(label=_("Fine del periodo"), widget=DateInput())

    @classmethod
    def initial_of(cls, objective: Objective) -> dict[str, Any]:
        return {name: getattr(objective, name) for name in cls.base_fields}

    def objective_data(self) -> ObjectiveData:
        return ObjectiveData(**{name: self.cleaned_data[name] for name in self.fields})


class PhaseForm(StyledForm):
    title = forms.CharField(label=_("Descrizione"), max_length=300)
    weight = forms.DecimalField(
        label=_("Peso (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
    )
    planned_start = forms.DateField(label=_("Inizio previsto"), widget=DateInput())
    planned_end = forms.DateField(label=_("Fine prevista"), widget=DateInput())
    responsible = forms.CharField(label=_("Responsabile"), max_length=200)
    responsibility_centre = forms.CharField(
        label=_("Centro di responsabilità"), max_length=200, required=False
    )
    actual_start = forms.DateField(label=_("Inizio effettivo"), widget=DateInput(), required=False)
    actual_end = forms.DateField(label=_("Fine effettiva"), widget=DateInput(), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    @classmethod
    def initial_of(cls, phase: Phase) -> dict[str, Any]:
        return {name: getattr(phase, name) for name in cls.base_fields}

    def phase_data(self) -> PhaseData:
        return PhaseData(**{name: self.cleaned_data[name] for name in self.fields})


class IndicatorForm(StyledForm):
    kind = forms.ChoiceField(label=_("Tipo"), choices=Indicator.Kind.choices)
    description = forms.CharField(
        label=_("Descrizione"), max_length=400, widget=forms.Textarea(attrs={"rows": 2})
    )
    value_type = forms.ChoiceField(
        label=_("Valore atteso"), choices=Indicator.ValueType.choices, widget=forms.RadioSelect
    )
    expected_numerator = forms.DecimalField(
        label=_("Valore atteso (es. 120 di 120/200)"), max_digits=12, decimal_places=2, required=False
    )
    expected_denominator = forms.DecimalField(
        label=_("su (es. 200 di 120/200)"), max_digits=12, decimal_places=2, required=False
    )
    expected_date = forms.DateField(label=_("Data attesa"), widget=DateInput(), required=False)
    metric_key = forms.ChoiceField(label=_("Valore rilevato"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["metric_key"]).choices = [
            ("", _("inserito a mano, con una nota")),
            *(
                (key, _("calcolato dai dati: %(label)s") % {"label": s.label})
                for key, s in OBJECTIVE_SOURCES.items()
            ),
        ]

    def indicator_data(self) -> IndicatorData:
        return IndicatorData(**{name: self.cleaned_data[name] for name in self.fields})


class ActualForm(StyledForm):
    numerator = forms.DecimalField(
        label=_("Valore rilevato"), max_digits=12, decimal_places=2, required=False
    )
    denominator = forms.DecimalField(label=_("su"), max_digits=12, decimal_places=2, required=False)
    day = forms.DateField(
        label=_("Data in cui il risultato è stato raggiunto"), widget=DateInput(), required=False
    )
    note = forms.CharField(label=_("Fonte del valore (atto, verbale, rilevazione)"), max_length=400)

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if indicator.value_type == Indicator.ValueType.DATE:
            del self.fields["numerator"], self.fields["denominator"]
        else:
            del self.fields["day"]

    def actual_data(self) -> ActualData:
        data = self.cleaned_data
        return ActualData(
            note=data["note"],
            numerator=data.get("numerator"),
            denominator=data.get("denominator"),
            day=data.get("day"),
        )


class ConfirmForm(StyledForm):
    pass


class StaffFTEForm(StyledForm):
    user = forms.ModelChoiceField(label=_("Assistente sociale"), queryset=User.objects.none())
    fte = forms.DecimalField(
        label=_("Tempo pieno equivalente"),
        max_digits=3,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("1"),
        help_text=_("1 = tempo pieno, 0,5 = metà tempo."),
    )
    valid_from = forms.DateField(label=_("In vigore dal"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = Membership.objects.filter(role=Role.SOCIAL_WORKER, organisation__territory=territory).values(
            "user_id"
        )
        _choice(self, "user").queryset = User.objects.filter(pk__in=users).order_by("last_name", "first_name")
