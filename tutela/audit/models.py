from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One read of personal data or one write. Written only by tutela.audit.services.audit_record."""

    at = models.DateTimeField(_("quando"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("azione"), max_length=80)
    object_type = models.CharField(_("tipo oggetto"), max_length=80, blank=True)
    object_id = models.CharField(_("id oggetto"), max_length=64, blank=True)
    # Kept apart from object_id so "who opened this child's file" is one indexed query.
    case_id = models.BigIntegerField(_("pratica"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("indirizzo IP"), null=True, blank=True)
    reason = models.TextField(_("motivazione"), blank=True)
    data = models.JSONField(_("dettagli"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("evento di audit")
        verbose_name_plural = _("eventi di audit")
        indexes = [
            models.Index(fields=["case_id", "at"], name="audit_case_at"),  # DPO: accesses to one file
            models.Index(fields=["actor", "at"], name="audit_actor_at"),  # DPO: what one user did
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"
