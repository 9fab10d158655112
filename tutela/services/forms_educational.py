"""Forms of home educational support: educators, timesheets, PEI, progress reports and controls."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from tutela.core.forms import DateInput, StyledForm
from tutela.services.controls import ControlData
from tutela.services.educational import AssignmentData, educators_of
from tutela.services.educational_project import GoalData, ProjectData
from tutela.services.models import (
    DeliveryControl,
    DeliveryRecord,
    EducationalProject,
    EducatorAssignment,
    Intervention,
    ProjectGoal,
)
from tutela.services.progress import ProgressReportData, court_organisations
from tutela.services.timesheets import DELETE_WINDOW, DeliveryData


class EducatorChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


class AssignmentForm(StyledForm):
    educator = EducatorChoice(label=_("Educatore"), queryset=EducatorAssignment.objects.none())
    hours_per_week = forms.DecimalField(
        label=_("Ore settimanali"), max_digits=5, decimal_places=1, min_value=0.5, max_value=60
    )
    starts_on = forms.DateField(label=_("Dal"), widget=DateInput())

    def __init__(self, *args: Any, intervention: Intervention, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"starts_on": intervention.started_on or intervention.planned_start or timezone.localdate()},
        )
        super().__init__(*args, **kwargs)
        self.fields["educator"].queryset = educators_of(intervention.provider_id)  # type: ignore[attr-defined]

    def assignment_data(self) -> AssignmentData:
        d = self.cleaned_data
        return AssignmentData(
            educator=d["educator"], hours_per_week=d["hours_per_week"], starts_on=d["starts_on"]
        )


class AssignmentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _("%(name)s — %(hours)s ore settimanali dal %(day)s") % {
            "name": obj.educator.get_full_name(),
            "hours": obj.hours_per_week,
            "day": obj.starts_on.strftime("%d/%m/%Y"),
        }


class AssignmentEndForm(StyledForm):
    assignment = AssignmentChoice(label=_("Assegnazione"), queryset=EducatorAssignment.objects.none())
    ends_on = forms.DateField(label=_("Ultimo giorno"), widget=DateInput())

    def __init__(self, *args: Any, intervention: Intervention, selected: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"ends_on": timezone.localdate(), "assignment": selected})
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = EducatorAssignment.objects.filter(  # type: ignore[attr-defined]
            intervention=intervention, ends_on__isnull=True
        ).select_related("educator")


class DeliveryForm(StyledForm):
    day = forms.DateField(label=_("Giorno"), widget=DateInput())
    hours = forms.DecimalField(
        label=_("Ore erogate"), max_digits=4, decimal_places=2, min_value=0.25, max_value=12
    )
    activity = forms.CharField(
        label=_("Attività svolta"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Testo riservato: lo leggono il servizio e chi lavora all'intervento."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"day": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def delivery_data(self) -> DeliveryData:
        d = self.cleaned_data
        return DeliveryData(day=d["day"], hours=d["hours"], activity=d["activity"])


class RecordChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _("%(day)s — %(hours)s ore") % {"day": obj.day.strftime("%d/%m/%Y"), "hours": obj.units}


class DeliveryDeleteForm(StyledForm):
    record = RecordChoice(label=_("Registrazione da eliminare"), queryset=DeliveryRecord.objects.none())

    def __init__(
        self, *args: Any, intervention: Intervention, user: Any, selected: Any = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {"record": selected})
        super().__init__(*args, **kwargs)
        since = timezone.now() - DELETE_WINDOW
        self.fields["record"].queryset = DeliveryRecord.objects.filter(  # type: ignore[attr-defined]
            intervention=intervention, operator=user, recorded_at__gte=since
        )


class ProjectForm(StyledForm):
    general_objective = forms.CharField(
        label=_("Obiettivo generale"), widget=forms.Textarea(attrs={"rows": 4})
    )
    family_involvement = forms.CharField(
        label=_("Coinvolgimento delle figure genitoriali"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    next_review_on = forms.DateField(
        label=_("Prossima verifica"),
        widget=DateInput(),
        required=False,
        help_text=_(
            "Diventa una scadenza dell'assistente sociale referente; una nuova data sostituisce la precedente."
        ),
    )
    shared_with_municipality = forms.BooleanField(
        label=_("Progetto condiviso con il referente del Comune"), required=False
    )

    def __init__(self, *args: Any, project: EducationalProject | None = None, **kwargs: Any) -> None:
        if project is not None:
            kwargs.setdefault(
                "initial",
                {
                    "general_objective": project.general_objective,
                    "family_involvement": project.family_involvement,
                    "next_review_on": project.next_review_on,
                    "shared_with_municipality": project.shared_with_municipality,
                },
            )
        super().__init__(*args, **kwargs)

    def project_data(self) -> ProjectData:
        d = self.cleaned_data
        return ProjectData(
            general_objective=d["general_objective"],
            family_involvement=d.get("family_involvement", ""),
            shared_with_municipality=d.get("shared_with_municipality", False),
            next_review_on=d.get("next_review_on"),
        )


class GoalForm(StyledForm):
    description = forms.CharField(label=_("Obiettivo"), widget=forms.Textarea(attrs={"rows": 2}))
    actions = forms.CharField(label=_("Azioni"), widget=forms.Textarea(attrs={"rows": 3}))
    responsible = forms.CharField(
        label=_("Chi fa che cosa"),
        max_length=200,
        help_text=_("Es.: educatore a domicilio due pomeriggi, madre accompagna a scuola."),
    )
    review_on = forms.DateField(label=_("Data di verifica"), widget=DateInput(), required=False)

    def goal_data(self) -> GoalData:
        d = self.cleaned_data
        return GoalData(
            description=d["description"],
            actions=d["actions"],
            responsible=d["responsible"],
            review_on=d.get("review_on"),
        )


class GoalChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _("%(goal)s (%(status)s)") % {
            "goal": Truncator(obj.description).chars(70),
            "status": obj.get_status_display(),
        }


GOAL_OUTCOMES = [
    ("achieve", _("Raggiunto")),
    ("partial", _("Parzialmente raggiunto")),
    ("not_achieved", _("Non raggiunto")),
    ("reopen", _("Riapri (torna in corso)")),
]


class GoalReviewForm(StyledForm):
    goal = GoalChoice(label=_("Obiettivo"), queryset=ProjectGoal.objects.none())
    outcome = forms.ChoiceField(label=_("Esito della verifica"), choices=GOAL_OUTCOMES)

    def __init__(
        self, *args: Any, project: EducationalProject | None, selected: Any = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {"goal": selected})
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = (  # type: ignore[attr-defined]
            ProjectGoal.objects.filter(project=project) if project else ProjectGoal.objects.none()
        )


class ProgressReportForm(StyledForm):
    period_from = forms.DateField(label=_("Periodo dal"), widget=DateInput())
    period_to = forms.DateField(label=_("al"), widget=DateInput())
    text = forms.CharField(label=_("Andamento del progetto"), widget=forms.Textarea(attrs={"rows": 8}))
    for_court = forms.BooleanField(
        label=_("Relazione destinata all'autorità giudiziaria"),
        required=False,
        help_text=_(
            "La trasmette il servizio sociale, con protocollo: l'ente erogatore non la invia al tribunale."
        ),
    )

    def report_data(self) -> ProgressReportData:
        d = self.cleaned_data
        return ProgressReportData(
            period_from=d["period_from"],
            period_to=d["period_to"],
            text=d["text"],
            for_court=d.get("for_court", False),
        )


class TransmitForm(StyledForm):
    court = forms.ModelChoiceField(label=_("Autorità giudiziaria"), queryset=court_organisations())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = court_organisations()  # type: ignore[attr-defined]


class ControlForm(StyledForm):
    day = forms.DateField(label=_("Data del controllo"), widget=DateInput())
    method = forms.ChoiceField(label=_("Modalità"), choices=DeliveryControl.Method.choices)
    outcome = forms.ChoiceField(label=_("Esito"), choices=DeliveryControl.Outcome.choices)
    findings = forms.CharField(label=_("Rilievi"), widget=forms.Textarea(attrs={"rows": 4}))
    follow_up = forms.CharField(
        label=_("Azioni conseguenti"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    follow_up_due = forms.DateField(
        label=_("Azioni da concludere entro il"),
        widget=DateInput(),
        required=False,
        help_text=_("Diventa una tua scadenza, che si chiude quando registri la conclusione delle azioni."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"day": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def control_data(self) -> ControlData:
        d = self.cleaned_data
        return ControlData(
            day=d["day"],
            method=d["method"],
            outcome=d["outcome"],
            findings=d["findings"],
            follow_up=d.get("follow_up", ""),
            follow_up_due=d.get("follow_up_due"),
        )


class ReplyForm(StyledForm):
    reply = forms.CharField(label=_("Risposta dell'ente erogatore"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, control: DeliveryControl, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"reply": control.provider_reply})
        super().__init__(*args, **kwargs)


class CloseFollowUpForm(StyledForm):
    """Confirming the close of a control's follow-up: nothing to type."""
