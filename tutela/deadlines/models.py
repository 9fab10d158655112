from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tutela.cases.models import Case


class DeadlineQuerySet(models.QuerySet["Deadline"]):
    def pending(self) -> DeadlineQuerySet:
        return self.filter(done_at__isnull=True, cancelled_at__isnull=True)

    def overdue(self, now: dt.datetime) -> DeadlineQuerySet:
        return self.pending().filter(due_at__lt=now)


class Deadline(models.Model):
    """A stored due date, created by the service that causes it; worklists read these rows."""

    class Kind(models.TextChoices):
        TAKE_IN_CHARGE = "take_in_charge", _("Presa in carico")
        PLACEMENT_EXPIRY = "placement_expiry", _("Scadenza dell'affidamento (segnalazione al PM)")
        PLAN_REVIEW = "plan_review", _("Verifica del progetto")
        MONITORING = "monitoring", _("Monitoraggio dell'intervento")
        CONTROL_FOLLOW_UP = "control_follow_up", _("Azioni conseguenti a un controllo")
        COURT_DUTY = "court_duty", _("Adempimento disposto dall'autorità giudiziaria")
        COURT_REPORT = "court_report", _("Relazione all'autorità giudiziaria")
        ART403 = "art403", _("Collocamento d'urgenza (art. 403 c.c.)")
        MEETING_DECISION = "meeting_decision", _("Decisione di una riunione")
        OTHER = "other", _("Altro")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="deadlines")
    kind = models.CharField(_("tipo"), max_length=30, choices=Kind.choices)
    description = models.CharField(_("descrizione"), max_length=200)
    due_at = models.DateTimeField(_("scadenza"))
    # What caused the deadline (a placement, a court order, a meeting decision, …); none for take-in-charge.
    source_type = models.ForeignKey(
        "contenttypes.ContentType", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="deadlines"
    )
    done_at = models.DateTimeField(_("completata il"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("annullata il"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("scadenza")
        verbose_name_plural = _("scadenze")
        indexes = [
            models.Index(fields=["case", "kind", "done_at"], name="deadline_case_kind"),
            models.Index(fields=["source_type", "source_id"], name="deadline_source"),
        ]

    def __str__(self) -> str:
        return f"{self.description} — {self.due_at:%d/%m/%Y}"

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return self.done_at is None and self.due_at < (now or timezone.now())
