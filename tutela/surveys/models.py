"""Satisfaction surveys (seeds 001 and 004): questionnaires, their administrations, anonymous answers.

Anonymity is built into the tables: a token (link or printed code) is stored only as a hash and carries no
person; an answer (`Response`) keeps neither the token nor the time of day, only the date, and its key is
random, so that neither the token's row nor the order of the rows leads back to who answered.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tutela.accounts.models import Organisation, Territory
from tutela.core.fields import EncryptedTextField


class Questionnaire(models.Model):
    """A questionnaire template of the territory (the questions asked at each administration)."""

    territory = models.ForeignKey(
        Territory, verbose_name=_("territorio"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("titolo"), max_length=200)
    introduction = models.TextField(
        _("presentazione per chi risponde"),
        blank=True,
        help_text=_("Mostrata in cima al questionario: a cosa serve, che è anonimo, quanto tempo richiede."),
    )
    active = models.BooleanField(_("in uso"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("questionario")
        verbose_name_plural = _("questionari")

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", _("Scala da 1 a 5")
        YES_NO = "yes_no", _("Sì / no")
        TEXT = "text", _("Risposta libera")

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("ordine"))
    text = models.CharField(_("domanda"), max_length=300)
    kind = models.CharField(_("tipo di risposta"), max_length=8, choices=Kind.choices)
    required = models.BooleanField(_("risposta obbligatoria"), default=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("domanda")
        verbose_name_plural = _("domande")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "position"], name="question_position_unique"),
        ]

    def __str__(self) -> str:
        return self.text


class Administration(models.Model):
    """One administration of a questionnaire: at the start, during or at the end of an intervention (seed
    004), or the yearly survey of a front-office desk (seed 001)."""

    class Phase(models.TextChoices):
        START = "start", _("All'avvio dell'intervento")
        DURING = "during", _("In itinere")
        END = "end", _("Alla conclusione dell'intervento")
        YEARLY = "yearly", _("Rilevazione annuale dello sportello")

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="administrations")
    phase = models.CharField(_("momento"), max_length=8, choices=Phase.choices)
    intervention = models.ForeignKey(
        "services.Intervention",
        verbose_name=_("intervento"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_administrations",
    )
    desk = models.ForeignKey(
        Organisation,
        verbose_name=_("sportello"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_administrations",
    )
    year = models.PositiveSmallIntegerField(_("anno"))
    opened_on = models.DateField(_("aperta il"))
    closes_on = models.DateField(_("si chiude il"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("somministrazione")
        verbose_name_plural = _("somministrazioni")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        phase__in=["start", "during", "end"], intervention__isnull=False, desk__isnull=True
                    )
                    | models.Q(phase="yearly", intervention__isnull=True, desk__isnull=False)
                ),
                name="administration_of_intervention_or_desk",
            ),
            models.UniqueConstraint(
                fields=["questionnaire", "desk", "year"],
                condition=models.Q(phase="yearly"),
                name="administration_one_yearly_per_desk",
            ),
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opened_on")), name="administration_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} — {self.get_phase_display()} ({self.opened_on:%d/%m/%Y})"


class AnswerToken(models.Model):
    """A single-use right to answer: a link or a printed code, kept only as its SHA-256."""

    administration = models.ForeignKey(Administration, on_delete=models.PROTECT, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    printed = models.BooleanField(_("codice stampato"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    used_on = models.DateField(_("usato il"), null=True, blank=True)

    class Meta:
        verbose_name = _("codice di risposta")
        verbose_name_plural = _("codici di risposta")

    def __str__(self) -> str:
        return f"{self.administration_id}: {'usato' if self.used_on else 'libero'}"


class Response(models.Model):
    """One anonymous set of answers (see the module's docstring for what it deliberately does not keep)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    administration = models.ForeignKey(Administration, on_delete=models.PROTECT, related_name="responses")
    submitted_on = models.DateField(_("data"))

    class Meta:
        verbose_name = _("risposta al questionario")
        verbose_name_plural = _("risposte ai questionari")
        # results: the responses of the administrations chosen
        indexes = [models.Index(fields=["administration", "submitted_on"], name="response_administration")]

    def __str__(self) -> str:
        return f"{self.administration_id} {self.submitted_on:%d/%m/%Y}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    scale_value = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    yes_no = models.BooleanField(null=True, blank=True)
    # Free text may name people: encrypted at rest like every free text written about the service's users.
    text = EncryptedTextField(blank=True)

    class Meta:
        verbose_name = _("risposta")
        verbose_name_plural = _("risposte")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_one_per_question"),
            models.CheckConstraint(
                condition=models.Q(scale_value__isnull=True)
                | models.Q(scale_value__gte=1, scale_value__lte=5),
                name="answer_scale_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}"
