from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tutela.accounts.models import User
from tutela.audit.labels import ACTION_LABELS
from tutela.cases.models import Case
from tutela.core.forms import DateInput, StyledForm


class FileLookupForm(StyledForm):
    q = forms.CharField(
        label=_("Codice fiscale del minore o codice della pratica"),
        max_length=30,
        help_text=_("Ricerca esatta: il codice fiscale di 16 caratteri o il codice completo della pratica."),
    )


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: User) -> str:
        full = obj.get_full_name()
        return f"{full} ({obj.username})" if full else obj.username


class EventFilterForm(StyledForm):
    """The DPO's filters; empty means all."""

    utente = UserChoiceField(
        label=_("Utente"),
        queryset=User.objects.order_by("last_name", "first_name", "username"),
        required=False,
    )
    azione = forms.ChoiceField(label=_("Azione"), required=False)
    dal = forms.DateField(label=_("Dal"), required=False, widget=DateInput())
    al = forms.DateField(label=_("Al"), required=False, widget=DateInput())
    pratica = forms.CharField(label=_("Codice pratica"), max_length=30, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actions = sorted(((code, str(label)) for code, label in ACTION_LABELS.items()), key=lambda c: c[1])
        action_field = self.fields["azione"]
        assert isinstance(action_field, forms.ChoiceField)
        action_field.choices = [("", _("Tutte")), *actions]
        user_field = self.fields["utente"]
        assert isinstance(user_field, forms.ModelChoiceField)
        user_field.empty_label = str(_("Tutti"))

    def clean_pratica(self) -> Case | None:
        code = self.cleaned_data.get("pratica", "").strip().upper()
        if not code:
            return None
        # The DPO reads the access log of any case by role (ADR 0008), never the case itself: no scope here.
        case = Case.objects.filter(code=code).first()
        if case is None:
            raise forms.ValidationError(_("Nessuna pratica con questo codice."))
        return case

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("dal"), cleaned.get("al")
        if since and until and since > until:
            self.add_error("al", _("La fine del periodo precede l'inizio."))
        return cleaned

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for selectors.audit_event_list."""
        data = self.cleaned_data
        return {
            "actor": data.get("utente"),
            "action": data.get("azione", ""),
            "since": data.get("dal"),
            "until": data.get("al"),
            "case": data.get("pratica"),
        }

    def described(self) -> dict[str, Any]:
        """The filters as the audit event records them (JSON)."""
        filters = self.filters()
        return {
            "user": filters["actor"].pk if filters["actor"] else None,
            "action": filters["action"],
            "since": filters["since"].isoformat() if filters["since"] else None,
            "until": filters["until"].isoformat() if filters["until"] else None,
            "case": filters["case"].code if filters["case"] else None,
        }
