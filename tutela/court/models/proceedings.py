"""Judicial authorities, proceedings and the orders the service receives (DESIGN.md section 3, row `court`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tutela.accounts.models import Organisation
from tutela.cases.models import Case
from tutela.core.fields import EncryptedTextField
from tutela.people.models import Person
from tutela.reference.models import Code


class AuthorityKind(models.TextChoices):
    JUVENILE_COURT = "juvenile_court", _("Tribunale per i minorenni")
    ORDINARY_COURT = "ordinary_court", _("Tribunale ordinario")
    JUVENILE_PROSECUTOR = (
        "juvenile_prosecutor",
        _("Procura della Repubblica presso il Tribunale per i minorenni"),
    )
    ORDINARY_PROSECUTOR = "ordinary_prosecutor", _("Procura della Repubblica presso il Tribunale ordinario")
    TUTELARY_JUDGE = "tutelary_judge", _("Giudice tutelare")
    COURT_OF_APPEAL = "court_of_appeal", _("Corte d'appello")
    OTHER = "other", _("Altra autorità giudiziaria")


# SINBA `AutoritaProvvedimentoType` code of each kind, for the returns (none for the others).
SINBA_AUTHORITY_CODE = {
    AuthorityKind.TUTELARY_JUDGE: "1",
    AuthorityKind.JUVENILE_COURT: "2",
    AuthorityKind.JUVENILE_PROSECUTOR: "3",
    AuthorityKind.ORDINARY_COURT: "4",
}


class Nature(models.TextChoices):
    CIVIL = "civil", _("Civile")
    ADMINISTRATIVE = "administrative", _("Amministrativo")
    CRIMINAL = "criminal", _("Penale")


class JudicialAuthority(models.Model):
    """A court or prosecutor's office the service deals with; its address and PEC are its Organisation's."""

    kind = models.CharField(_("tipo"), max_length=30, choices=AuthorityKind.choices)
    name = models.CharField(_("denominazione"), max_length=200, unique=True)
    seat = models.CharField(_("sede"), max_length=80)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("ente (indirizzo e PEC)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="judicial_authorities",
        limit_choices_to={"kind": Organisation.Kind.COURT},
    )
    active = models.BooleanField(_("attiva"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("autorità giudiziaria")
        verbose_name_plural = _("autorità giudiziarie")

    def __str__(self) -> str:
        return self.name

    @property
    def is_prosecutor(self) -> bool:
        return self.kind in {AuthorityKind.JUVENILE_PROSECUTOR, AuthorityKind.ORDINARY_PROSECUTOR}


class CourtProceeding(models.Model):
    """A proceeding about the child before a judicial authority, by its general register (RG) number."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="court_proceedings")
    authority = models.ForeignKey(
        JudicialAuthority, verbose_name=_("autorità"), on_delete=models.PROTECT, related_name="proceedings"
    )
    rg_number = models.CharField(_("numero di ruolo generale (RG)"), max_length=20)
    rg_year = models.PositiveSmallIntegerField(_("anno del ruolo"))
    nature = models.CharField(_("natura"), max_length=20, choices=Nature.choices)
    opened_on = models.DateField(_("aperto il"))
    judge_name = models.CharField(_("giudice relatore"), max_length=120, blank=True)
    guardian_name = models.CharField(_("tutore"), max_length=120, blank=True)
    special_curator_name = models.CharField(_("curatore speciale"), max_length=120, blank=True)
    notes = EncryptedTextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("procedimento giudiziario")
        verbose_name_plural = _("procedimenti giudiziari")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "authority", "rg_year", "rg_number"], name="court_proceeding_unique_rg"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.authority} — RG {self.rg_label}"

    @property
    def rg_label(self) -> str:
        return f"{self.rg_number}/{self.rg_year}"


class OrderStage(models.TextChoices):
    PROVISIONAL = "provisional", _("Provvisorio")
    FINAL = "final", _("Definitivo")


class CourtOrderQuerySet(models.QuerySet["CourtOrder"]):
    def in_force(self) -> CourtOrderQuerySet:
        return self.filter(ended_on__isnull=True)


class CourtOrder(models.Model):
    """An order (decreto, provvedimento) of the authority in a proceeding, as the service received it."""

    proceeding = models.ForeignKey(CourtProceeding, on_delete=models.PROTECT, related_name="orders")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="court_orders")
    number = models.CharField(_("numero del provvedimento"), max_length=40, blank=True)
    order_date = models.DateField(_("data del provvedimento"))
    deposited_on = models.DateField(_("depositato in cancelleria il"))
    received_on = models.DateField(_("ricevuto dal servizio il"))
    stage = models.CharField(_("carattere"), max_length=20, choices=OrderStage.choices)
    nature = models.CharField(_("natura"), max_length=20, choices=Nature.choices)
    sinba_type = models.ForeignKey(
        Code,
        verbose_name=_("tipo di provvedimento (SINBA)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    prescriptions = EncryptedTextField(_("testo delle prescrizioni"), blank=True)
    report_every_months = models.PositiveSmallIntegerField(
        _("relazioni periodiche ogni (mesi)"), null=True, blank=True
    )
    first_report_due = models.DateField(_("prima relazione entro il"), null=True, blank=True)
    ended_on = models.DateField(_("cessato il"), null=True, blank=True)
    ended_by = models.ForeignKey(
        "self",
        verbose_name=_("revocato o sostituito da"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced",
    )
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(_("registrato il"))

    objects = CourtOrderQuerySet.as_manager()

    class Meta:
        ordering = ["-order_date", "-id"]
        verbose_name = _("provvedimento dell'autorità giudiziaria")
        verbose_name_plural = _("provvedimenti dell'autorità giudiziaria")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deposited_on__gte=models.F("order_date")), name="court_order_deposit_after"
            ),
            models.CheckConstraint(
                condition=models.Q(received_on__gte=models.F("order_date")), name="court_order_received_after"
            ),
            models.CheckConstraint(
                condition=models.Q(report_every_months__isnull=True)
                | models.Q(first_report_due__isnull=False),
                name="court_order_periodic_has_first_due",
            ),
        ]

    def __str__(self) -> str:
        label = f"n. {self.number} " if self.number else ""
        return f"{_('Provvedimento')} {label}{_('del')} {self.order_date:%d/%m/%Y}"

    @property
    def in_force(self) -> bool:
        return self.ended_on is None


class MeasureKind(models.TextChoices):
    CUSTODY_TO_SERVICE = "custody_to_service", _("Affidamento al servizio sociale")
    FAMILY_PLACEMENT = "family_placement", _("Collocamento in affidamento familiare")
    COMMUNITY_PLACEMENT = "community_placement", _("Collocamento in comunità")
    RESPONSIBILITY_LIMITED = "responsibility_limited", _("Limitazione della responsabilità genitoriale")
    RESPONSIBILITY_SUSPENDED = "responsibility_suspended", _("Sospensione della responsabilità genitoriale")
    RESPONSIBILITY_FORFEITED = "responsibility_forfeited", _("Decadenza dalla responsabilità genitoriale")
    SUPERVISED_VISITS = "supervised_visits", _("Incontri protetti")
    PARENT_PRESCRIPTIONS = "parent_prescriptions", _("Prescrizioni ai genitori")
    SERVICES_MANDATE = "services_mandate", _("Incarico ai servizi")
    OTHER = "other", _("Altra misura")


# The measures that name the persons they concern (the visitors allowed, the parents affected).
MEASURES_WITH_PERSONS = {
    MeasureKind.SUPERVISED_VISITS,
    MeasureKind.RESPONSIBILITY_LIMITED,
    MeasureKind.RESPONSIBILITY_SUSPENDED,
    MeasureKind.RESPONSIBILITY_FORFEITED,
    MeasureKind.PARENT_PRESCRIPTIONS,
}


class VisitFrequency(models.TextChoices):
    WEEKLY = "weekly", _("Settimanale")
    FORTNIGHTLY = "fortnightly", _("Quindicinale")
    MONTHLY = "monthly", _("Mensile")
    AS_SERVICE_DECIDES = "service", _("Secondo le valutazioni del servizio")


class OrderMeasure(models.Model):
    """One measure of an order. For supervised visits: who may meet the child, and how often."""

    order = models.ForeignKey(CourtOrder, on_delete=models.PROTECT, related_name="measures")
    kind = models.CharField(_("misura"), max_length=30, choices=MeasureKind.choices)
    child = models.ForeignKey(
        Person, verbose_name=_("minore"), on_delete=models.PROTECT, related_name="court_measures"
    )
    persons = models.ManyToManyField(
        Person,
        verbose_name=_("persone interessate"),
        blank=True,
        related_name="court_measures_as_party",
        help_text=_("Per gli incontri protetti: chi può incontrare il minore; per le altre: i genitori."),
    )
    frequency = models.CharField(_("frequenza"), max_length=20, choices=VisitFrequency.choices, blank=True)
    details = EncryptedTextField(_("dettagli"), blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("misura disposta")
        verbose_name_plural = _("misure disposte")

    def __str__(self) -> str:
        return self.get_kind_display()


class CourtDuty(models.Model):
    """Something the order asks the service to do by a date, once or every so many months."""

    order = models.ForeignKey(CourtOrder, on_delete=models.PROTECT, related_name="duties")
    description = models.CharField(
        _("adempimento"),
        max_length=150,
        help_text=_("Breve, senza nomi: compare nelle scadenze (es. «Verifica della frequenza scolastica»)."),
    )
    details = EncryptedTextField(_("dettagli"), blank=True)
    due_on = models.DateField(_("entro il"))
    every_months = models.PositiveSmallIntegerField(_("ripetere ogni (mesi)"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("responsabile"), on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(_("concluso il"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annullato il"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("adempimento disposto")
        verbose_name_plural = _("adempimenti disposti")

    def __str__(self) -> str:
        return self.description

    @property
    def is_open(self) -> bool:
        return self.completed_at is None and self.cancelled_at is None


class MandateKind(models.TextChoices):
    PSYCHOSOCIAL_INVESTIGATION = "psychosocial", _("Indagine psico-sociale")
    SOCIAL_INVESTIGATION = "social", _("Indagine socio-familiare")
    PARENTING_ASSESSMENT = "parenting", _("Valutazione delle capacità genitoriali")
    SUPPORT_AND_MONITORING = "support", _("Sostegno e monitoraggio del nucleo")
    PLACEMENT_SEARCH = "placement_search", _("Individuazione di una collocazione idonea")
    OTHER = "other", _("Altro incarico")


class CourtMandate(models.Model):
    """An assignment of the judge to the services (art. 473-bis.27 c.p.c.), answered by a report."""

    order = models.ForeignKey(CourtOrder, on_delete=models.PROTECT, related_name="mandates")
    kind = models.CharField(_("incarico"), max_length=30, choices=MandateKind.choices)
    details = EncryptedTextField(_("quesito del giudice"), blank=True)
    due_on = models.DateField(_("relazione entro il"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("responsabile"), on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(_("concluso il"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annullato il"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("incarico ai servizi")
        verbose_name_plural = _("incarichi ai servizi")

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_open(self) -> bool:
        return self.completed_at is None and self.cancelled_at is None
