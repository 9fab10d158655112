from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.audit.services import audit_record
from tutela.documents.models import Attachment

# Accepted by content, never by extension: (magic bytes, MIME type).
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def sniff_content_type(head: bytes) -> str | None:
    for magic, mime in _SIGNATURES:
        if head.startswith(magic):
            return mime
    return None


def upload_validate(uploaded: Any) -> str:
    """Refuse what is not a PDF or an image, or is over the size limit; returns the detected type."""
    limit = settings.TUTELA_UPLOAD_MAX_BYTES
    if uploaded.size == 0:
        raise ValidationError(_("Il file è vuoto."))
    if uploaded.size > limit:
        raise ValidationError(
            _("Il file supera la dimensione massima di %(size)s.") % {"size": filesizeformat(limit)}
        )
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None:
        raise ValidationError(_("Sono ammessi solo documenti PDF o immagini (PNG, JPEG)."))
    return content_type


def attachment_store(
    *,
    content: bytes,
    original_name: str,
    actor: Any,
    case: Any = None,
    title: str = "",
    confidential: bool = False,
) -> Attachment:
    """Store a document under a generated name with its SHA-256 and audit the write."""
    content_type = sniff_content_type(content[:16])
    if content_type is None:
        raise ValidationError(_("Sono ammessi solo documenti PDF o immagini (PNG, JPEG)."))
    attachment = Attachment(
        original_name=original_name[:200],
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        title=title,
        case=case,
        confidential=confidential,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    attachment.file.save("upload", ContentFile(content), save=False)
    attachment.save()
    audit_record(
        actor=actor, action="documents.attachment.stored", obj=attachment, case_id=case.pk if case else None
    )
    return attachment


def attachment_store_upload(*, uploaded: Any, actor: Any, case: Any = None, title: str = "") -> Attachment:
    upload_validate(uploaded)
    content = b"".join(uploaded.chunks())
    return attachment_store(content=content, original_name=uploaded.name, actor=actor, case=case, title=title)
