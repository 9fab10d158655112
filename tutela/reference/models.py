from django.db import models
from django.utils.translation import gettext_lazy as _


class CodeQuerySet(models.QuerySet["Code"]):
    def of(self, code_list: str) -> "CodeQuerySet":
        return self.filter(code_list=code_list, active=True)


class Code(models.Model):
    """An entry of an official code list (SINBA/SIUSS), loaded by a migration from the INPS schemas."""

    code_list = models.CharField(_("lista"), max_length=60)
    code = models.CharField(_("codice"), max_length=10)
    label = models.CharField(_("descrizione"), max_length=250)
    sort_order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    objects = CodeQuerySet.as_manager()

    class Meta:
        ordering = ["code_list", "sort_order"]
        verbose_name = _("codice di riferimento")
        verbose_name_plural = _("codici di riferimento")
        constraints = [models.UniqueConstraint(fields=["code_list", "code"], name="code_unique_in_list")]

    def __str__(self) -> str:
        return self.label


class CodeList:
    """Names of the SINBA lists the product uses (types of the INPS SINBA.xsd)."""

    REFERRAL_SOURCE = "FonteSegnalazioneType"
    CHILD_PROBLEM = "ValutazioneMinoreType"
    FAMILY_PROBLEM = "ValutazioneFamigliaMinoreType"
    CLOSURE_REASON = "MotivazioneChiusuraCaricoType"
    FAMILY_COMPOSITION = "ComposizioneFamigliaType"
