"""Form plumbing shared by every app: Bootstrap Italia classes, Italian dates, municipality lookup."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from tutela.accounts.models import Municipality
from tutela.core.bidi import validate_no_bidi_controls

# PostgreSQL refuses NUL in text: every text field refuses it up front, with this message (ADR 0010).
NUL_MESSAGE = _(
    "Il testo contiene un carattere nullo (NUL), di solito incollato da un altro programma: eliminarlo."
)


def refuses_bidi_controls(field: forms.Field) -> bool:
    """Single-line text (names, codes, subjects, addresses) refuses bidirectional controls; long texts in a
    text area keep them (shown escaped, ADR 0010) and passwords are never shown."""
    return isinstance(field, forms.CharField) and not isinstance(
        field.widget, forms.Textarea | forms.PasswordInput
    )


class StyledForm(forms.Form):
    """Adds Bootstrap Italia classes to widgets; errors show next to their field. Text fields refuse NUL with
    an Italian message, single-line ones also bidirectional controls (tutela.core.bidi); markup and other
    control characters are kept as typed (templates escape them)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if any(isinstance(v, ProhibitNullCharactersValidator) for v in field.validators):
                field.error_messages["null_characters_not_allowed"] = NUL_MESSAGE
            if isinstance(field, forms.ModelChoiceField) and field.empty_label is not None:
                field.empty_label = str(_("— scegli —"))
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.RadioSelect):
                widget.attrs.setdefault("class", "form-control")

    def full_clean(self) -> None:
        # Here rather than in __init__, so that the fields a subclass adds after it are covered too.
        for field in self.fields.values():
            if refuses_bidi_controls(field) and validate_no_bidi_controls not in field.validators:
                field.validators.append(validate_no_bidi_controls)
        super().full_clean()

    def apply_errors(self, error: ValidationError) -> None:
        """Attach a service's ValidationError to the form: per field when it names one, else non-field."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class MunicipalityField(forms.CharField):
    """A Comune typed as "Prato (PO)", "Prato" or its ISTAT code, with a suggestion list."""

    default_error_messages = {
        "unknown": _("Comune non trovato: scegliere dall'elenco (es. «Prato (PO)»)."),
        "ambiguous": _("Più Comuni con questo nome: indicare anche la provincia (es. «Prato (PO)»)."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 130)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {
                "list": "comuni-list",
                "autocomplete": "off",
                "hx-get": reverse_lazy("core:municipality_search"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#comuni-list",
            }
        )

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Municipality):
            return str(value)
        return value

    def clean(self, value: Any) -> Municipality | None:  # type: ignore[override]
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        if text.isdigit():
            found = Municipality.objects.filter(istat_code=text.zfill(6))
        elif text.endswith(")") and "(" in text:
            name, province = text[:-1].rsplit("(", 1)
            found = Municipality.objects.filter(
                name__iexact=name.strip(), province_abbr__iexact=province.strip()
            )
        else:
            found = Municipality.objects.filter(name__iexact=text)
        matches = list(found[:2])
        if not matches:
            raise ValidationError(self.error_messages["unknown"], code="unknown")
        if len(matches) > 1:
            raise ValidationError(self.error_messages["ambiguous"], code="ambiguous")
        return matches[0]
