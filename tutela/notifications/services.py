from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.audit.services import audit_record
from tutela.core.bidi import bidi_escape
from tutela.notifications.models import Communication

logger = logging.getLogger(__name__)


def communication_create(
    *,
    case: Any,
    kind: str,
    actor: Any,
    subject: str,
    body: str,
    recipient_email: str,
    recipient_organisation: Any = None,
    recipient_municipality: Any = None,
    document: Any = None,
    protocol_entry: Any = None,
) -> Communication:
    """Record a letter and send it by e-mail once the transaction that caused it has committed."""
    communication = Communication.objects.create(
        case=case,
        kind=kind,
        subject=subject,
        body=body,
        recipient_email=recipient_email,
        recipient_organisation=recipient_organisation,
        recipient_municipality=recipient_municipality,
        document=document,
        protocol_entry=protocol_entry,
        created_by=actor,
    )
    audit_record(
        actor=actor, action="notifications.communication.created", obj=communication, case_id=case.pk
    )
    transaction.on_commit(lambda: communication_send(communication_id=communication.pk))
    return communication


def communication_send(*, communication_id: int) -> Communication:
    """Send by e-mail through Django's backend; a failure is kept on the row for the operator to see."""
    communication = Communication.objects.select_related("document").get(pk=communication_id)
    if communication.sent_at is not None:
        return communication
    if not communication.recipient_email:
        communication.send_error = _("Nessun indirizzo e-mail per il destinatario: inviare per altra via.")
        communication.save(update_fields=["send_error"])
        return communication
    # Bidirectional controls kept in the text are sent as "[U+202E]", as pages show them (ADR 0010).
    subject = bidi_escape(communication.subject)
    message = EmailMessage(
        subject=subject,
        body=bidi_escape(communication.body),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[communication.recipient_email],
    )
    if communication.document is not None:
        with communication.document.file.open("rb") as handle:
            message.attach(f"{subject[:60]}.pdf".replace("/", "-"), handle.read(), "application/pdf")
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # the letter stays recorded; the operator sees the error and resends
        logger.exception("E-mail for communication %s failed", communication.pk)
        communication.send_error = str(exc)[:300]
        communication.save(update_fields=["send_error"])
        return communication
    communication.sent_at = timezone.now()
    communication.send_error = ""
    with transaction.atomic():
        communication.save(update_fields=["sent_at", "send_error"])
        # Personal data left for a third party (GDPR art. 30): sent by the system, after the author's commit.
        audit_record(
            actor=None,
            action="notifications.communication.sent",
            obj=communication,
            case_id=communication.case_id,
            data={"recipient": communication.recipient_email},
        )
    return communication
