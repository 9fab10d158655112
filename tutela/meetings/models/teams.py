"""Micro-équipes on complex cases and court investigations (seed 002: 120 of 200)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tutela.accounts.models import Organisation
from tutela.cases.models import Case


class ComplexityReason(models.TextChoices):
    COMPLEX_CASE = "complex_case", _("Caso complesso")
    COURT_INVESTIGATION = "court_investigation", _("Indagine per l'Autorità giudiziaria")


class ComplexCase(models.Model):
    """A case recognised as complex, or under an investigation for the court, on a date: the denominator of
    the micro-équipe indicator (seed 002, "costituzioni di micro-équipe / casi-indagini")."""

    Reason = ComplexityReason

    case = models.ForeignKey(
        Case, verbose_name=_("pratica"), on_delete=models.PROTECT, related_name="complexity_marks"
    )
    reason = models.CharField(_("motivo"), max_length=30, choices=ComplexityReason.choices)
    recognised_on = models.DateField(_("riconosciuto il"))
    recognised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recognised_on", "-id"]
        verbose_name = _("caso complesso o indagine")
        verbose_name_plural = _("casi complessi e indagini")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "reason", "recognised_on"], name="complex_case_once_a_day"
            ),
        ]
        # micro_team_share: the complex cases and investigations of a period
        indexes = [models.Index(fields=["recognised_on"], name="complex_case_recognised")]

    def __str__(self) -> str:
        return f"{self.case} — {self.get_reason_display()}"


class MicroTeam(models.Model):
    """A multi-professional micro-équipe constituted ad hoc on one situation (seed 002)."""

    Reason = ComplexityReason

    case = models.ForeignKey(
        Case, verbose_name=_("pratica"), on_delete=models.PROTECT, related_name="micro_teams"
    )
    reason = models.CharField(_("motivo"), max_length=30, choices=ComplexityReason.choices)
    purpose = models.CharField(_("mandato della micro-équipe"), max_length=250, blank=True)
    constituted_on = models.DateField(_("costituita il"))
    dissolved_on = models.DateField(_("sciolta il"), null=True, blank=True)
    constituted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-constituted_on", "-id"]
        verbose_name = _("micro-équipe")
        verbose_name_plural = _("micro-équipe")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(dissolved_on__isnull=True),
                name="micro_team_one_active_per_case",
            ),
            models.CheckConstraint(
                condition=models.Q(dissolved_on__isnull=True)
                | models.Q(dissolved_on__gte=models.F("constituted_on")),
                name="micro_team_dissolved_after_constitution",
            ),
        ]
        # micro_team_share: the micro-équipes constituted in a period
        indexes = [models.Index(fields=["constituted_on"], name="micro_team_constituted")]

    def __str__(self) -> str:
        return f"{self.case} — {self.get_reason_display()} ({self.constituted_on:%d/%m/%Y})"

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None


class MicroTeamMember(models.Model):
    """A professional of the micro-équipe: a Tutela user, or an external professional named here."""

    team = models.ForeignKey(MicroTeam, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utente"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="micro_team_memberships",
    )
    full_name = models.CharField(_("nome e cognome (professionista esterno)"), max_length=150, blank=True)
    profession = models.CharField(_("profilo professionale"), max_length=120)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("ente"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # True when the constitution added the user to the case team (CaseMember): the dissolution takes them out.
    joined_case_team = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("componente della micro-équipe")
        verbose_name_plural = _("componenti della micro-équipe")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(full_name=""),
                name="micro_team_member_named",
            ),
            models.UniqueConstraint(
                fields=["team", "user"],
                condition=models.Q(user__isnull=False),
                name="micro_team_member_once",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.user is not None:
            return self.user.get_full_name() or self.user.get_username()
        return self.full_name
