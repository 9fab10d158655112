from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tutela.accounts.models import Organisation, Territory
from tutela.cases.models import Case, Channel
from tutela.core.fields import EncryptedTextField
from tutela.reference.models import Code


class Referral(models.Model):
    """A report from a third party (segnalazione) or a direct request (istanza) about a child."""

    class Urgency(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinaria")
        URGENT = "urgent", _("Urgente")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    channel = models.CharField(_("canale"), max_length=10, choices=Channel.choices)
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="referrals")
    source = models.ForeignKey(
        Code, verbose_name=_("fonte della segnalazione (SINBA)"), on_delete=models.PROTECT, related_name="+"
    )
    sender_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("ente segnalante"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sent_referrals",
    )
    applicant_name = models.CharField(_("richiedente"), max_length=200, blank=True)
    applicant_relationship = models.CharField(
        _("relazione del richiedente con il minore"), max_length=80, blank=True
    )
    received_on = models.DateField(_("data di ricezione"))
    subject = models.CharField(_("oggetto"), max_length=300)
    narrative = EncryptedTextField(_("sintesi"), blank=True)
    urgency = models.CharField(_("urgenza"), max_length=10, choices=Urgency.choices, default=Urgency.ORDINARY)
    protocol_entry = models.OneToOneField(
        "protocol.ProtocolEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="referral"
    )
    document = models.ForeignKey(
        "documents.Attachment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_by_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(_("registrata il"))

    class Meta:
        ordering = ["-registered_at"]
        verbose_name = _("segnalazione / istanza")
        verbose_name_plural = _("segnalazioni e istanze")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.received_on}"
