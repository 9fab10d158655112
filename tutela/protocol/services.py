from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.audit.services import audit_record
from tutela.protocol.models import ProtocolEntry, ProtocolRegister


def protocol_subject_check(subject: str, forbidden_names: Iterable[str]) -> None:
    lowered = subject.casefold()
    for name in forbidden_names:
        # Whole words only: "Vento" is a surname, "intervento" in a generated subject is not.
        if name and len(name) > 2 and re.search(rf"(?<!\w){re.escape(name.casefold())}(?!\w)", lowered):
            raise ValidationError(
                {
                    "subject": _(
                        "L'oggetto del protocollo non deve contenere il nome del minore o dei familiari."
                    )
                }
            )


def protocol_entry_register(
    *,
    register: ProtocolRegister,
    direction: str,
    actor: Any,
    correspondents: str,
    subject: str,
    correspondent_organisation: Any = None,
    document: Any = None,
    render_document: Callable[[ProtocolEntry], Any] | None = None,
    sender_reference: str = "",
    classification: str = "",
    confidential: bool = True,
    forbidden_names: Iterable[str] = (),
) -> ProtocolEntry:
    """Register in one go (DPR 445/2000 art. 53 c.3): the next number of the year, no gaps, no duplicates.

    `render_document` builds the outgoing document once the number is known, inside the same transaction,
    and returns the stored Attachment whose SHA-256 goes into the registration.
    """
    if not correspondents.strip():
        raise ValidationError(_("Indicare il mittente o i destinatari."))
    if not subject.strip():
        raise ValidationError(_("Indicare l'oggetto."))
    protocol_subject_check(subject, forbidden_names)
    with transaction.atomic():
        # The register row lock serialises numbering; the unique constraint is the last line of defence.
        locked = ProtocolRegister.objects.select_for_update().get(pk=register.pk)
        now = timezone.localtime()
        last = ProtocolEntry.objects.filter(register=locked, year=now.year).aggregate(m=Max("number"))["m"]
        entry = ProtocolEntry(
            register=locked,
            year=now.year,
            number=(last or 0) + 1,
            direction=direction,
            registered_at=now,
            registered_by=actor,
            correspondents=correspondents.strip()[:500],
            correspondent_organisation=correspondent_organisation,
            subject=subject.strip()[:300],
            sender_reference=sender_reference,
            classification=classification,
            confidential=confidential,
        )
        if render_document is not None:
            document = render_document(entry)
        if document is not None:
            entry.document = document
            entry.document_sha256 = document.sha256
        entry.save()
        audit_record(
            actor=actor,
            action="protocol.entry.registered",
            obj=entry,
            data={"number": entry.display_number, "direction": direction},
        )
    return entry


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def protocol_entry_annul(*, entry: ProtocolEntry, actor: Any, reason: str) -> ProtocolEntry:
    """Annul a registration (art. 54): the data stays, with who, when and the authorisation."""
    if not reason.strip():
        raise ValidationError(_("Indicare il motivo e gli estremi dell'autorizzazione all'annullamento."))
    with transaction.atomic():
        locked = ProtocolEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.annulled_at is not None:
            raise ValidationError(_("La registrazione è già annullata."))
        locked.annulled_at = timezone.now()
        locked.annulled_by = actor
        locked.annulment_reason = reason.strip()[:300]
        locked.save(update_fields=["annulled_at", "annulled_by", "annulment_reason"])
        audit_record(actor=actor, action="protocol.entry.annulled", obj=locked, reason=reason)
    return locked
