"""The anti-violence network (seed 002, programme "La Rete di Nicoletta"): partner organisations, the network
agreement, the autonomy paths of women and children victims of violence and the monitoring meetings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tutela.accounts.models import Organisation, Territory
from tutela.core.fields import EncryptedTextField
from tutela.people.models import Person


class Network(models.Model):
    """The territory's anti-violence network."""

    territory = models.OneToOneField(
        Territory, verbose_name=_("territorio"), on_delete=models.PROTECT, related_name="antiviolence_network"
    )
    name = models.CharField(_("denominazione"), max_length=200)
    programme = models.CharField(_("programma"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rete antiviolenza")
        verbose_name_plural = _("reti antiviolenza")

    def __str__(self) -> str:
        return self.name


class NetworkPartner(models.Model):
    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="partners")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("ente"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("ruolo nella rete"), max_length=120, blank=True)
    joined_on = models.DateField(_("aderente dal"), null=True, blank=True)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("ente della rete")
        verbose_name_plural = _("enti della rete")
        constraints = [
            models.UniqueConstraint(fields=["network", "organisation"], name="network_partner_once"),
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class NetworkAgreement(models.Model):
    """The network agreement between the bodies (seed 002 indicator: approved by 30/06)."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="agreements")
    title = models.CharField(_("titolo"), max_length=250)
    approved_on = models.DateField(_("approvato il"))
    act_reference = models.CharField(_("atto di approvazione"), max_length=150)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-approved_on", "-id"]
        verbose_name = _("accordo di rete")
        verbose_name_plural = _("accordi di rete")

    def __str__(self) -> str:
        return f"{self.title} ({self.act_reference})"


class PathOutcome(models.TextChoices):
    AUTONOMY = "autonomy", _("Concluso: autonomia raggiunta")
    INTERRUPTED = "interrupted", _("Interrotto")
    TRANSFERRED = "transferred", _("Trasferito ad altro servizio o territorio")


class AutonomyPath(models.Model):
    """The autonomy path of a woman (and her children) followed within the network. Sensitive: only the
    coordinator, the managing body and the social worker in charge see it."""

    Outcome = PathOutcome

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="paths")
    woman = models.ForeignKey(Person, verbose_name=_("donna"), on_delete=models.PROTECT, related_name="+")
    children = models.ManyToManyField(Person, verbose_name=_("figli"), blank=True, related_name="+")
    referring_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("ente che ha inviato"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assistente sociale referente"),
        on_delete=models.PROTECT,
        related_name="autonomy_paths",
    )
    started_on = models.DateField(_("avviato il"))
    ended_on = models.DateField(_("concluso il"), null=True, blank=True)
    outcome = models.CharField(_("esito"), max_length=20, choices=PathOutcome.choices, blank=True)
    notes = EncryptedTextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("percorso di autonomia")
        verbose_name_plural = _("percorsi di autonomia")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True, outcome="")
                | models.Q(ended_on__isnull=False, ended_on__gte=models.F("started_on"))
                & ~models.Q(outcome=""),
                name="autonomy_path_end_with_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.woman} ({self.started_on:%d/%m/%Y})"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    def get_status_display(self) -> str:
        if self.ended_on is None:
            return str(_("In corso"))
        return self.get_outcome_display()
