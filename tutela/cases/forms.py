from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tutela.accounts.models import User
from tutela.accounts.roles import Role
from tutela.assessments.models import SocialReport
from tutela.assessments.services import AssessmentData, ReportData
from tutela.cases.models import Case, JournalEntry
from tutela.core.forms import DateInput, MunicipalityField, StyledForm
from tutela.intake.forms import ChildFields
from tutela.people.models import Relationship
from tutela.reference.models import Code, CodeList
from tutela.services.models import ServiceType
from tutela.services.services import ProposalData


class NoteForm(StyledForm):
    note = forms.CharField(label=_("Motivazione"), widget=forms.Textarea(attrs={"rows": 3}))


class OptionalNoteForm(StyledForm):
    note = forms.CharField(label=_("Nota"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class AssignForm(StyledForm):
    social_worker = forms.ModelChoiceField(label=_("Assistente sociale"), queryset=User.objects.none())
    note = forms.CharField(
        label=_("Nota per l'assistente sociale"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["social_worker"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(
                is_active=True,
                memberships__active=True,
                memberships__role=Role.SOCIAL_WORKER,
                memberships__organisation__territory=case.territory_id,
            )
            .distinct()
            .order_by("last_name", "first_name")
        )


class AssessmentFields(StyledForm):
    summary = forms.CharField(label=_("Sintesi della valutazione"), widget=forms.Textarea(attrs={"rows": 4}))
    child_problem = forms.ModelChoiceField(
        label=_("Problematica prevalente del minore (SINBA)"), queryset=Code.objects.none(), required=False
    )
    family_problem = forms.ModelChoiceField(
        label=_("Problematica prevalente della famiglia (SINBA)"),
        queryset=Code.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child_problem"].queryset = Code.objects.of(CodeList.CHILD_PROBLEM)  # type: ignore[attr-defined]
        self.fields["family_problem"].queryset = Code.objects.of(CodeList.FAMILY_PROBLEM)  # type: ignore[attr-defined]

    def assessment_data(self) -> AssessmentData:
        d = self.cleaned_data
        return AssessmentData(
            summary=d["summary"], child_problem=d.get("child_problem"), family_problem=d.get("family_problem")
        )


class NoGroundsForm(AssessmentFields):
    pass


class SocialReportForm(AssessmentFields):
    """A social report; in assessment it also records the assessment; with outcome it proposes a service."""

    kind = forms.ChoiceField(
        label=_("Tipo di relazione"), choices=SocialReport.Kind.choices, widget=forms.RadioSelect
    )
    facts = forms.CharField(label=_("Fatti osservati"), widget=forms.Textarea(attrs={"rows": 5}))
    statements = forms.CharField(
        label=_("Dichiarazioni delle persone sentite"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    evaluations = forms.CharField(
        label=_("Valutazioni professionali"), widget=forms.Textarea(attrs={"rows": 5})
    )
    proposals = forms.CharField(label=_("Proposte"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    service_type = forms.ModelChoiceField(
        label=_("Servizio proposto"),
        queryset=ServiceType.objects.none(),
        required=False,
        help_text=_("Solo per la relazione con esito."),
    )
    motivation = forms.CharField(
        label=_("Motivazione della proposta"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    hours_per_week = forms.DecimalField(
        label=_("Ore settimanali"), required=False, max_digits=5, decimal_places=1
    )
    duration_months = forms.IntegerField(
        label=_("Durata prevista (mesi)"), required=False, min_value=1, max_value=60
    )
    proposed_start = forms.DateField(label=_("Avvio proposto"), required=False, widget=DateInput())

    def __init__(self, *args: Any, with_assessment: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service_type"].queryset = ServiceType.objects.filter(active=True, proposable=True)  # type: ignore[attr-defined]
        if not with_assessment:
            for name in ("summary", "child_problem", "family_problem"):
                del self.fields[name]
        self.order_fields(["summary", "child_problem", "family_problem", "kind"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == SocialReport.Kind.WITH_OUTCOME:
            if not cleaned.get("service_type"):
                self.add_error("service_type", _("Una relazione con esito deve proporre un servizio."))
            if not (cleaned.get("motivation") or "").strip():
                self.add_error("motivation", _("Motivare la proposta."))
        return cleaned

    def report_data(self) -> ReportData:
        d = self.cleaned_data
        return ReportData(
            kind=d["kind"],
            facts=d["facts"],
            evaluations=d["evaluations"],
            statements=d.get("statements", ""),
            proposals=d.get("proposals", ""),
        )

    def proposal_data(self) -> ProposalData | None:
        d = self.cleaned_data
        if d["kind"] != SocialReport.Kind.WITH_OUTCOME:
            return None
        return ProposalData(
            service_type=d["service_type"],
            motivation=d["motivation"],
            hours_per_week=d.get("hours_per_week"),
            duration_months=d.get("duration_months"),
            proposed_start=d.get("proposed_start"),
        )

    def assessment_or_none(self) -> AssessmentData | None:
        return self.assessment_data() if "summary" in self.fields else None


class ClosureRequestForm(StyledForm):
    reason = forms.ModelChoiceField(label=_("Motivo di chiusura (SINBA)"), queryset=Code.objects.none())
    note = forms.CharField(label=_("Motivazione"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = Code.objects.of(CodeList.CLOSURE_REASON)  # type: ignore[attr-defined]


class JournalForm(StyledForm):
    kind = forms.ChoiceField(label=_("Tipo"), choices=JournalEntry.Kind.choices)
    occurred_on = forms.DateField(label=_("Data"), widget=DateInput())
    text = forms.CharField(label=_("Testo"), widget=forms.Textarea(attrs={"rows": 4}))
    confidential = forms.BooleanField(
        label=_("Riservata (visibile solo a chi può vedere le sezioni riservate)"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate()


class RelativeForm(ChildFields):
    kind = forms.ChoiceField(label=_("Relazione con il minore"), choices=Relationship.Kind.choices)
    cohabiting = forms.BooleanField(label=_("Convivente"), required=False)
    residence_municipality = MunicipalityField(label=_("Comune di residenza"), required=False)

    field_order = ["kind", "cohabiting"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["surname"].label = _("Cognome")
        self.fields["given_name"].label = _("Nome")


class MemberForm(StyledForm):
    user = forms.ModelChoiceField(label=_("Professionista"), queryset=User.objects.none())
    role_label = forms.CharField(
        label=_("Ruolo nel caso"),
        max_length=120,
        required=False,
        help_text=_("Es. educatore ADM, psicologa consultorio. Se vuoto, il profilo professionale."),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        from tutela.cases.services.members import TEAM_ROLES

        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(
                is_active=True,
                memberships__active=True,
                memberships__role__in=TEAM_ROLES,
                memberships__organisation__territory=case.territory_id,
            )
            .exclude(pk=case.lead_social_worker_id or 0)
            .exclude(case_memberships__case=case)
            .distinct()
            .order_by("last_name", "first_name")
        )
