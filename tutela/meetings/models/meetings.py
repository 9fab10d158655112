"""Meetings of the service (seeds 001, 003, 004) and their recurring series.

A meeting is planned, then held or cancelled. Most meetings belong to no case (a weekly team meeting, a quarterly
coordination), so the transition engine, which records every change on a case's timeline, cannot drive them: as
for a Deadline, the two dates held_on/cancelled_at are the state, and meetings.services sets each once, under a
row lock, with the checks of a transition.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tutela.accounts.models import Organisation, Territory
from tutela.cases.models import Case
from tutela.core.fields import EncryptedTextField


class MeetingKind(models.TextChoices):
    TEAM_WEEKLY = "team_weekly", _("Riunione settimanale d'équipe")
    HEADS_MONTHLY = "heads_monthly", _("Riunione mensile con i responsabili dei servizi")
    COORDINATION_QUARTERLY = (
        "coordination_quarterly",
        _("Coordinamento trimestrale (Comune, ente gestore, ente erogatore)"),
    )
    COORDINATION_BIMONTHLY = "coordination_bimonthly", _("Coordinamento operativo bimestrale")
    INTEGRATION_CHECK = "integration_check", _("Verifica dell'integrazione socio-sanitaria")
    CASE_MEETING = "case_meeting", _("Riunione multiprofessionale sul caso")
    NETWORK = "network", _("Riunione di monitoraggio della rete antiviolenza")


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Settimanale")
    MONTHLY = "monthly", _("Mensile")
    BIMONTHLY = "bimonthly", _("Bimestrale")
    QUARTERLY = "quarterly", _("Trimestrale")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Prevista")
    HELD = "held", _("Svolta")
    CANCELLED = "cancelled", _("Annullata")


class MeetingSeries(models.Model):
    """A recurring meeting (weekly team meeting, monthly heads, bimonthly/quarterly coordination): creating it
    plans its meetings for the period."""

    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("tipo"), max_length=30, choices=MeetingKind.choices)
    title = models.CharField(_("titolo"), max_length=200)
    frequency = models.CharField(_("cadenza"), max_length=12, choices=Frequency.choices)
    first_on = models.DateField(_("prima riunione il"))
    until_on = models.DateField(_("fino al"))
    start_time = models.TimeField(_("ora di inizio"))
    end_time = models.TimeField(_("ora di fine"))
    place = models.CharField(_("luogo"), max_length=200, blank=True)
    room = models.ForeignKey(
        "meetings.Room",
        verbose_name=_("stanza"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    network = models.ForeignKey(
        "meetings.Network", null=True, blank=True, on_delete=models.PROTECT, related_name="series"
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("organizzatore"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-first_on", "-id"]
        verbose_name = _("serie di riunioni")
        verbose_name_plural = _("serie di riunioni")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(until_on__gte=models.F("first_on")), name="meeting_series_period"
            ),
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")), name="meeting_series_times"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_frequency_display().lower()})"


class Meeting(models.Model):
    """One meeting: planned, then held (attendance, minutes, decisions) or cancelled with a reason."""

    territory = models.ForeignKey(
        Territory, verbose_name=_("territorio"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("tipo"), max_length=30, choices=MeetingKind.choices)
    title = models.CharField(_("titolo"), max_length=200)
    case = models.ForeignKey(
        Case,
        verbose_name=_("pratica"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    network = models.ForeignKey(
        "meetings.Network", null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    series = models.ForeignKey(
        MeetingSeries, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    starts_at = models.DateTimeField(_("inizio"))
    ends_at = models.DateTimeField(_("fine"))
    place = models.CharField(_("luogo"), max_length=200, blank=True)
    room = models.ForeignKey(
        "meetings.Room",
        verbose_name=_("stanza"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organizzatore"),
        on_delete=models.PROTECT,
        related_name="organised_meetings",
    )
    # A case meeting's agenda and minutes speak of the child: encrypted at rest like the journal.
    agenda = EncryptedTextField(_("ordine del giorno"), blank=True)
    held_on = models.DateField(_("svolta il"), null=True, blank=True)
    minutes = EncryptedTextField(_("verbale"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annullata il"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancellation_reason = models.CharField(_("motivo dell'annullamento"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("riunione")
        verbose_name_plural = _("riunioni")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="meeting_times"
            ),
            models.CheckConstraint(
                condition=models.Q(held_on__isnull=True) | models.Q(cancelled_at__isnull=True),
                name="meeting_held_or_cancelled",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="case_meeting") | models.Q(case__isnull=False),
                name="meeting_case_meeting_has_case",
            ),
            models.CheckConstraint(
                condition=models.Q(cancelled_at__isnull=True) | ~models.Q(cancellation_reason=""),
                name="meeting_cancelled_with_reason",
            ),
        ]
        indexes = [
            # meetings_planned_vs_held: a territory's meetings of a kind in a period
            models.Index(fields=["territory", "kind", "starts_at"], name="meeting_territory_kind"),
            # the room agenda and the double-booking check
            models.Index(fields=["room", "starts_at"], name="meeting_room_start"),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.starts_at:%d/%m/%Y %H:%M}"

    @property
    def status(self) -> str:
        if self.held_on is not None:
            return MeetingStatus.HELD
        if self.cancelled_at is not None:
            return MeetingStatus.CANCELLED
        return MeetingStatus.PLANNED

    def get_status_display(self) -> str:
        return str(MeetingStatus(self.status).label)


class MeetingParticipant(models.Model):
    """Who is invited: a user, or an organisation (a Comune, the health authority, a provider)."""

    class Attendance(models.TextChoices):
        PRESENT = "present", _("Presente")
        ABSENT = "absent", _("Assente")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_invitations",
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attendance = models.CharField(_("presenza"), max_length=10, choices=Attendance.choices, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("partecipante")
        verbose_name_plural = _("partecipanti")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, organisation__isnull=True)
                | models.Q(user__isnull=True, organisation__isnull=False),
                name="meeting_participant_user_or_organisation",
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=models.Q(user__isnull=False), name="meeting_user_once"
            ),
            models.UniqueConstraint(
                fields=["meeting", "organisation"],
                condition=models.Q(organisation__isnull=False),
                name="meeting_organisation_once",
            ),
        ]
        # meetings_visible_to: the meetings a user is invited to
        indexes = [models.Index(fields=["user", "meeting"], name="meeting_participant_user")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.user is not None:
            return self.user.get_full_name() or self.user.get_username()
        return self.organisation.name if self.organisation is not None else ""


class MeetingDecision(models.Model):
    """A decision of a held meeting. With an owner and a due date, on a case, it becomes a Deadline of the case
    (kind MEETING_DECISION, source = the decision); otherwise the meeting's own list tracks it as done/undone."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    text = models.CharField(_("decisione"), max_length=300)
    case = models.ForeignKey(
        Case, verbose_name=_("pratica"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsabile"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_decisions",
    )
    due_on = models.DateField(_("entro il"), null=True, blank=True)
    done_at = models.DateTimeField(_("eseguita il"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("decisione")
        verbose_name_plural = _("decisioni")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner__isnull=True, due_on__isnull=True)
                | models.Q(owner__isnull=False, due_on__isnull=False),
                name="meeting_decision_owner_with_due_date",
            ),
        ]

    def __str__(self) -> str:
        return self.text
