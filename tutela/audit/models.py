from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One read of personal data or one write. Written only by tutela.audit.services.audit_record.

    Append-only: a database trigger refuses UPDATE and DELETE (migration 0004). Hash-chained (ADR 0008):
    `hash` is the SHA-256 of the canonical form of the fields and `prev_hash`; `sequence` is gapless.
    """

    # Set by audit_record before the hash is computed (not auto_now_add, which would overwrite it on save).
    at = models.DateTimeField(_("quando"), default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The actor's roles when it happened (role codes, comma-separated): roles change, the log must not.
    actor_roles = models.CharField(_("ruoli"), max_length=200, blank=True)
    action = models.CharField(_("azione"), max_length=80)
    object_type = models.CharField(_("tipo oggetto"), max_length=80, blank=True)
    object_id = models.CharField(_("id oggetto"), max_length=64, blank=True)
    # Kept apart from object_id so "who opened this child's file" is one indexed query.
    case_id = models.BigIntegerField(_("pratica"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("indirizzo IP"), null=True, blank=True)
    reason = models.TextField(_("motivazione"), blank=True)
    data = models.JSONField(_("dettagli"), default=dict, blank=True)
    sequence = models.BigIntegerField(_("progressivo"), unique=True)
    prev_hash = models.CharField(_("impronta precedente"), max_length=64)
    hash = models.CharField(_("impronta"), max_length=64)

    class Meta:
        ordering = ["-sequence"]
        verbose_name = _("evento di audit")
        verbose_name_plural = _("eventi di audit")
        indexes = [
            models.Index(fields=["case_id", "at"], name="audit_case_at"),  # DPO: accesses to one file
            models.Index(fields=["actor", "at"], name="audit_actor_at"),  # DPO: what one user did
            models.Index(fields=["action", "at"], name="audit_action_at"),  # DPO: one kind of event
            # DPO: what happened to one record (a child's person record, GDPR art. 15) besides its case's events.
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """The single row holding the end of the chain. audit_record locks it (SELECT ... FOR UPDATE), so events
    are chained one at a time, in commit order. A trigger lets it only move forward by one (migration 0004)."""

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON, editable=False)
    sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_chain_head_singleton")]

    def __str__(self) -> str:
        return f"{self.sequence} {self.last_hash[:12]}"
