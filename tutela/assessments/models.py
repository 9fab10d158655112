from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tutela.cases.models import Case
from tutela.core.fields import EncryptedTextField
from tutela.reference.models import Code


class Assessment(models.Model):
    """The social worker's needs assessment (valutazione del bisogno), seed 000 step 3."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    grounds = models.BooleanField(_("sussistono i presupposti per la presa in carico"))
    child_problem = models.ForeignKey(
        Code,
        verbose_name=_("problematica prevalente del minore (SINBA)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    family_problem = models.ForeignKey(
        Code,
        verbose_name=_("problematica prevalente della famiglia (SINBA)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = EncryptedTextField(_("sintesi della valutazione"))
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField()

    class Meta:
        ordering = ["-assessed_at"]
        verbose_name = _("valutazione del bisogno")
        verbose_name_plural = _("valutazioni del bisogno")

    def __str__(self) -> str:
        return f"{self.case} {self.assessed_at:%d/%m/%Y}"


class SocialReport(models.Model):
    """Relazione sociale. Facts, statements and evaluations stay apart (art. 473-bis.27 c.p.c.)."""

    class Kind(models.TextChoices):
        PROFESSIONAL = "professional", _("Di sola attività professionale")
        WITH_OUTCOME = "with_outcome", _("Con esito verso un servizio")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="social_reports")
    assessment = models.ForeignKey(Assessment, null=True, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("tipo di relazione"), max_length=20, choices=Kind.choices)
    facts = EncryptedTextField(_("fatti osservati"))
    statements = EncryptedTextField(_("dichiarazioni delle persone sentite"), blank=True)
    evaluations = EncryptedTextField(_("valutazioni professionali"))
    proposals = EncryptedTextField(_("proposte"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("depositata il"))

    class Meta:
        ordering = ["-filed_at"]
        verbose_name = _("relazione sociale")
        verbose_name_plural = _("relazioni sociali")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filed_at:%d/%m/%Y}"
