"""Forms of the intervention page's acts: start, suspend, resume, end, court extension, monitoring."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tutela.core.forms import DateInput, StyledForm
from tutela.reference.models import Code
from tutela.services.delivery import ExtensionData, MonitoringData, outcome_choices
from tutela.services.models import Intervention, MonitoringEntry


def _today() -> Any:
    return timezone.localdate()


class DayForm(StyledForm):
    """A dated act with an optional note (start, resumption)."""

    day = forms.DateField(label=_("Data"), widget=DateInput(), initial=_today)
    note = forms.CharField(
        label=_("Nota (facoltativa)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ActivationForm(DayForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].label = _("Data di avvio")


class ResumeForm(DayForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].label = _("Ripreso il")


class SuspensionForm(StyledForm):
    day = forms.DateField(label=_("Sospeso dal"), widget=DateInput(), initial=_today)
    reason = forms.CharField(label=_("Motivo della sospensione"), widget=forms.Textarea(attrs={"rows": 3}))


class EndForm(StyledForm):
    day = forms.DateField(label=_("Concluso il"), widget=DateInput(), initial=_today)
    reason = forms.CharField(label=_("Motivo della conclusione"), widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.ModelChoiceField(
        label=_("Esito del collocamento (SINBA)"), queryset=Code.objects.none(), required=False
    )

    def __init__(self, *args: Any, intervention: Intervention, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = outcome_choices(intervention)
        if getattr(intervention, "placement", None) is None:
            del self.fields["outcome"]
        else:
            self.fields["outcome"].queryset = choices  # type: ignore[attr-defined]
            self.fields["outcome"].required = True


class ExtensionForm(StyledForm):
    until = forms.DateField(label=_("Affidamento prorogato fino al"), widget=DateInput())
    decree_date = forms.DateField(
        label=_("Data del decreto del Tribunale per i minorenni"), widget=DateInput()
    )
    decree_reference = forms.CharField(label=_("Estremi del decreto (n. / R.G.)"), max_length=80)
    note = forms.CharField(
        label=_("Nota (facoltativa)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def extension_data(self) -> ExtensionData:
        d = self.cleaned_data
        return ExtensionData(
            until=d["until"],
            decree_date=d["decree_date"],
            decree_reference=d["decree_reference"],
            note=d.get("note", ""),
        )


class MonitoringForm(StyledForm):
    day = forms.DateField(label=_("Data"), widget=DateInput(), initial=_today)
    assessment = forms.ChoiceField(label=_("Valutazione"), choices=MonitoringEntry.Assessment.choices)
    text = forms.CharField(label=_("Osservazioni"), widget=forms.Textarea(attrs={"rows": 4}))
    next_check_on = forms.DateField(
        label=_("Prossimo monitoraggio"),
        widget=DateInput(),
        required=False,
        help_text=_("Diventa una tua scadenza; quella precedente risulta rispettata."),
    )

    def monitoring_data(self) -> MonitoringData:
        d = self.cleaned_data
        return MonitoringData(
            day=d["day"], assessment=d["assessment"], text=d["text"], next_check_on=d.get("next_check_on")
        )


class ConfirmForm(StyledForm):
    """An act without data (the Comune's acknowledgement)."""
