"""Emergency placement of a child by a public authority (art. 403 c.c., as reformed by L. 206/2021) and its
clock: each step is due within hours or days of the one before, and a late step is escalated."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tutela.cases.models import Case
from tutela.core.fields import EncryptedTextField
from tutela.court.models.proceedings import JudicialAuthority


class PlacementState(models.TextChoices):
    ACTIVE = "ACTIVE", _("In attesa di convalida")
    VALIDATED = "VALIDATED", _("Convalidato")
    ENDED = "ENDED", _("Concluso")


class PlacementOutcome(models.TextChoices):
    REVOKED_BY_PM = "revoked_by_pm", _("Revocato dal Pubblico Ministero")
    NOT_VALIDATED = "not_validated", _("Non convalidato dal Tribunale")
    CONFIRMED = "confirmed", _("Confermato dal Tribunale")
    MODIFIED = "modified", _("Modificato dal Tribunale")
    REVOKED_BY_COURT = "revoked_by_court", _("Revocato dal Tribunale")


class PlaceKind(models.TextChoices):
    COMMUNITY = "community", _("Comunità di accoglienza")
    FOSTER_FAMILY = "foster_family", _("Famiglia affidataria")
    RELATIVES = "relatives", _("Parenti")
    HOSPITAL = "hospital", _("Struttura sanitaria")
    OTHER = "other", _("Altro luogo sicuro")


class PlacingAuthority(models.TextChoices):
    SOCIAL_SERVICE = "social_service", _("Servizio sociale")
    POLICE = "police", _("Forze dell'ordine")
    MAYOR = "mayor", _("Sindaco")
    OTHER = "other", _("Altra pubblica autorità")


class EmergencyPlacement(models.Model):
    """A child placed in a safe place by a public authority (art. 403 c.c.)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="emergency_placements")
    placed_at = models.DateTimeField(_("collocato il"))
    place_kind = models.CharField(_("tipo di luogo"), max_length=20, choices=PlaceKind.choices)
    place = EncryptedTextField(_("luogo sicuro"))
    placing_authority = models.CharField(
        _("autorità che ha disposto il collocamento"), max_length=20, choices=PlacingAuthority.choices
    )
    placing_authority_detail = models.CharField(_("ufficio o agente"), max_length=150, blank=True)
    reasons = EncryptedTextField(_("motivi del collocamento"))
    prosecutor = models.ForeignKey(
        JudicialAuthority,
        verbose_name=_("Pubblico Ministero da avvisare"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    court = models.ForeignKey(
        JudicialAuthority,
        verbose_name=_("Tribunale per i minorenni"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("stato"), max_length=10, choices=PlacementState.choices, default=PlacementState.ACTIVE
    )
    outcome = models.CharField(_("esito"), max_length=20, choices=PlacementOutcome.choices, blank=True)
    ended_at = models.DateTimeField(_("concluso il"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        verbose_name = _("collocamento d'urgenza (art. 403 c.c.)")
        verbose_name_plural = _("collocamenti d'urgenza (art. 403 c.c.)")

    def __str__(self) -> str:
        return f"{_('Collocamento d urgenza')} {self.placed_at:%d/%m/%Y %H:%M}"

    @property
    def is_running(self) -> bool:
        return self.state != PlacementState.ENDED


class StepKind(models.TextChoices):
    # In the order of the clock; art. 403 c.c., paragraphs 2 to 5.
    ORAL_NOTICE = "oral_notice", _("Avviso orale al Pubblico Ministero")
    ACTS_TO_PM = "acts_to_pm", _("Trasmissione del provvedimento e della relazione al Pubblico Ministero")
    PM_REQUEST = "pm_request", _("Richiesta di convalida del Pubblico Ministero al Tribunale")
    VALIDATION = "validation", _("Decreto di convalida del Tribunale")
    HEARING = "hearing", _("Udienza di comparizione delle parti")
    DECISION = "decision", _("Decreto di conferma, modifica o revoca")


class StepOutcome(models.TextChoices):
    DONE = "done", _("Svolto")
    PM_REVOKED = "pm_revoked", _("Il PM ha revocato il collocamento")
    VALIDATED = "validated", _("Convalidato")
    NOT_VALIDATED = "not_validated", _("Non convalidato")
    CONFIRMED = "confirmed", _("Confermato")
    MODIFIED = "modified", _("Modificato")
    REVOKED = "revoked", _("Revocato")


class Art403Step(models.Model):
    """One step of the clock: when it is due (counted from the step before) and when it happened."""

    placement = models.ForeignKey(EmergencyPlacement, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(_("passaggio"), max_length=20, choices=StepKind.choices)
    due_at = models.DateTimeField(_("entro"))
    done_at = models.DateTimeField(_("avvenuto il"), null=True, blank=True)
    outcome = models.CharField(_("esito"), max_length=20, choices=StepOutcome.choices, blank=True)
    who = models.CharField(_("chi"), max_length=200, blank=True)
    note = EncryptedTextField(_("nota"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("registrato il"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annullato il"), null=True, blank=True)
    protocol_entry = models.ForeignKey(
        "protocol.ProtocolEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    document = models.ForeignKey(
        "documents.Attachment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["placement", "due_at", "id"]
        verbose_name = _("passaggio dell'art. 403 c.c.")
        verbose_name_plural = _("passaggi dell'art. 403 c.c.")
        constraints = [models.UniqueConstraint(fields=["placement", "kind"], name="art403_step_unique")]
        indexes = [
            # The escalation check: pending steps past their due time.
            models.Index(fields=["done_at", "due_at"], name="art403_step_pending"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_pending(self) -> bool:
        return self.done_at is None and self.cancelled_at is None

    def is_late(self, now: object) -> bool:
        """Past due and not done, or done after its term."""
        if self.cancelled_at is not None:
            return False
        if self.done_at is not None:
            return self.done_at > self.due_at
        return bool(self.due_at < now)  # type: ignore[operator]


class Art403Escalation(models.Model):
    """A late step brought to the territory's coordinators: one per step, whatever how often the check runs."""

    step = models.OneToOneField(Art403Step, on_delete=models.PROTECT, related_name="escalation")
    escalated_at = models.DateTimeField(_("segnalato il"))

    class Meta:
        ordering = ["-escalated_at"]
        verbose_name = _("segnalazione di ritardo (art. 403 c.c.)")
        verbose_name_plural = _("segnalazioni di ritardo (art. 403 c.c.)")

    def __str__(self) -> str:
        return f"{self.step} — {self.escalated_at:%d/%m/%Y %H:%M}"


class Art403Notice(models.Model):
    """The in-app notice of an escalation to one coordinator, with its e-mail."""

    escalation = models.ForeignKey(Art403Escalation, on_delete=models.PROTECT, related_name="notices")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    emailed_at = models.DateTimeField(_("e-mail inviata il"), null=True, blank=True)
    email_error = models.CharField(_("errore di invio"), max_length=300, blank=True)
    seen_at = models.DateTimeField(_("presa visione il"), null=True, blank=True)

    class Meta:
        ordering = ["-escalation__escalated_at", "id"]
        verbose_name = _("avviso di ritardo")
        verbose_name_plural = _("avvisi di ritardo")
        constraints = [
            models.UniqueConstraint(fields=["escalation", "recipient"], name="art403_notice_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.escalation} → {self.recipient}"
