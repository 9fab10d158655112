"""Forms of the court pages; they only shape input, the services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tutela.cases.models import Case
from tutela.core.forms import DateInput, StyledForm
from tutela.court.models import (
    AuthorityKind,
    CourtDuty,
    CourtMandate,
    CourtOrder,
    Disclosure,
    JudicialAuthority,
    MandateKind,
    MeasureKind,
    Nature,
    OrderStage,
    PlaceKind,
    PlacingAuthority,
    ReportMethod,
    ReportPurpose,
    SectionKind,
    StepKind,
    StepOutcome,
    VisitFrequency,
)
from tutela.court.services.emergency import OUTCOMES, PlacementData
from tutela.court.services.orders import DutyData, MandateData, MeasureData, OrderData, ProceedingData
from tutela.court.services.reports import ReportContent, SectionData
from tutela.people.models import Person
from tutela.reference.models import Code

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=DATETIME_FORMAT, **kwargs)


def _datetime_field(label: Any, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=DateTimeInput(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
    )


def _text(label: Any, rows: int = 3, required: bool = False, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=required, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows})
    )


def _authorities(*kinds: str) -> Any:
    authorities = JudicialAuthority.objects.filter(active=True).select_related("organisation")
    return authorities.filter(kind__in=kinds) if kinds else authorities


class CompositeForm(StyledForm):
    """A form with formsets or sub-forms that validate with it (one submit, one service call)."""

    parts: list[Any]

    def is_valid(self) -> bool:
        results = [super().is_valid(), *(part.is_valid() for part in self.parts)]
        return all(results)


# --- proceedings and orders ----------------------------------------------------------------------------------


class ProceedingForm(StyledForm):
    authority = forms.ModelChoiceField(
        label=_("Autorità giudiziaria"), queryset=JudicialAuthority.objects.none()
    )
    rg_number = forms.CharField(label=_("Numero di ruolo generale (RG)"), max_length=20)
    rg_year = forms.IntegerField(label=_("Anno del ruolo"), min_value=1950, max_value=2200)
    nature = forms.ChoiceField(label=_("Natura del procedimento"), choices=Nature.choices)
    opened_on = forms.DateField(label=_("Aperto il"), widget=DateInput())
    judge_name = forms.CharField(label=_("Giudice relatore"), max_length=120, required=False)
    guardian_name = forms.CharField(label=_("Tutore"), max_length=120, required=False)
    special_curator_name = forms.CharField(label=_("Curatore speciale"), max_length=120, required=False)
    notes = _text(_("Note"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = _authorities()  # type: ignore[attr-defined]

    def proceeding_data(self) -> ProceedingData:
        return ProceedingData(**self.cleaned_data)


class MeasureForm(StyledForm):
    kind = forms.ChoiceField(
        label=_("Misura"), choices=[("", _("— nessuna —")), *MeasureKind.choices], required=False
    )
    persons = forms.ModelMultipleChoiceField(
        label=_("Persone interessate (incontri protetti: chi può incontrare il minore)"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    frequency = forms.ChoiceField(
        label=_("Frequenza degli incontri"), choices=[("", "—"), *VisitFrequency.choices], required=False
    )
    details = _text(_("Dettagli della misura"), rows=2)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        family = Person.objects.filter(relationships_as_relative__child=case.child).distinct()
        self.fields["persons"].queryset = family  # type: ignore[attr-defined]
        self.fields["persons"].label_from_instance = lambda p: p.full_name  # type: ignore[attr-defined]

    def measure_data(self) -> MeasureData | None:
        d = self.cleaned_data
        if not d.get("kind"):
            return None
        return MeasureData(
            kind=d["kind"], persons=tuple(d["persons"]), frequency=d["frequency"], details=d["details"]
        )


class MeasureAddForm(MeasureForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].required = True
        self.fields["kind"].choices = MeasureKind.choices  # type: ignore[attr-defined]


class DutyForm(StyledForm):
    description = forms.CharField(
        label=_("Adempimento"),
        max_length=150,
        required=False,
        help_text=_("Breve, senza nomi: compare nelle scadenze."),
    )
    due_on = forms.DateField(label=_("Entro il"), widget=DateInput(), required=False)
    every_months = forms.IntegerField(
        label=_("Ripetere ogni (mesi)"), min_value=1, max_value=24, required=False
    )
    details = _text(_("Dettagli"), rows=2)

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        if d.get("description") and not d.get("due_on"):
            self.add_error("due_on", _("Indicare entro quando va svolto l'adempimento."))
        return d

    def duty_data(self) -> DutyData | None:
        d = self.cleaned_data
        if not d.get("description"):
            return None
        return DutyData(
            description=d["description"],
            due_on=d["due_on"],
            every_months=d["every_months"],
            details=d["details"],
        )


class DutyAddForm(DutyForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["description"].required = True
        self.fields["due_on"].required = True


class MandateForm(StyledForm):
    kind = forms.ChoiceField(
        label=_("Incarico"), choices=[("", _("— nessuno —")), *MandateKind.choices], required=False
    )
    due_on = forms.DateField(label=_("Relazione entro il"), widget=DateInput(), required=False)
    details = _text(_("Quesito del giudice"), rows=2)

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        if d.get("kind") and not d.get("due_on"):
            self.add_error("due_on", _("Indicare entro quando va depositata la relazione."))
        return d

    def mandate_data(self) -> MandateData | None:
        d = self.cleaned_data
        if not d.get("kind"):
            return None
        return MandateData(kind=d["kind"], due_on=d["due_on"], details=d["details"])


class MandateAddForm(MandateForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].required = True
        self.fields["kind"].choices = MandateKind.choices  # type: ignore[attr-defined]
        self.fields["due_on"].required = True


MeasureFormSet = formset_factory(MeasureForm, extra=3, max_num=10)
DutyFormSet = formset_factory(DutyForm, extra=2, max_num=10)
MandateFormSet = formset_factory(MandateForm, extra=2, max_num=10)


class OrderForm(CompositeForm):
    number = forms.CharField(label=_("Numero del provvedimento"), max_length=40, required=False)
    order_date = forms.DateField(label=_("Data del provvedimento"), widget=DateInput())
    deposited_on = forms.DateField(label=_("Depositato in cancelleria il"), widget=DateInput())
    received_on = forms.DateField(label=_("Ricevuto dal servizio il"), widget=DateInput())
    stage = forms.ChoiceField(label=_("Carattere"), choices=OrderStage.choices, widget=forms.RadioSelect)
    nature = forms.ChoiceField(label=_("Natura"), choices=Nature.choices)
    sinba_type = forms.ModelChoiceField(
        label=_("Tipo di provvedimento (SINBA)"), queryset=Code.objects.none(), required=False
    )
    prescriptions = _text(_("Testo delle prescrizioni"), rows=4)
    report_every_months = forms.IntegerField(
        label=_("Relazioni periodiche ogni (mesi)"), min_value=1, max_value=24, required=False
    )
    first_report_due = forms.DateField(
        label=_("Prima relazione entro il"),
        widget=DateInput(),
        required=False,
        help_text=_("Se vuota: dalla ricezione più la periodicità."),
    )
    ends_previous = forms.BooleanField(
        label=_("Revoca o sostituisce i provvedimenti precedenti del procedimento"), required=False
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sinba_type"].queryset = Code.objects.of("TipoProvvedimentoGiudiziarioType")  # type: ignore[attr-defined]
        data = args[0] if args else None
        self.measures = MeasureFormSet(data, prefix="misure", form_kwargs={"case": case})
        self.duties = DutyFormSet(data, prefix="adempimenti")
        self.mandates = MandateFormSet(data, prefix="incarichi")
        self.parts = [self.measures, self.duties, self.mandates]

    def order_data(self) -> OrderData:
        return OrderData(**self.cleaned_data)

    def rows(self) -> dict[str, list[Any]]:
        return {
            "measures": [row for f in self.measures if (row := f.measure_data()) is not None],
            "duties": [duty for f in self.duties if (duty := f.duty_data()) is not None],
            "mandates": [mandate for f in self.mandates if (mandate := f.mandate_data()) is not None],
        }


class DutyDoneForm(StyledForm):
    duty = forms.ModelChoiceField(label=_("Adempimento"), queryset=CourtDuty.objects.none())
    done_on = forms.DateField(label=_("Svolto il"), widget=DateInput())
    note = _text(_("Nota"), rows=2)

    def __init__(self, *args: Any, order: CourtOrder, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"done_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        open_duties = order.duties.filter(completed_at__isnull=True, cancelled_at__isnull=True)
        self.fields["duty"].queryset = open_duties  # type: ignore[attr-defined]


class ReportStartForm(StyledForm):
    answers = forms.ChoiceField(label=_("La relazione risponde a"))

    def __init__(self, *args: Any, order: CourtOrder, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order = order
        choices: list[tuple[str, Any]] = []
        if order.first_report_due is not None:
            choices.append((ReportPurpose.PERIODIC, ReportPurpose.PERIODIC.label))
        for mandate in order.mandates.filter(completed_at__isnull=True, cancelled_at__isnull=True):
            choices.append(
                (
                    f"mandate:{mandate.pk}",
                    f"{mandate.get_kind_display()} ({_('entro')} {mandate.due_on:%d/%m/%Y})",
                )
            )
        for duty in order.duties.filter(completed_at__isnull=True, cancelled_at__isnull=True):
            choices.append((f"duty:{duty.pk}", f"{duty.description} ({_('entro')} {duty.due_on:%d/%m/%Y})"))
        choices.append((ReportPurpose.UPDATE, ReportPurpose.UPDATE.label))
        self.fields["answers"].choices = choices  # type: ignore[attr-defined]

    def report_target(self) -> dict[str, Any]:
        value = self.cleaned_data["answers"]
        if value.startswith("mandate:"):
            return {"purpose": ReportPurpose.MANDATE, "mandate": CourtMandate.objects.get(pk=int(value[8:]))}
        if value.startswith("duty:"):
            return {"purpose": ReportPurpose.DUTY, "duty": CourtDuty.objects.get(pk=int(value[5:]))}
        return {"purpose": value}


# --- report editor -------------------------------------------------------------------------------------------

SECTION_HELP = {
    SectionKind.FACTS: _("Solo i fatti osservati direttamente, con data e fonte; nessuna valutazione."),
    SectionKind.STATEMENTS: _("Le dichiarazioni delle parti e delle persone sentite, riportate come tali."),
    SectionKind.EVALUATIONS: _("Le valutazioni professionali, distinte dai fatti e dalle dichiarazioni."),
    SectionKind.METHODS: _("Colloqui, visite, test e strumenti utilizzati: quando e con chi."),
}


class SectionForm(StyledForm):
    text = _text(_("Testo"), rows=6)
    disclosure = forms.ChoiceField(
        label=_("Nella copia per le parti"),
        choices=Disclosure.choices,
        widget=forms.RadioSelect,
        initial=Disclosure.FULL,
    )
    redacted_text = _text(
        _("Testo ridotto per le parti"),
        rows=3,
        help_text=_(
            "Solo se la sezione è ostensibile nel testo ridotto: sostituisce il testo nella copia per le parti."
        ),
    )

    def section_data(self) -> SectionData:
        return SectionData(
            text=self.cleaned_data["text"],
            disclosure=self.cleaned_data["disclosure"],
            redacted_text=self.cleaned_data["redacted_text"],
        )


class ReportEditForm(CompositeForm):
    methods = forms.MultipleChoiceField(
        label=_("Metodi utilizzati"),
        choices=ReportMethod.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, data: Any = None, *, report: Any) -> None:
        sections = {s.kind: s for s in report.sections.all()}
        super().__init__(data, initial={"methods": report.methods})
        self.sections = []
        for kind in SectionKind.values:
            section = sections[kind]
            form = SectionForm(
                data,
                prefix=kind,
                initial={
                    "text": section.text,
                    "disclosure": section.disclosure,
                    "redacted_text": section.redacted_text,
                },
            )
            form.fields["text"].label = SectionKind(kind).label
            form.fields["text"].help_text = SECTION_HELP[SectionKind(kind)]
            self.sections.append((kind, SectionKind(kind).label, form))
        self.parts = [form for _kind, _label, form in self.sections]

    def content(self) -> ReportContent:
        return ReportContent(
            sections={kind: form.section_data() for kind, _label, form in self.sections},
            methods=tuple(self.cleaned_data["methods"]),
        )


class ConfirmForm(StyledForm):
    """A confirmation with nothing to fill in."""


# --- art. 403 ------------------------------------------------------------------------------------------------


class PlacementForm(StyledForm):
    placed_at = _datetime_field(_("Collocato il (data e ora)"))
    placing_authority = forms.ChoiceField(
        label=_("Autorità che ha disposto il collocamento"), choices=PlacingAuthority.choices
    )
    placing_authority_detail = forms.CharField(label=_("Ufficio o agente"), max_length=150, required=False)
    place_kind = forms.ChoiceField(label=_("Tipo di luogo sicuro"), choices=PlaceKind.choices)
    place = _text(_("Luogo sicuro"), rows=2, required=True)
    reasons = _text(_("Motivi del collocamento (sintetica relazione)"), rows=5, required=True)
    prosecutor = forms.ModelChoiceField(
        label=_("Pubblico Ministero da avvisare"), queryset=JudicialAuthority.objects.none()
    )
    court = forms.ModelChoiceField(
        label=_("Tribunale per i minorenni competente"),
        queryset=JudicialAuthority.objects.none(),
        required=False,
    )
    oral_notice_at = _datetime_field(_("Avviso orale al PM dato il (data e ora)"), required=False)
    oral_notice_who = forms.CharField(
        label=_("Avviso dato da / al magistrato"),
        max_length=200,
        required=False,
        help_text=_(
            "Se l'avviso non è ancora stato dato, lasciare vuoti questi due campi: resta da fare subito."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["prosecutor"].queryset = _authorities(  # type: ignore[attr-defined]
            AuthorityKind.JUVENILE_PROSECUTOR, AuthorityKind.ORDINARY_PROSECUTOR
        )
        self.fields["court"].queryset = _authorities(AuthorityKind.JUVENILE_COURT)  # type: ignore[attr-defined]

    def placement_data(self) -> PlacementData:
        return PlacementData(**self.cleaned_data)


class StepForm(StyledForm):
    done_at = _datetime_field(_("Avvenuto il (data e ora)"))
    outcome = forms.ChoiceField(label=_("Esito"), widget=forms.RadioSelect)
    who = forms.CharField(label=_("Chi"), max_length=200, required=False)
    note = _text(_("Nota"), rows=2)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        now = timezone.localtime().replace(second=0, microsecond=0)
        kwargs.setdefault("initial", {"done_at": now, "outcome": OUTCOMES[kind][0]})
        super().__init__(*args, **kwargs)
        labels = dict(StepOutcome.choices)
        self.fields["outcome"].choices = [(o, labels[o]) for o in OUTCOMES[kind]]  # type: ignore[attr-defined]
        if kind == StepKind.ORAL_NOTICE:
            self.fields["who"].label = _("Avviso dato da / al magistrato")
            self.fields["who"].required = True

    def clean_done_at(self) -> dt.datetime:
        value: dt.datetime = self.cleaned_data["done_at"]
        if value is None:
            raise ValidationError(_("Indicare data e ora."))
        return value
