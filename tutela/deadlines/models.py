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

    # Kinds that reveal a court proceeding: shown only to who may read confidential sections, and completed by
    # the court acts themselves (filing the report, recording the art. 403 step), never by hand.
    COURT_KINDS = (Kind.COURT_DUTY, Kind.COURT_REPORT, Kind.ART403)

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
            # A user's own deadlines: the worklist's pending ones by due date (done_at IS NULL), the calendar's.
            models.Index(fields=["owner", "done_at", "due_at"], name="deadline_owner_due"),
            # The pending deadlines without owner of the cases a user leads (worklist; their lead answers).
            models.Index(
                fields=["case", "due_at"],
                name="deadline_unowned_pending",
                condition=models.Q(owner__isnull=True, done_at__isnull=True, cancelled_at__isnull=True),
            ),
            # A territory's pending deadlines by due date: the coordinator's overdue and upcoming lists, a page
            # at a time (keyset on due_at, id).
            models.Index(
                fields=["due_at", "id"],
                name="deadline_pending_due",
                condition=models.Q(done_at__isnull=True, cancelled_at__isnull=True),
            ),
            # A territory's calendar by date, completed ones included: the month grid (a LIMIT per day) and the
            # month list, a page at a time.
            models.Index(fields=["due_at", "id"], name="deadline_due"),
        ]

    def __str__(self) -> str:
        return f"{self.description} — {self.due_at:%d/%m/%Y}"

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return self.done_at is None and self.due_at < (now or timezone.now())


class Reminder(models.Model):
    """One notice about one deadline, to one user, on one channel (DESIGN.md section 6).

    The unique key (deadline, kind, channel, recipient) is what makes `send_reminders` idempotent: a notice is
    claimed by inserting its row, so a second run, or a concurrent one, finds it and sends nothing again.
    """

    class Kind(models.TextChoices):
        BEFORE_DUE = "before_due", _("Promemoria")
        OVERDUE = "overdue", _("Sollecito: scadenza superata")

    class Channel(models.TextChoices):
        IN_APP = "in_app", _("Avviso in Tutela")
        EMAIL = "email", _("E-mail")

    deadline = models.ForeignKey(Deadline, on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("canale"), max_length=10, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("destinatario"),
        on_delete=models.PROTECT,
        related_name="deadline_reminders",
    )
    created_at = models.DateTimeField(_("creato il"), default=timezone.now)
    # E-mail: when the last attempt started, how many there were, the last error; in-app: sent when created.
    claimed_at = models.DateTimeField(_("ultimo tentativo il"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("tentativi"), default=0)
    sent_at = models.DateTimeField(_("inviato il"), null=True, blank=True)
    error = models.CharField(_("errore"), max_length=300, blank=True)
    # In-app: read or dismissed by the recipient; it then leaves the worklist.
    read_at = models.DateTimeField(_("letto il"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("promemoria")
        verbose_name_plural = _("promemoria")
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "kind", "channel", "recipient"], name="reminder_once_per_channel"
            ),
        ]
        indexes = [
            # the "Promemoria" section of each worklist: the recipient's unread in-app notices
            models.Index(
                fields=["recipient", "created_at"],
                name="reminder_unread",
                condition=models.Q(channel="in_app", read_at__isnull=True),
            ),
            # e-mails to retry
            models.Index(
                fields=["claimed_at"],
                name="reminder_email_unsent",
                condition=models.Q(channel="email", sent_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.deadline_id} → {self.recipient_id} ({self.channel})"

    @property
    def case_id(self) -> int:
        return self.deadline.case_id


class CalendarFeedToken(models.Model):
    """The secret of a user's private calendar feed (ICS). Only its SHA-256 is stored: the link is shown once,
    when generated; generating a new one revokes the old."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("creato il"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revocato il"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("ultimo utilizzo"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("link del calendario personale")
        verbose_name_plural = _("link del calendario personale")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(revoked_at__isnull=True), name="calendar_feed_one_active"
            ),
        ]

    def __str__(self) -> str:
        state = "revocato" if self.revoked_at else "attivo"
        return f"{self.user_id} ({state}, {self.created_at:%d/%m/%Y})"
