from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tutela.accounts.models import Organisation, Territory
from tutela.core.forms import DateInput, StyledForm
from tutela.services.models import ServiceType
from tutela.surveys.models import Administration, Question, Questionnaire
from tutela.surveys.services import MAX_TOKENS, survey_desks


def _in_a_month() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=30)


class QuestionnaireForm(StyledForm):
    title = forms.CharField(label=_("Titolo"), max_length=200)
    introduction = forms.CharField(
        label=_("Presentazione per chi risponde"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("A cosa serve, che è anonimo, quanto tempo richiede."),
    )


class QuestionForm(StyledForm):
    text = forms.CharField(label=_("Domanda"), max_length=300)
    kind = forms.ChoiceField(label=_("Tipo di risposta"), choices=Question.Kind.choices)
    required = forms.BooleanField(label=_("Risposta obbligatoria"), required=False, initial=True)


class InterventionAdministrationForm(StyledForm):
    questionnaire = forms.ModelChoiceField(label=_("Questionario"), queryset=Questionnaire.objects.none())
    phase = forms.ChoiceField(
        label=_("Momento"),
        choices=[(p.value, p.label) for p in Administration.Phase if p != Administration.Phase.YEARLY],
    )
    closes_on = forms.DateField(
        label=_("Risposte accettate fino al"), widget=DateInput(), initial=_in_a_month
    )

    def __init__(self, *args: Any, territory_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = Questionnaire.objects.filter(  # type: ignore[attr-defined]
            territory_id=territory_id, active=True, questions__isnull=False
        ).distinct()


class DeskAdministrationForm(StyledForm):
    desk = forms.ModelChoiceField(label=_("Sportello"), queryset=Organisation.objects.none())
    year = forms.IntegerField(label=_("Anno"), min_value=2000, max_value=2100)
    closes_on = forms.DateField(
        label=_("Risposte accettate fino al"), widget=DateInput(), initial=_in_a_month
    )

    def __init__(self, *args: Any, territory: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["desk"].queryset = survey_desks(territory)  # type: ignore[attr-defined]
        self.fields["year"].initial = timezone.localdate().year


class TokensForm(StyledForm):
    count = forms.IntegerField(label=_("Quanti"), min_value=1, max_value=MAX_TOKENS, initial=10)
    printed = forms.TypedChoiceField(
        label=_("Forma"),
        choices=[
            ("0", _("Link personali da inviare o consegnare (uno per persona)")),
            ("1", _("Codici da stampare e consegnare a mano")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
    )


class ResultsFilterForm(StyledForm):
    phase = forms.ChoiceField(label=_("Momento"), required=False)
    year = forms.IntegerField(label=_("Anno"), required=False, min_value=2000, max_value=2100)
    desk = forms.ModelChoiceField(label=_("Sportello"), queryset=Organisation.objects.none(), required=False)
    service_type = forms.ModelChoiceField(
        label=_("Tipo di intervento"), queryset=ServiceType.objects.none(), required=False
    )

    def __init__(self, *args: Any, questionnaire: Questionnaire, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = [("", _("Tutti")), *Administration.Phase.choices]  # type: ignore[attr-defined]
        administrations = questionnaire.administrations.all()
        self.fields["desk"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=administrations.values("desk_id")
        )
        self.fields["desk"].empty_label = str(_("Tutti"))  # type: ignore[attr-defined]
        self.fields["service_type"].queryset = ServiceType.objects.filter(  # type: ignore[attr-defined]
            pk__in=administrations.values("intervention__service_type_id")
        )
        self.fields["service_type"].empty_label = str(_("Tutti"))  # type: ignore[attr-defined]


class ConfirmForm(StyledForm):
    pass


class CodeForm(StyledForm):
    code = forms.CharField(
        label=_("Codice del questionario"),
        max_length=40,
        help_text=_("Il codice stampato sul foglio ricevuto, ad esempio ABCD-EFGH-JKMN."),
    )


class AnswerForm(StyledForm):
    """The questions of a questionnaire, one field each (q<question id>)."""

    SCALE = [(str(v), str(v)) for v in range(1, 6)]
    YES_NO = [("1", _("Sì")), ("0", _("No"))]

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            name = f"q{question.pk}"
            if question.kind == Question.Kind.SCALE:
                self.fields[name] = forms.TypedChoiceField(
                    label=question.text,
                    choices=self.SCALE,
                    coerce=int,
                    widget=forms.RadioSelect,
                    required=question.required,
                    help_text=_("1 = per niente, 5 = moltissimo"),
                )
            elif question.kind == Question.Kind.YES_NO:
                self.fields[name] = forms.TypedChoiceField(
                    label=question.text,
                    choices=self.YES_NO,
                    coerce=lambda value: value == "1",
                    widget=forms.RadioSelect,
                    required=question.required,
                    empty_value=None,
                )
            else:
                self.fields[name] = forms.CharField(
                    label=question.text,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    max_length=2000,
                    required=question.required,
                )

    def answers(self) -> dict[int, Any]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}
