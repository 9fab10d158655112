from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from tutela.accounts.roles import Role


class Municipality(models.Model):
    """An Italian Comune, from the ISTAT list (reference data loaded by a migration)."""

    istat_code = models.CharField(_("codice ISTAT"), max_length=6, unique=True)
    belfiore_code = models.CharField(_("codice catastale"), max_length=4, unique=True)
    name = models.CharField(_("denominazione"), max_length=120)
    province_code = models.CharField(_("codice provincia"), max_length=3)
    province_abbr = models.CharField(_("sigla provincia"), max_length=2)
    region_name = models.CharField(_("regione"), max_length=60)
    population = models.PositiveIntegerField(_("popolazione"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Comune")
        verbose_name_plural = _("Comuni")
        # Serves the autocomplete on the name ("Prat" -> Prato).
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.province_abbr})"


class Organisation(models.Model):
    class Kind(models.TextChoices):
        CONSORTIUM = "consortium", _("Ente gestore / consorzio")
        MUNICIPALITY = "municipality", _("Comune")
        HEALTH_AUTHORITY = "health_authority", _("Azienda sanitaria")
        COURT = "court", _("Autorità giudiziaria")
        SCHOOL = "school", _("Scuola")
        POLICE = "police", _("Forze dell'ordine")
        PROVIDER = "provider", _("Ente erogatore")
        OTHER = "other", _("Altro")

    name = models.CharField(_("denominazione"), max_length=200)
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    email = models.EmailField(_("indirizzo e-mail / PEC"), blank=True)
    address = models.CharField(_("indirizzo"), max_length=250, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("Comune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    # The consortium (ente gestore) whose territory this organisation works in; a consortium points to itself.
    territory = models.ForeignKey(
        "Territory",
        verbose_name=_("territorio"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    active = models.BooleanField(_("attivo"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("ente")
        verbose_name_plural = _("enti")

    def __str__(self) -> str:
        return self.name


class Territory(models.Model):
    """The area of a managing body (SdS/ASP/Unione): its member Comuni and its settings."""

    name = models.CharField(_("denominazione"), max_length=200, unique=True)
    managing_body = models.OneToOneField(
        Organisation,
        verbose_name=_("ente gestore"),
        on_delete=models.PROTECT,
        related_name="managed_territory",
        null=True,
        blank=True,
    )
    lead_municipality = models.ForeignKey(
        Municipality, verbose_name=_("Comune capofila"), on_delete=models.PROTECT, related_name="+"
    )
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("Comuni"), related_name="territories"
    )
    protocol_register = models.ForeignKey(
        "protocol.ProtocolRegister",
        verbose_name=_("registro di protocollo"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    take_in_charge_days = models.PositiveSmallIntegerField(
        _("giorni per la presa in carico"),
        default=10,
        help_text=_("Dalla ricezione della segnalazione all'assegnazione del caso (seed 004: 10 giorni)."),
    )
    admin_office = models.ForeignKey(
        Organisation,
        verbose_name=_("Area amministrativa"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    case_code_prefix = models.CharField(_("prefisso codice pratica"), max_length=8, default="TM")
    # The patron saint's day of the lead Comune is a local holiday for business-day arithmetic.
    patron_saint_month = models.PositiveSmallIntegerField(_("festa patronale: mese"), null=True, blank=True)
    patron_saint_day = models.PositiveSmallIntegerField(_("festa patronale: giorno"), null=True, blank=True)
    foster_expiry_notice_days = models.PositiveSmallIntegerField(
        _("preavviso della scadenza dell'affidamento (giorni)"),
        default=90,
        help_text=_(
            "Quanti giorni prima della scadenza dei 24 mesi (L. 184/1983 art. 4 c.4) il servizio riceve la scadenza "
            "per segnalare al PM l'opportunità della proroga."
        ),
    )

    class Meta:
        verbose_name = _("territorio")
        verbose_name_plural = _("territori")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    name = models.CharField(_("nome"), max_length=120)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")

    class Meta:
        ordering = ["name"]
        verbose_name = _("gruppo di lavoro")
        verbose_name_plural = _("gruppi di lavoro")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    profession = models.CharField(_("profilo professionale"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("utente")
        verbose_name_plural = _("utenti")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("ruolo"), max_length=32, choices=Role.choices)
    active = models.BooleanField(_("attivo"), default=True)

    class Meta:
        verbose_name = _("appartenenza")
        verbose_name_plural = _("appartenenze")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.organisation})"


class BreakGlassAccess(models.Model):
    """An emergency access to a case outside the user's scope (DESIGN.md section 5, ADR 0007).

    Opened only with a stated reason and a fresh re-authentication, limited in time, and kept in the review
    queue of the case's coordinator and of the DPO until one of them judges it.
    """

    class Outcome(models.TextChoices):
        JUSTIFIED = "justified", _("giustificato")
        NOT_JUSTIFIED = "not_justified", _("non giustificato")

    user = models.ForeignKey(
        User, verbose_name=_("utente"), on_delete=models.PROTECT, related_name="break_glass_accesses"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("pratica"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("motivo"))
    opened_at = models.DateTimeField(_("aperto il"))
    expires_at = models.DateTimeField(_("scade il"))
    reviewed_by = models.ForeignKey(
        User,
        verbose_name=_("verificato da"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("verificato il"), null=True, blank=True)
    review_outcome = models.CharField(
        _("esito della verifica"), max_length=20, choices=Outcome.choices, blank=True
    )
    review_note = models.TextField(_("nota della verifica"), blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("accesso di emergenza")
        verbose_name_plural = _("accessi di emergenza")
        indexes = [
            # access.py: the user's unexpired grant on a case, on every case page and search
            models.Index(fields=["user", "case", "expires_at"], name="break_glass_user_case"),
            # the review queue: what nobody has judged yet
            models.Index(
                fields=["opened_at"],
                name="break_glass_to_review",
                condition=models.Q(reviewed_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gte=models.F("opened_at")),
                name="break_glass_expires_not_before_opening",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(reviewed_at__isnull=True, reviewed_by__isnull=True, review_outcome="")
                    | models.Q(
                        reviewed_at__isnull=False,
                        reviewed_by__isnull=False,
                        review_outcome__in=["justified", "not_justified"],
                    )
                ),
                name="break_glass_review_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.case_id} ({self.opened_at:%Y-%m-%d %H:%M})"


class LoginLockout(models.Model):
    """The failed logins counted against one user name, or one client address, and its lock (ADR 0006).

    Written by tutela.accounts.lockout only; a row is forgotten a day after its last failure.
    """

    class Scope(models.TextChoices):
        USERNAME = "username", _("nome utente")
        ADDRESS = "address", _("indirizzo")

    scope = models.CharField(_("ambito"), max_length=10, choices=Scope.choices)
    # The user name as typed (it may belong to nobody), or the client address.
    key = models.CharField(_("chiave"), max_length=255)
    failures = models.PositiveIntegerField(_("tentativi falliti"), default=0)
    # Locks in a row: the exponent of a user name's next delay.
    lockouts = models.PositiveIntegerField(_("blocchi consecutivi"), default=0)
    counting_since = models.DateTimeField(_("conteggio dal"))
    last_failure_at = models.DateTimeField(_("ultimo tentativo fallito"))
    locked_until = models.DateTimeField(_("bloccato fino al"), null=True, blank=True)

    class Meta:
        verbose_name = _("blocco dell'accesso")
        verbose_name_plural = _("blocchi dell'accesso")
        constraints = [
            # Also the index of the lookup made at every login: the rows of this name and of this address.
            models.UniqueConstraint(fields=["scope", "key"], name="login_lockout_unique_key"),
        ]
        indexes = [
            # the clean-up, at each failure, of the rows nobody has failed on for a day
            models.Index(fields=["last_failure_at"], name="login_lockout_last_failure"),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.key}"
