"""Forms of the login pages: password, second factor, password change (Bootstrap Italia classes)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from tutela.core.forms import StyledForm


class LoginForm(AuthenticationForm, StyledForm):
    pass


class TutelaPasswordChangeForm(PasswordChangeForm, StyledForm):
    pass


class TokenForm(StyledForm):
    token = forms.CharField(
        label=_("Codice di verifica"),
        max_length=20,
        help_text=_(
            "Il codice di 6 cifre mostrato dall'app di autenticazione, oppure un codice di emergenza."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["token"].widget.attrs.update(
            {"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        )


class EnrolForm(TokenForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["token"]
        field.help_text = _("Il codice di 6 cifre che l'app mostra ora, per confermare la configurazione.")
        field.widget.attrs.update({"inputmode": "numeric"})
