from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.accounts.access import has_capability_on_case
from tutela.accounts.roles import Cap
from tutela.audit.services import audit_record
from tutela.cases.models import Case, JournalEntry


def journal_entry_add(
    *, case: Case, actor: Any, kind: str, occurred_on: dt.date, text: str, confidential: bool = False
) -> JournalEntry:
    """Add a typed entry to the case journal (diario)."""
    if not has_capability_on_case(actor, Cap.JOURNAL_WRITE, case):
        raise ValidationError(_("Il tuo ruolo non consente di scrivere nel diario."))
    if not case.is_open:
        raise ValidationError(_("La pratica è chiusa: il diario non accetta nuove annotazioni."))
    if kind not in JournalEntry.Kind.values:
        raise ValidationError({"kind": _("Tipo di annotazione non valido.")})
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("La data non può essere nel futuro.")})
    if not text.strip():
        raise ValidationError({"text": _("Il testo è obbligatorio.")})
    with transaction.atomic():
        entry = JournalEntry.objects.create(
            case=case, kind=kind, occurred_on=occurred_on, text=text, confidential=confidential, author=actor
        )
        audit_record(actor=actor, action="cases.journal_entry.created", obj=entry, case_id=case.pk)
    return entry
