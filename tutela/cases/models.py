from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tutela.accounts.models import Municipality, Territory
from tutela.core.confidentiality import Secrecy
from tutela.core.fields import EncryptedTextField
from tutela.people.models import Person
from tutela.reference.models import Code


class Channel(models.TextChoices):
    DIRECT = "direct", _("Accesso diretto (istanza)")
    INDIRECT = "indirect", _("Segnalazione da ente terzo")


class CaseState(models.TextChoices):
    REFERRED = "REFERRED", _("Da assegnare")
    ASSESSMENT = "ASSESSMENT", _("In valutazione")
    IN_CARE = "IN_CARE", _("In carico")
    CLOSING = "CLOSING", _("Chiusura da confermare")
    CLOSED = "CLOSED", _("Chiusa")


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.exclude(state=CaseState.CLOSED)

    def in_state(self, *states: str) -> CaseQuerySet:
        return self.filter(state__in=states)


class Case(models.Model):
    """A child's file (pratica / cartella sociale). Its state changes only through tutela.workflow."""

    code = models.CharField(_("codice pratica"), max_length=30, unique=True)
    child = models.ForeignKey(
        Person, verbose_name=_("minore"), on_delete=models.PROTECT, related_name="cases"
    )
    territory = models.ForeignKey(
        Territory, verbose_name=_("territorio"), on_delete=models.PROTECT, related_name="cases"
    )
    channel = models.CharField(_("canale di accesso"), max_length=10, choices=Channel.choices)
    state = models.CharField(_("stato"), max_length=12, choices=CaseState.choices, default=CaseState.REFERRED)
    lead_social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assistente sociale referente"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_cases",
    )
    assigned_at = models.DateTimeField(_("assegnata il"), null=True, blank=True)
    paying_municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("Comune che sostiene la spesa"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confidential = models.BooleanField(_("riservata"), default=False)
    opened_at = models.DateTimeField(_("aperta il"))
    # The first time the case entered IN_CARE (its timeline says the same): who was in charge in a period is
    # a range on the case, not a search of the timeline (indicators, ADR 0018).
    in_care_since = models.DateTimeField(_("in carico dal"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("chiusa il"), null=True, blank=True)
    closure_reason = models.ForeignKey(
        Code,
        verbose_name=_("motivo di chiusura (SINBA)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closure_note = EncryptedTextField(_("motivazione della chiusura"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("pratica")
        verbose_name_plural = _("pratiche")
        indexes = [
            # A territory's cases (the scope of the territory-wide roles, joined by their deadlines' reads): the
            # narrow index the planner reads for `territory_id = X` alone.
            models.Index(fields=["territory", "state"], name="case_territory_state"),
            # The worklists' sections of one state (to assign, to assess, closures to confirm), newest first:
            # an index range in the order shown, stopped when the section is full.
            models.Index(
                fields=["territory", "state", "-opened_at", "-id"], name="case_territory_state_opened"
            ),
            # The case list of a territory, newest first, paged by keyset (opened_at, id).
            models.Index(fields=["territory", "-opened_at", "-id"], name="case_territory_opened"),
            # The same newest first for scopes that are not a territory (a Comune's residents: the child's
            # residence decides), walked until a worklist section or a page is full.
            models.Index(fields=["-opened_at", "-id"], name="case_opened"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.state != CaseState.CLOSED


class CaseMember(models.Model):
    """A professional working on the case besides the lead social worker (case team)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_memberships"
    )
    role_label = models.CharField(_("ruolo nel caso"), max_length=120, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="case_member_unique")]

    def __str__(self) -> str:
        return f"{self.user} ({self.role_label})"


class CaseEvent(models.Model):
    """The case timeline: every transition and notable act, with who, when and the protocol number."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("quando"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("evento"), max_length=60)
    description = models.CharField(_("descrizione"), max_length=300)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    note = EncryptedTextField(_("nota"), blank=True)
    # What the note quotes decides who reads it (ADR 0017): readers without the right see the act, not the note.
    note_class = models.CharField(
        _("riservatezza della nota"), max_length=12, choices=Secrecy.choices, default=Secrecy.CONFIDENTIAL
    )
    protocol_entry = models.ForeignKey(
        "protocol.ProtocolEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("evento della pratica")
        verbose_name_plural = _("eventi della pratica")

    def __str__(self) -> str:
        return f"{self.case} {self.code}"


class JournalEntry(models.Model):
    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("Colloquio")
        HOME_VISIT = "home_visit", _("Visita domiciliare")
        PHONE_CALL = "phone_call", _("Telefonata")
        SCHOOL_CONTACT = "school_contact", _("Contatto con la scuola")
        HEALTH_CONTACT = "health_contact", _("Contatto con i servizi sanitari")
        COURT_CONTACT = "court_contact", _("Contatto con l'Autorità giudiziaria")
        NETWORK_CONTACT = "network_contact", _("Contatto con la rete dei servizi")
        TEAM_MEETING = "team_meeting", _("Riunione d'équipe")
        NOTE = "note", _("Nota")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="journal")
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    occurred_on = models.DateField(_("data"))
    text = EncryptedTextField(_("testo"))
    confidential = models.BooleanField(_("riservata"), default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("voce del diario")
        verbose_name_plural = _("diario")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"
