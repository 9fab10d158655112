from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tutela.accounts.models import Organisation


class ProtocolRegister(models.Model):
    """The protocol register of one AOO (area organizzativa omogenea), DPR 445/2000 art. 53."""

    code = models.CharField(_("codice registro"), max_length=30, unique=True)
    aoo_code = models.CharField(_("codice AOO"), max_length=30)
    name = models.CharField(_("denominazione"), max_length=200)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="protocol_registers"
    )

    class Meta:
        verbose_name = _("registro di protocollo")
        verbose_name_plural = _("registri di protocollo")

    def __str__(self) -> str:
        return self.name


class ProtocolEntry(models.Model):
    """One registration. Number, date, correspondents, subject and hash never change (art. 53, 57)."""

    class Direction(models.TextChoices):
        INCOMING = "E", _("In entrata")
        OUTGOING = "U", _("In uscita")
        INTERNAL = "I", _("Interno")

    register = models.ForeignKey(ProtocolRegister, on_delete=models.PROTECT, related_name="entries")
    year = models.PositiveSmallIntegerField(_("anno"))
    number = models.PositiveIntegerField(_("numero"))
    direction = models.CharField(_("flusso"), max_length=1, choices=Direction.choices)
    registered_at = models.DateTimeField(_("data di registrazione"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    correspondents = models.CharField(_("mittente / destinatari"), max_length=500)
    correspondent_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("oggetto"), max_length=300)
    document_sha256 = models.CharField(_("impronta del documento"), max_length=64, blank=True)
    document = models.ForeignKey(
        "documents.Attachment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sender_reference = models.CharField(
        _("protocollo e data del documento ricevuto"), max_length=120, blank=True
    )
    classification = models.CharField(_("classificazione"), max_length=40, blank=True)
    confidential = models.BooleanField(_("riservato"), default=True)
    annulled_at = models.DateTimeField(_("annullato il"), null=True, blank=True)
    annulled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    annulment_reason = models.CharField(
        _("motivo e autorizzazione dell'annullamento"), max_length=300, blank=True
    )

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = _("registrazione di protocollo")
        verbose_name_plural = _("registrazioni di protocollo")
        constraints = [
            # No duplicates, whatever the concurrency (art. 57: one progressive number per year).
            models.UniqueConstraint(fields=["register", "year", "number"], name="protocol_number_unique"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="protocol_number_positive"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.register.code} {self.year}/{self.number:07d}"

    @property
    def display_number(self) -> str:
        return f"{self.number:07d}/{self.year}"
