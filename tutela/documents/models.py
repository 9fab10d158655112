import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _stored_name(instance: "Attachment", filename: str) -> str:
    # Uploads never keep the user's file name on disk (path traversal, guessable names).
    return f"attachments/{instance.uploaded_at:%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A stored document: checked by content, with its SHA-256, served only through the access helper."""

    file = models.FileField(upload_to=_stored_name)
    original_name = models.CharField(_("nome del file"), max_length=200)
    content_type = models.CharField(_("tipo"), max_length=80)
    size = models.PositiveIntegerField(_("dimensione (byte)"))
    sha256 = models.CharField(_("impronta SHA-256"), max_length=64)
    title = models.CharField(_("titolo"), max_length=200, blank=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    confidential = models.BooleanField(_("riservato"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("documento")
        verbose_name_plural = _("documenti")

    def __str__(self) -> str:
        return self.title or self.original_name
