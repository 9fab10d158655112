from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tutela.core.forms import StyledForm


class ReopenForm(StyledForm):
    reason = forms.CharField(
        label=_("Motivo"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Perché la scadenza torna da completare (resta nella cronologia della pratica)."),
        error_messages={"required": _("Indicare perché la scadenza torna da completare.")},
    )
