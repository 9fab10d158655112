"""Staff time for the ratios, and the objectives (PEG/DUP) with their phases and indicators (seeds 001, 002)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tutela.accounts.models import Territory


class StaffFTE(models.Model):
    """A social worker's full-time equivalent from a date (1 = full time, 0.5 = half time).

    The value in force on a day is the row with the latest `valid_from` not after it; a social worker without
    any row counts as full time (ADR 0013 explains why the ratio says how many were assumed).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operatore"),
        on_delete=models.PROTECT,
        related_name="fte_rows",
    )
    territory = models.ForeignKey(
        Territory, verbose_name=_("territorio"), on_delete=models.PROTECT, related_name="+"
    )
    fte = models.DecimalField(
        _("tempo pieno equivalente (FTE)"),
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    valid_from = models.DateField(_("in vigore dal"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user_id", "-valid_from"]
        verbose_name = _("tempo pieno equivalente")
        verbose_name_plural = _("tempi pieni equivalenti")
        constraints = [
            models.UniqueConstraint(fields=["user", "territory", "valid_from"], name="staff_fte_one_per_day"),
            models.CheckConstraint(condition=models.Q(fte__gte=0, fte__lte=1), name="staff_fte_between_0_1"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.fte} dal {self.valid_from:%d/%m/%Y}"


class Objective(models.Model):
    """A management objective of the PEG, linked to the DUP's strategic lines (seed 002)."""

    territory = models.ForeignKey(
        Territory, verbose_name=_("territorio"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("codice"), max_length=30)
    title = models.CharField(_("titolo"), max_length=300)
    description = models.TextField(_("descrizione dettagliata"), blank=True)
    direction = models.CharField(_("direzione"), max_length=120, blank=True)
    director = models.CharField(_("direttore"), max_length=200, blank=True)
    service = models.CharField(_("servizio"), max_length=120, blank=True)
    classification = models.CharField(_("classificazione"), max_length=120, blank=True)
    kind = models.CharField(_("tipologia"), max_length=60, blank=True)
    dup_strategic_line = models.CharField(_("indirizzo strategico DUP"), max_length=200, blank=True)
    dup_strategic_objective = models.CharField(_("obiettivo strategico DUP"), max_length=200, blank=True)
    peg_reference = models.CharField(_("riferimento PEG"), max_length=200, blank=True)
    responsible = models.CharField(_("responsabile (dirigente)"), max_length=200)
    starts_on = models.DateField(_("inizio del periodo"))
    ends_on = models.DateField(_("fine del periodo"))
    # Approval freezes the phases and their weights; it needs weights summing to 100 (services.objective_approve).
    approved_at = models.DateTimeField(_("approvato il"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "code"]
        verbose_name = _("obiettivo")
        verbose_name_plural = _("obiettivi")
        constraints = [
            models.UniqueConstraint(fields=["territory", "code"], name="objective_code_per_territory"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="objective_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"


class Phase(models.Model):
    """A phase of an objective: its weight in the objective (the weights add up to 100) and its dates."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="phases")
    title = models.CharField(_("descrizione"), max_length=300)
    weight = models.DecimalField(
        _("peso (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    planned_start = models.DateField(_("inizio previsto"))
    planned_end = models.DateField(_("fine prevista"))
    actual_start = models.DateField(_("inizio effettivo"), null=True, blank=True)
    actual_end = models.DateField(_("fine effettiva"), null=True, blank=True)
    responsible = models.CharField(_("responsabile"), max_length=200)
    responsibility_centre = models.CharField(_("centro di responsabilità"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["planned_start", "id"]
        verbose_name = _("fase")
        verbose_name_plural = _("fasi")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("planned_start")), name="phase_planned_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Indicator(models.Model):
    """An indicator of an objective: what is expected, and the value found (from a metric or by hand)."""

    class Kind(models.TextChoices):
        PERFORMANCE = "PERFORMANCE", _("Performance")
        RESULT = "RESULT", _("Risultato")

    class ValueType(models.TextChoices):
        RATIO = "ratio", _("Rapporto (es. 120/200: si confronta la quota)")
        COUNT = "count", _("Conteggio (es. 6/6: si confronta il numero raggiunto)")
        DATE = "date", _("Data (es. entro il 30/06/2019)")

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="indicators")
    kind = models.CharField(_("tipo"), max_length=12, choices=Kind.choices)
    description = models.CharField(_("descrizione"), max_length=400)
    value_type = models.CharField(_("tipo di valore atteso"), max_length=8, choices=ValueType.choices)
    expected_numerator = models.DecimalField(
        _("valore atteso: numeratore"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    expected_denominator = models.DecimalField(
        _("valore atteso: denominatore"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    expected_date = models.DateField(_("valore atteso: data"), null=True, blank=True)
    # The actual value: computed by a metric of the dashboard (metrics.OBJECTIVE_SOURCES) when a key is set,
    # otherwise entered by hand with a note, by whom and when.
    metric_key = models.CharField(_("calcolato dall'indicatore"), max_length=40, blank=True)
    actual_numerator = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    actual_denominator = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    actual_date = models.DateField(null=True, blank=True)
    actual_note = models.CharField(_("nota sul valore rilevato"), max_length=400, blank=True)
    actual_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actual_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("indicatore")
        verbose_name_plural = _("indicatori")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(value_type="date", expected_date__isnull=False)
                    | models.Q(
                        value_type__in=["ratio", "count"],
                        expected_numerator__isnull=False,
                        expected_denominator__gt=0,
                    )
                ),
                name="indicator_expected_value_typed",
            ),
        ]

    def __str__(self) -> str:
        return self.description
