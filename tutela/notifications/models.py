from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tutela.accounts.models import Municipality, Organisation
from tutela.cases.models import Case


class Communication(models.Model):
    """A letter sent by the service (PDF, registered in the protocol, e-mailed to the recipient)."""

    class Kind(models.TextChoices):
        THIRD_PARTY_NOTICE = "third_party_notice", _("Notifica all'ente segnalante")
        ADMIN_OFFICE_NOTICE = "admin_office_notice", _("Trasmissione all'Area amministrativa")
        MUNICIPALITY_NOTICE = "municipality_notice", _("Comunicazione al Comune di residenza")
        PROGRESS_REPORT_NOTICE = "progress_report_notice", _("Relazione di aggiornamento al Comune")
        COURT_TRANSMISSION = "court_transmission", _("Trasmissione all'autorità giudiziaria")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="communications")
    kind = models.CharField(_("tipo"), max_length=30, choices=Kind.choices)
    recipient_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_email = models.EmailField(_("indirizzo"), blank=True)
    subject = models.CharField(_("oggetto"), max_length=300)
    body = models.TextField(_("testo"))
    document = models.ForeignKey(
        "documents.Attachment", null=True, on_delete=models.PROTECT, related_name="+"
    )
    protocol_entry = models.ForeignKey(
        "protocol.ProtocolEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("inviata il"), null=True, blank=True)
    send_error = models.CharField(_("errore di invio"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("comunicazione")
        verbose_name_plural = _("comunicazioni")

    def __str__(self) -> str:
        return self.subject
