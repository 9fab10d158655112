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
from tutela.core.bidi import bidi_strip
from tutela.documents.inspection import document_inspect
from tutela.documents.models import Attachment


def _upload_size_check(uploaded: Any) -> None:
    limit = settings.TUTELA_UPLOAD_MAX_BYTES
    if uploaded.size == 0:
        raise ValidationError(_("Il file è vuoto."))
    if uploaded.size > limit:
        raise ValidationError(
            _("Il file supera la dimensione massima di %(size)s.") % {"size": filesizeformat(limit)}
        )


def upload_validate(uploaded: Any) -> str:
    """Refuse what is over the size limit or is not a plain PDF or image (ADR 0016); returns its type."""
    _upload_size_check(uploaded)
    uploaded.seek(0)
    content = uploaded.read()
    uploaded.seek(0)
    return document_inspect(content).content_type


def attachment_store(
    *,
    content: bytes,
    original_name: str,
    actor: Any,
    case: Any = None,
    title: str = "",
    confidential: bool = False,
) -> Attachment:
    """Store a checked document under a generated name with its SHA-256 and audit the write."""
    # Checked here, not only in forms, so generated letters pass the same checks; an image is stored as
    # rewritten, and the hash and size are those of the stored bytes (ADR 0016).
    inspected = document_inspect(content)
    content = inspected.content
    attachment = Attachment(
        original_name=bidi_strip(original_name)[:200],  # a name never reads as another (ADR 0010)
        content_type=inspected.content_type,
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
    _upload_size_check(uploaded)
    content = b"".join(uploaded.chunks())
    return attachment_store(content=content, original_name=uploaded.name, actor=actor, case=case, title=title)
