"""Supervised visits (incontri protetti, spazio neutro) in the dedicated rooms of the service (seed 003)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tutela.accounts.models import Territory
from tutela.cases.models import Case
from tutela.core.fields import EncryptedTextField
from tutela.people.models import Person


class Room(models.Model):
    """A room of the service fit for children: supervised visits and meetings are booked in it."""

    territory = models.ForeignKey(
        Territory, verbose_name=_("territorio"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("nome"), max_length=120)
    place = models.CharField(_("sede"), max_length=200)
    capacity = models.PositiveSmallIntegerField(_("capienza (persone)"))
    active = models.BooleanField(_("attiva"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("stanza")
        verbose_name_plural = _("stanze")
        constraints = [
            models.UniqueConstraint(fields=["territory", "name"], name="room_name_unique"),
            models.CheckConstraint(condition=models.Q(capacity__gte=2), name="room_capacity_two"),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.place}"


class VisitFrequency(models.TextChoices):
    WEEKLY = "weekly", _("Settimanale")
    FORTNIGHTLY = "fortnightly", _("Quindicinale")
    MONTHLY = "monthly", _("Mensile")
    OTHER = "other", _("Altra cadenza")


class VisitArrangement(models.Model):
    """Who may meet the child in supervised visits, how often, and on which order (court order or service
    decision). A new arrangement of the case ends the previous one."""

    Frequency = VisitFrequency

    case = models.ForeignKey(
        Case, verbose_name=_("pratica"), on_delete=models.PROTECT, related_name="visit_arrangements"
    )
    persons = models.ManyToManyField(Person, verbose_name=_("persone ammesse"), related_name="+")
    frequency = models.CharField(_("cadenza"), max_length=12, choices=VisitFrequency.choices)
    frequency_note = models.CharField(_("precisazioni sulla cadenza"), max_length=150, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("durata di un incontro (minuti)"), default=60)
    # The court order that prescribes the visits, when it is registered in Tutela (tutela.court) ...
    court_order = models.ForeignKey(
        "court.CourtOrder",
        verbose_name=_("provvedimento dell'autorità giudiziaria"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visit_arrangements",
    )
    # ... or as cited (decree no., date, authority), for an order not registered or a service decision.
    order_reference = models.CharField(_("provvedimento di riferimento"), max_length=200, blank=True)
    starts_on = models.DateField(_("valida dal"))
    ends_on = models.DateField(_("valida fino al"), null=True, blank=True)
    notes = EncryptedTextField(_("prescrizioni e note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("disposizione sugli incontri protetti")
        verbose_name_plural = _("disposizioni sugli incontri protetti")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="visit_arrangement_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} — {self.get_frequency_display()} dal {self.starts_on:%d/%m/%Y}"

    def covers(self, day: object) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)  # type: ignore[operator]


class VisitState(models.TextChoices):
    BOOKED = "BOOKED", _("Prenotato")
    HELD = "HELD", _("Svolto")
    CANCELLED = "CANCELLED", _("Annullato")


class CancellationReason(models.TextChoices):
    VISITOR_ABSENT = "visitor_absent", _("Assenza del genitore o familiare")
    CHILD_UNWELL = "child_unwell", _("Minore indisposto")
    CHILD_REFUSED = "child_refused", _("Rifiuto del minore")
    SERVICE = "service", _("Motivi di servizio")
    COURT = "court", _("Sospensione disposta dall'Autorità giudiziaria")
    OTHER = "other", _("Altro")


class SupervisedVisit(models.Model):
    """One supervised visit: the child meets persons of the arrangement in a room, under an operator's eye.
    Its state changes only through meetings.workflow.VISIT_WORKFLOW."""

    CancellationReason = CancellationReason

    case = models.ForeignKey(
        Case, verbose_name=_("pratica"), on_delete=models.PROTECT, related_name="supervised_visits"
    )
    arrangement = models.ForeignKey(
        VisitArrangement, on_delete=models.PROTECT, related_name="visits", verbose_name=_("disposizione")
    )
    room = models.ForeignKey(Room, verbose_name=_("stanza"), on_delete=models.PROTECT, related_name="visits")
    starts_at = models.DateTimeField(_("inizio"))
    ends_at = models.DateTimeField(_("fine"))
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operatore che osserva"),
        on_delete=models.PROTECT,
        related_name="supervised_visits",
    )
    state = models.CharField(_("stato"), max_length=10, choices=VisitState.choices, default=VisitState.BOOKED)
    child_attended = models.BooleanField(_("presenza del minore"), null=True, blank=True)
    # What the operator observed of the relationship: confidential (view_confidential or the operator).
    observations = EncryptedTextField(_("osservazioni dell'operatore"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.CharField(
        _("motivo dell'annullamento"), max_length=20, choices=CancellationReason.choices, blank=True
    )
    cancellation_note = models.CharField(_("precisazioni"), max_length=300, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("incontro protetto")
        verbose_name_plural = _("incontri protetti")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="visit_times"),
            models.CheckConstraint(
                condition=~models.Q(state="CANCELLED") | ~models.Q(cancellation_reason=""),
                name="visit_cancelled_with_reason",
            ),
        ]
        indexes = [
            # the double-booking check and the room agenda: a room's visits around a time
            models.Index(fields=["room", "starts_at"], name="visit_room_start"),
            # the double-booking check of the operator
            models.Index(fields=["supervisor", "starts_at"], name="visit_supervisor_start"),
        ]

    def __str__(self) -> str:
        return f"{self.case} — {self.starts_at:%d/%m/%Y %H:%M}"


class VisitAttendee(models.Model):
    """A person of the arrangement who is to meet the child at this visit, and whether they came."""

    visit = models.ForeignKey(SupervisedVisit, on_delete=models.CASCADE, related_name="attendees")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    attended = models.BooleanField(_("presente"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("partecipante all'incontro")
        verbose_name_plural = _("partecipanti all'incontro")
        constraints = [models.UniqueConstraint(fields=["visit", "person"], name="visit_attendee_once")]

    def __str__(self) -> str:
        return str(self.person)
