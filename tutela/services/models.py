from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tutela.accounts.models import Municipality
from tutela.assessments.models import SocialReport
from tutela.cases.models import Case
from tutela.core.fields import EncryptedTextField


class ServiceType(models.Model):
    """An entry of the service catalogue (reference data, maintained by the administrator)."""

    class Unit(models.TextChoices):
        HOURS = "hours", _("ore")
        DAYS = "days", _("giorni")
        MONTHS = "months", _("mesi")
        ONE_OFF = "one_off", _("una tantum")

    code = models.CharField(_("codice locale"), max_length=20, unique=True)
    name = models.CharField(_("denominazione"), max_length=200)
    macro_area = models.CharField(_("macro-area"), max_length=80, blank=True)
    siuss_code = models.CharField(_("codice prestazione SIUSS"), max_length=20, blank=True)
    nomenclatore_code = models.CharField(_("codice nomenclatore regionale"), max_length=20, blank=True)
    fnps_level = models.CharField(_("macro-livello FNPS"), max_length=80, blank=True)
    unit = models.CharField(_("unità di misura"), max_length=10, choices=Unit.choices, default=Unit.HOURS)
    implies_take_in_charge = models.BooleanField(_("comporta presa in carico"), default=True)
    proposable = models.BooleanField(_("proponibile dal servizio sociale"), default=True)
    active = models.BooleanField(_("attivo"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tipo di servizio")
        verbose_name_plural = _("catalogo dei servizi")

    def __str__(self) -> str:
        return self.name


class ProposalState(models.TextChoices):
    DRAFT = "DRAFT", _("Bozza")
    SUBMITTED = "SUBMITTED", _("Inviata al coordinatore")
    APPROVED = "APPROVED", _("Approvata")
    REJECTED = "REJECTED", _("Respinta")
    UNDER_REVIEW = "UNDER_REVIEW", _("In istruttoria")
    AUTHORISED = "AUTHORISED", _("Autorizzata")
    DENIED = "DENIED", _("Non autorizzata")


class ServiceProposal(models.Model):
    """The proposal of a service that a social report with outcome makes (seed 000 steps 3-6)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="proposals")
    social_report = models.ForeignKey(SocialReport, on_delete=models.PROTECT, related_name="proposal_set")
    service_type = models.ForeignKey(
        ServiceType, verbose_name=_("servizio proposto"), on_delete=models.PROTECT, related_name="proposals"
    )
    state = models.CharField(
        _("stato"), max_length=12, choices=ProposalState.choices, default=ProposalState.DRAFT
    )
    motivation = EncryptedTextField(_("motivazione della proposta"))
    hours_per_week = models.DecimalField(
        _("ore settimanali"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    duration_months = models.PositiveSmallIntegerField(_("durata prevista (mesi)"), null=True, blank=True)
    proposed_start = models.DateField(_("avvio proposto"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    evaluated_at = models.DateTimeField(null=True, blank=True)
    return_reason = EncryptedTextField(_("motivo della restituzione"), blank=True)
    rejection_reason = EncryptedTextField(_("motivo del rigetto"), blank=True)
    approval_protocol = models.ForeignKey(
        "protocol.ProtocolEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome_acknowledged_at = models.DateTimeField(_("esito acquisito il"), null=True, blank=True)
    outcome_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("proposta")
        verbose_name_plural = _("proposte")
        indexes = [models.Index(fields=["state"], name="proposal_state")]  # worklists by state

    def __str__(self) -> str:
        return f"{self.service_type} ({self.get_state_display()})"


class AdministrativeReview(models.Model):
    """The administrative office's review (istruttoria) and authorisation act (seed 000 step 5)."""

    proposal = models.OneToOneField(ServiceProposal, on_delete=models.PROTECT, related_name="review")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    act_number = models.CharField(_("numero dell'atto (determina)"), max_length=40, blank=True)
    act_date = models.DateField(_("data dell'atto"), null=True, blank=True)
    cost_estimate = models.DecimalField(
        _("spesa prevista (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    paying_municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("Comune che sostiene la spesa"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    denial_reason = EncryptedTextField(_("motivo del diniego"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("istruttoria amministrativa")
        verbose_name_plural = _("istruttorie amministrative")

    def __str__(self) -> str:
        return f"{self.proposal} — {self.act_number}"


class InterventionState(models.TextChoices):
    PLANNED = "PLANNED", _("Programmato")
    ACTIVE = "ACTIVE", _("Attivo")
    SUSPENDED = "SUSPENDED", _("Sospeso")
    ENDED = "ENDED", _("Concluso")


class Intervention(models.Model):
    """The service actually delivered, created by an authorised proposal."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="interventions")
    proposal = models.OneToOneField(ServiceProposal, on_delete=models.PROTECT, related_name="intervention")
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="interventions")
    state = models.CharField(
        _("stato"), max_length=10, choices=InterventionState.choices, default=InterventionState.PLANNED
    )
    paying_municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("Comune che sostiene la spesa"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    planned_start = models.DateField(_("avvio previsto"), null=True, blank=True)
    hours_per_week = models.DecimalField(
        _("ore settimanali"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    budget = models.DecimalField(
        _("importo autorizzato (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("intervento")
        verbose_name_plural = _("interventi")

    def __str__(self) -> str:
        return f"{self.service_type} ({self.get_state_display()})"
