from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.db import models
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tutela.accounts.models import Municipality
from tutela.core.forms import DateInput, StyledForm
from tutela.reference.models import Code
from tutela.returns.models import ReturnKind, SinbaChildData
from tutela.returns.selectors import export_municipalities
from tutela.returns.services import SINBA_FIELDS, code_list_of

# The SINBA data form in sections (the fields of each, in SINBA_FIELDS order).
SINBA_SECTIONS: tuple[tuple[Any, tuple[str, ...]], ...] = (
    (
        _("Il minore"),
        (
            "unaccompanied_foreign_minor",
            "orphan_status",
            "living_place",
            "school",
            "work_condition",
            "residence_country",
            "citizenship_code",
        ),
    ),
    (_("Disabilità"), ("disability", "disability_kind", "disability_certification")),
    (
        _("La famiglia"),
        (
            "family_composition",
            "father_education",
            "mother_education",
            "father_occupation",
            "mother_occupation",
            "isee_household_size",
            "isee_band",
        ),
    ),
    (
        _("Autorità giudiziaria"),
        (
            "reported_to_court",
            "reported_to_court_on",
            "court_order",
            "court_order_on",
            "court_authority",
            "parental_responsibility",
            "court_order_kind",
        ),
    ),
    (_("Collocamento, rete e chiusura"), ("residential_with_parent", "collaboration", "closure_situation")),
)


@dataclass
class FieldSection:
    """A titled part of a form, shaped like a form for partials/form.html."""

    title: Any
    fields: list[forms.BoundField]
    errors: list[Any]

    def visible_fields(self) -> list[forms.BoundField]:
        return self.fields

    def hidden_fields(self) -> list[forms.BoundField]:
        return []

    def non_field_errors(self) -> list[Any]:
        return self.errors


def _model_field(name: str) -> forms.Field:
    field = cast(models.Field, SinbaChildData._meta.get_field(name))
    label = str(field.verbose_name)
    label = label[:1].upper() + label[1:]
    code_list = code_list_of(name)
    if code_list is not None:
        return forms.ModelChoiceField(
            queryset=Code.objects.of(code_list), required=False, label=label, help_text=field.help_text
        )
    if name.endswith("_on"):
        return forms.DateField(required=False, label=label, widget=DateInput())
    if name == "isee_household_size":
        return forms.IntegerField(required=False, label=label, min_value=1, max_value=9)
    return forms.CharField(
        required=False,
        label=label,
        max_length=3,
        validators=list(field.validators),
        help_text=field.help_text,
    )


class SinbaDataForm(StyledForm):
    family_composition = forms.ModelMultipleChoiceField(
        queryset=Code.objects.of("ComposizioneFamigliaType"),
        required=False,
        label=_("Conviventi"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Se non ne scegli, si ricavano dai familiari conviventi registrati nella pratica."),
    )

    def __init__(self, *args: Any, instance: SinbaChildData | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            initial: dict[str, Any] = {name: getattr(instance, name) for name in SINBA_FIELDS}
            initial["family_composition"] = list(instance.family_composition.all())
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)

    def sections(self) -> list[FieldSection]:
        result = []
        for index, (title, names) in enumerate(SINBA_SECTIONS):
            errors = list(self.non_field_errors()) if index == 0 else []
            result.append(FieldSection(title, [self[name] for name in names], errors))
        return result

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) or _empty(name) for name in SINBA_FIELDS}

    def family(self) -> list[Code]:
        return list(self.cleaned_data.get("family_composition") or [])


# One form field per SinbaChildData field (label, code list, validators from the model), then the household.
SinbaDataForm.base_fields = {
    **{name: _model_field(name) for name in SINBA_FIELDS},
    "family_composition": SinbaDataForm.base_fields["family_composition"],
}


def _empty(name: str) -> Any:
    """The stored empty value of a field: "" for the codes typed as text, None for the others."""
    return "" if name in ("residence_country", "citizenship_code") else None


def _last_year() -> tuple[dt.date, dt.date]:
    year = timezone.localdate().year - 1
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


class BatchStartForm(StyledForm):
    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.none(),
        label=_("Comune"),
        help_text=_("Il flusso comprende i minori residenti nel Comune."),
    )
    reference_date = forms.DateField(label=_("Data di riferimento"), widget=DateInput(), required=False)
    period_from = forms.DateField(label=_("Periodo dal"), widget=DateInput(), required=False)
    period_to = forms.DateField(label=_("al"), widget=DateInput(), required=False)

    def __init__(self, *args: Any, kind: str, user: Any, **kwargs: Any) -> None:
        first, last = _last_year()
        kwargs.setdefault("initial", {"reference_date": last, "period_from": first, "period_to": last})
        super().__init__(*args, **kwargs)
        self.kind = kind
        comuni = export_municipalities(user)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = comuni
        only = list(comuni[:2])
        if len(only) == 1:
            field.initial = only[0]
        if kind == ReturnKind.SINBA:
            del self.fields["period_from"], self.fields["period_to"]
            self.fields["reference_date"].required = True
            self.fields["reference_date"].help_text = _(
                "Minori in carico a questa data; prestazioni dei 12 mesi precedenti."
            )
        else:
            del self.fields["reference_date"]
            self.fields["period_from"].required = True
            self.fields["period_to"].required = True
            self.fields["period_to"].help_text = _("Al massimo 12 mesi.")

    def batch_data(self) -> dict[str, Model | dt.date | None]:
        data = self.cleaned_data
        return {
            "municipality": data["municipality"],
            "reference_date": data.get("reference_date"),
            "period_from": data.get("period_from"),
            "period_to": data.get("period_to"),
        }


class VerifyForm(StyledForm):
    confirm = forms.BooleanField(
        label=_("Confermo di aver verificato la veridicità e la congruità dei dati riportati nel file."),
        error_messages={"required": _("Per registrare la verifica occorre confermarla.")},
    )


class SentForm(StyledForm):
    confirm = forms.BooleanField(
        label=_("Confermo che il file, verificato da entrambi gli enti, è stato trasmesso a INPS."),
        error_messages={"required": _("Per segnare l'invio occorre confermarlo.")},
    )
