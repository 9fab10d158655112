from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tutela.accounts.models import Municipality, Organisation
from tutela.assessments.models import SocialReport
from tutela.cases.models import Case
from tutela.core.fields import EncryptedTextField
from tutela.people.models import Person


class ServiceType(models.Model):
    """An entry of the service catalogue (reference data, maintained by the administrator)."""

    class Unit(models.TextChoices):
        HOURS = "hours", _("ore")
        DAYS = "days", _("giorni")
        MONTHS = "months", _("mesi")
        ONE_OFF = "one_off", _("una tantum")

    code = models.CharField(_("codice locale"), max_length=20, unique=True)
    name = models.CharField(_("denominazione"), max_length=200)
    macro_area = models.CharField(_("macro-area"), max_length=80, blank=True)
    siuss_code = models.CharField(_("codice prestazione SIUSS"), max_length=20, blank=True)
    nomenclatore_code = models.CharField(_("codice nomenclatore regionale"), max_length=20, blank=True)
    fnps_level = models.CharField(_("macro-livello FNPS"), max_length=80, blank=True)
    unit = models.CharField(_("unità di misura"), max_length=10, choices=Unit.choices, default=Unit.HOURS)

    class Delivery(models.TextChoices):
        GENERIC = "generic", _("Prestazione professionale")
        EDUCATIONAL = "educational", _("Sostegno educativo (educatori, PEI, ore erogate)")
        FOSTER = "foster", _("Affidamento familiare")
        RESIDENTIAL = "residential", _("Inserimento in struttura residenziale")
        SEMI_RESIDENTIAL = "semi_residential", _("Centro diurno / semiresidenziale")
        CONTRIBUTION = "contribution", _("Contributo economico")

    delivery = models.CharField(
        _("modalità di erogazione"),
        max_length=20,
        choices=Delivery.choices,
        default=Delivery.GENERIC,
        help_text=_(
            "Decide che cosa la proposta e l'intervento devono indicare (ore, affidatari, struttura, …)."
        ),
    )
    implies_take_in_charge = models.BooleanField(_("comporta presa in carico"), default=True)
    proposable = models.BooleanField(_("proponibile dal servizio sociale"), default=True)
    active = models.BooleanField(_("attivo"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tipo di servizio")
        verbose_name_plural = _("catalogo dei servizi")

    def __str__(self) -> str:
        return self.name


class Contract(models.Model):
    """An agreement with a provider (cooperative, community) for a period; its rates give the unit costs."""

    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("ente erogatore"),
        on_delete=models.PROTECT,
        related_name="contracts",
        limit_choices_to={"kind": Organisation.Kind.PROVIDER},
    )
    territory = models.ForeignKey(
        "accounts.Territory", verbose_name=_("territorio"), on_delete=models.PROTECT, related_name="contracts"
    )
    reference = models.CharField(_("estremi del contratto / convenzione"), max_length=80)
    starts_on = models.DateField(_("valido dal"))
    ends_on = models.DateField(_("valido fino al"))
    note = models.CharField(_("note"), max_length=250, blank=True)

    class Meta:
        ordering = ["provider__name", "-starts_on"]
        verbose_name = _("contratto")
        verbose_name_plural = _("contratti")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="contract_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} — {self.reference}"


class ContractRate(models.Model):
    """The unit cost of a service type under a contract, for a period (hour, day, month or one-off)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="rates")
    service_type = models.ForeignKey(
        ServiceType, verbose_name=_("servizio"), on_delete=models.PROTECT, related_name="rates"
    )
    unit_cost = models.DecimalField(_("costo unitario (€)"), max_digits=9, decimal_places=2)
    valid_from = models.DateField(_("dal"))
    valid_to = models.DateField(_("al"))

    class Meta:
        ordering = ["service_type__name", "valid_from"]
        verbose_name = _("tariffa")
        verbose_name_plural = _("tariffe")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__gte=models.F("valid_from")), name="rate_period"
            ),
            models.CheckConstraint(condition=models.Q(unit_cost__gte=0), name="rate_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.service_type} € {self.unit_cost}"


class Facility(models.Model):
    """A residential or semi-residential facility run by a provider, with its SINBA character and capacity."""

    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("ente gestore della struttura"),
        on_delete=models.PROTECT,
        related_name="facilities",
    )
    name = models.CharField(_("denominazione"), max_length=200)
    service_type = models.ForeignKey(
        ServiceType, verbose_name=_("tipologia"), on_delete=models.PROTECT, related_name="facilities"
    )
    character = models.ForeignKey(
        "reference.Code",
        verbose_name=_("carattere dell'inserimento (SINBA)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"code_list": "CarattereInserimentoResidenzialeType"},
    )
    capacity = models.PositiveSmallIntegerField(_("posti autorizzati"))
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("Comune"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("indirizzo"), max_length=250, blank=True)
    active = models.BooleanField(_("attiva"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("struttura")
        verbose_name_plural = _("strutture")

    def __str__(self) -> str:
        return self.name


class FosterCarer(models.Model):
    """A foster family or single carer available to the territory's foster-care service."""

    territory = models.ForeignKey(
        "accounts.Territory",
        verbose_name=_("territorio"),
        on_delete=models.PROTECT,
        related_name="foster_carers",
    )
    name = models.CharField(_("denominazione (es. Famiglia Rossi)"), max_length=120)
    persons = models.ManyToManyField(
        Person, verbose_name=_("componenti affidatari"), related_name="foster_carers"
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("Comune"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("indirizzo"), max_length=250, blank=True)
    available = models.BooleanField(_("disponibile"), default=True)
    note = EncryptedTextField(_("note del servizio affidi"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("affidatario")
        verbose_name_plural = _("affidatari")

    def __str__(self) -> str:
        return self.name


class DeclaredRelationship(models.Model):
    """A staff member's declared kinship or tie with a person or a provider (L. 184/1983 art. 2 c.1.1 and
    2-bis): foster carers related to the social workers of a case, and facilities where they hold a role,
    cannot be chosen for that case."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operatore"),
        on_delete=models.PROTECT,
        related_name="declared_relationships",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("persona"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("ente"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    relation = models.CharField(_("rapporto dichiarato"), max_length=120)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rapporto dichiarato")
        verbose_name_plural = _("rapporti dichiarati")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(organisation__isnull=False),
                name="declared_relationship_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.relation}"


class PlacementForm(models.TextChoices):
    """SINBA FormaInterventoAffidoType / FormaInserimentoResidenzialeType."""

    CONSENSUAL = "1", _("Consensuale")
    JUDICIAL = "2", _("Giudiziario")


class FosterKind(models.TextChoices):
    """SINBA TipoInterventoAffidoType."""

    INTRA_FAMILY = "1", _("Intrafamiliare")
    EXTRA_FAMILY = "2", _("Eterofamiliare")


class FosterTime(models.TextChoices):
    """SINBA DurataAffidoType."""

    FULL_TIME = "1", _("Tempo pieno")
    PART_TIME = "2", _("Tempo parziale")


class ProposalState(models.TextChoices):
    DRAFT = "DRAFT", _("Bozza")
    SUBMITTED = "SUBMITTED", _("Inviata al coordinatore")
    APPROVED = "APPROVED", _("Approvata")
    REJECTED = "REJECTED", _("Respinta")
    UNDER_REVIEW = "UNDER_REVIEW", _("In istruttoria")
    AUTHORISED = "AUTHORISED", _("Autorizzata")
    DENIED = "DENIED", _("Non autorizzata")


class ServiceProposal(models.Model):
    """The proposal of a service that a social report with outcome makes (seed 000 steps 3-6)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="proposals")
    social_report = models.ForeignKey(SocialReport, on_delete=models.PROTECT, related_name="proposal_set")
    service_type = models.ForeignKey(
        ServiceType, verbose_name=_("servizio proposto"), on_delete=models.PROTECT, related_name="proposals"
    )
    state = models.CharField(
        _("stato"), max_length=12, choices=ProposalState.choices, default=ProposalState.DRAFT
    )
    motivation = EncryptedTextField(_("motivazione della proposta"))
    hours_per_week = models.DecimalField(
        _("ore settimanali"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    duration_months = models.PositiveSmallIntegerField(_("durata prevista (mesi)"), null=True, blank=True)
    proposed_start = models.DateField(_("avvio proposto"), null=True, blank=True)
    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("ente erogatore"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": Organisation.Kind.PROVIDER},
    )
    facility = models.ForeignKey(
        Facility,
        verbose_name=_("struttura"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    foster_carer = models.ForeignKey(
        FosterCarer,
        verbose_name=_("affidatari"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    placement_form = models.CharField(
        _("forma (consensuale/giudiziale)"), max_length=1, choices=PlacementForm.choices, blank=True
    )
    foster_kind = models.CharField(
        _("affido intra/eterofamiliare"), max_length=1, choices=FosterKind.choices, blank=True
    )
    foster_time = models.CharField(
        _("tempo pieno/parziale"), max_length=1, choices=FosterTime.choices, blank=True
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    evaluated_at = models.DateTimeField(null=True, blank=True)
    return_reason = EncryptedTextField(_("motivo della restituzione"), blank=True)
    rejection_reason = EncryptedTextField(_("motivo del rigetto"), blank=True)
    approval_protocol = models.ForeignKey(
        "protocol.ProtocolEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome_acknowledged_at = models.DateTimeField(_("esito acquisito il"), null=True, blank=True)
    outcome_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("proposta")
        verbose_name_plural = _("proposte")
        indexes = [models.Index(fields=["state"], name="proposal_state")]  # worklists by state

    def __str__(self) -> str:
        return f"{self.service_type} ({self.get_state_display()})"


class AdministrativeReview(models.Model):
    """The administrative office's review (istruttoria) and authorisation act (seed 000 step 5)."""

    proposal = models.OneToOneField(ServiceProposal, on_delete=models.PROTECT, related_name="review")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    act_number = models.CharField(_("numero dell'atto (determina)"), max_length=40, blank=True)
    act_date = models.DateField(_("data dell'atto"), null=True, blank=True)
    cost_estimate = models.DecimalField(
        _("spesa prevista (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    paying_municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("Comune che sostiene la spesa"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Checklist of the review (istruttoria)
    check_report = models.BooleanField(_("relazione sociale e proposta complete"), default=False)
    check_residence = models.BooleanField(_("residenza e Comune competente verificati"), default=False)
    check_budget = models.BooleanField(_("copertura di bilancio verificata"), default=False)
    check_provider = models.BooleanField(_("ente erogatore con contratto valido"), default=False)
    check_family_share = models.BooleanField(
        _("compartecipazione della famiglia valutata (ISEE)"), default=False
    )
    commitment_number = models.CharField(_("impegno di spesa n."), max_length=40, blank=True)
    # Cost shares as the SIUSS prestazioni record carries them (ImportoQuota*), PresenzaProvaMezzi, DSU.
    share_municipality = models.DecimalField(
        _("quota a carico del Comune (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    share_family = models.DecimalField(
        _("quota a carico della famiglia (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    share_health = models.DecimalField(
        _("quota a carico del servizio sanitario (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    means_tested = models.BooleanField(_("prestazione con prova dei mezzi (ISEE)"), default=False)
    dsu_protocol = models.CharField(_("protocollo DSU"), max_length=30, blank=True)
    municipality_acknowledged_at = models.DateTimeField(
        _("presa d'atto del Comune il"), null=True, blank=True
    )
    municipality_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    denial_reason = EncryptedTextField(_("motivo del diniego"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("istruttoria amministrativa")
        verbose_name_plural = _("istruttorie amministrative")

    def __str__(self) -> str:
        return f"{self.proposal} — {self.act_number}"


class InterventionState(models.TextChoices):
    PLANNED = "PLANNED", _("Programmato")
    ACTIVE = "ACTIVE", _("Attivo")
    SUSPENDED = "SUSPENDED", _("Sospeso")
    ENDED = "ENDED", _("Concluso")


class Intervention(models.Model):
    """The service actually delivered, created by an authorised proposal."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="interventions")
    proposal = models.OneToOneField(ServiceProposal, on_delete=models.PROTECT, related_name="intervention")
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="interventions")
    state = models.CharField(
        _("stato"), max_length=10, choices=InterventionState.choices, default=InterventionState.PLANNED
    )
    paying_municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("Comune che sostiene la spesa"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    planned_start = models.DateField(_("avvio previsto"), null=True, blank=True)
    hours_per_week = models.DecimalField(
        _("ore settimanali"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    budget = models.DecimalField(
        _("importo autorizzato (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("ente erogatore"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interventions",
    )
    contract_rate = models.ForeignKey(
        ContractRate,
        verbose_name=_("tariffa applicata"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit_cost = models.DecimalField(
        _("costo unitario (€)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    planned_end = models.DateField(_("termine previsto"), null=True, blank=True)
    started_on = models.DateField(_("avviato il"), null=True, blank=True)
    ended_on = models.DateField(_("concluso il"), null=True, blank=True)
    end_reason = EncryptedTextField(_("motivo della conclusione"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("intervento")
        verbose_name_plural = _("interventi")
        indexes = [
            # The Comune's worklist: the newest authorised interventions of its residents, read in this order
            # and stopped after a section's rows (worklists/selectors.py), never sorted whole.
            models.Index(fields=["-created_at", "-id"], name="intervention_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.service_type} ({self.get_state_display()})"


class Suspension(models.Model):
    """A period in which an intervention was suspended (no units are delivered or paid)."""

    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="suspensions")
    starts_on = models.DateField(_("sospeso dal"))
    ends_on = models.DateField(_("ripreso il"), null=True, blank=True)
    reason = EncryptedTextField(_("motivo della sospensione"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("sospensione")
        verbose_name_plural = _("sospensioni")

    def __str__(self) -> str:
        return (
            f"{self.starts_on:%d/%m/%Y} - {self.ends_on:%d/%m/%Y}"
            if self.ends_on
            else f"{self.starts_on:%d/%m/%Y} -"
        )


class EducatorAssignment(models.Model):
    """An educator of the provider assigned to a home-support intervention by the provider's coordinator."""

    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="assignments")
    educator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("educatore"),
        on_delete=models.PROTECT,
        related_name="educator_assignments",
    )
    hours_per_week = models.DecimalField(_("ore settimanali"), max_digits=5, decimal_places=1)
    starts_on = models.DateField(_("dal"))
    ends_on = models.DateField(_("al"), null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    # The case-team membership the assignment brought (None when the educator was already in the team for
    # another reason): ending the educator's last assignment on the case removes only a membership it brought.
    team_member = models.ForeignKey(
        "cases.CaseMember", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("assegnazione educatore")
        verbose_name_plural = _("assegnazioni educatori")

    def __str__(self) -> str:
        return f"{self.educator} ({self.hours_per_week} h/sett.)"


class DeliveryRecord(models.Model):
    """Hours (or days) delivered on one date by an educator or operator: the timesheet line."""

    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="deliveries")
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("operatore"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("data"))
    units = models.DecimalField(_("ore / unità erogate"), max_digits=6, decimal_places=2)
    activity = EncryptedTextField(_("attività svolta"), blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "-recorded_at"]
        verbose_name = _("prestazione erogata")
        verbose_name_plural = _("prestazioni erogate")
        indexes = [models.Index(fields=["intervention", "day"], name="delivery_intervention_day")]
        constraints = [
            models.CheckConstraint(condition=models.Q(units__gt=0), name="delivery_units_positive")
        ]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y}: {self.units}"


class Placement(models.Model):
    """Foster care or a residential placement: who or where, since when, until when and how it ended."""

    class Kind(models.TextChoices):
        FOSTER = "foster", _("Affidamento familiare")
        RESIDENTIAL = "residential", _("Inserimento in struttura")

    intervention = models.OneToOneField(Intervention, on_delete=models.PROTECT, related_name="placement")
    kind = models.CharField(_("tipo"), max_length=12, choices=Kind.choices)
    foster_carer = models.ForeignKey(
        FosterCarer,
        verbose_name=_("affidatari"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
    )
    facility = models.ForeignKey(
        Facility,
        verbose_name=_("struttura"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
    )
    form = models.CharField(_("forma"), max_length=1, choices=PlacementForm.choices)
    foster_kind = models.CharField(
        _("affido intra/eterofamiliare"), max_length=1, choices=FosterKind.choices, blank=True
    )
    foster_time = models.CharField(
        _("tempo pieno/parziale"), max_length=1, choices=FosterTime.choices, blank=True
    )
    starts_on = models.DateField(_("inizio"))
    planned_end = models.DateField(_("termine previsto"))
    court_extended_until = models.DateField(_("prorogato dal tribunale fino al"), null=True, blank=True)
    ended_on = models.DateField(_("concluso il"), null=True, blank=True)
    outcome = models.ForeignKey(
        "reference.Code",
        verbose_name=_("esito (SINBA)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("collocamento")
        verbose_name_plural = _("collocamenti")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("starts_on")), name="placement_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} dal {self.starts_on:%d/%m/%Y}"


class EducationalProject(models.Model):
    """The individual educational project (PEI) of a home-support intervention (seed 003)."""

    intervention = models.OneToOneField(Intervention, on_delete=models.PROTECT, related_name="project")
    general_objective = EncryptedTextField(_("obiettivo generale"))
    family_involvement = EncryptedTextField(_("coinvolgimento delle figure genitoriali"), blank=True)
    shared_with_municipality = models.BooleanField(_("condiviso con il Comune"), default=False)
    next_review_on = models.DateField(_("prossima verifica"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("progetto educativo individualizzato (PEI)")
        verbose_name_plural = _("progetti educativi individualizzati")

    def __str__(self) -> str:
        return f"PEI — {self.intervention}"


class ProjectGoal(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("In corso")
        ACHIEVED = "achieved", _("Raggiunto")
        PARTIAL = "partial", _("Parzialmente raggiunto")
        NOT_ACHIEVED = "not_achieved", _("Non raggiunto")

    project = models.ForeignKey(EducationalProject, on_delete=models.CASCADE, related_name="goals")
    description = EncryptedTextField(_("obiettivo"))
    actions = EncryptedTextField(_("azioni"))
    responsible = models.CharField(_("chi fa che cosa"), max_length=200)
    review_on = models.DateField(_("data di verifica"), null=True, blank=True)
    status = models.CharField(_("stato"), max_length=15, choices=Status.choices, default=Status.OPEN)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("obiettivo del PEI")
        verbose_name_plural = _("obiettivi del PEI")

    def __str__(self) -> str:
        return f"Obiettivo {self.pk} ({self.get_status_display()})"


class ProgressReport(models.Model):
    """The provider's update report on the project; it reaches the Comune's officer and the service in
    charge, and one meant for the court follows the court-reporting path (the service transmits it)."""

    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="progress_reports")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    period_from = models.DateField(_("periodo dal"))
    period_to = models.DateField(_("al"))
    text = EncryptedTextField(_("andamento del progetto"))
    for_court = models.BooleanField(_("destinata all'autorità giudiziaria"), default=False)
    submitted_at = models.DateTimeField(auto_now_add=True)
    read_by_service_at = models.DateTimeField(_("letta dal servizio il"), null=True, blank=True)
    court_protocol = models.ForeignKey(
        "protocol.ProtocolEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transmitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("relazione di aggiornamento")
        verbose_name_plural = _("relazioni di aggiornamento")

    def __str__(self) -> str:
        return f"Relazione {self.period_from:%d/%m/%Y} - {self.period_to:%d/%m/%Y}"


class MonitoringEntry(models.Model):
    """The social worker's monitoring of an intervention (seed 000 step 8)."""

    class Assessment(models.TextChoices):
        ON_TRACK = "on_track", _("Regolare, in linea con il progetto")
        ATTENTION = "attention", _("Da seguire con attenzione")
        CRITICAL = "critical", _("Critico: rivedere il progetto")

    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="monitoring")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("data"))
    assessment = models.CharField(_("valutazione"), max_length=10, choices=Assessment.choices)
    text = EncryptedTextField(_("osservazioni"))
    next_check_on = models.DateField(_("prossimo monitoraggio"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "-created_at"]
        verbose_name = _("monitoraggio")
        verbose_name_plural = _("monitoraggi")

    def __str__(self) -> str:
        return f"Monitoraggio del {self.day:%d/%m/%Y}"


class DeliveryControl(models.Model):
    """A targeted control by the managing body on the regular delivery of an intervention (seed 000 step 7),
    visible to the provider, with its findings and follow-up actions."""

    class Method(models.TextChoices):
        DOCUMENTS = "documents", _("Verifica documentale (fogli presenza, relazioni)")
        ON_SITE = "on_site", _("Verifica in loco")
        INTERVIEW = "interview", _("Colloquio con la famiglia o con l'operatore")

    class Outcome(models.TextChoices):
        COMPLIANT = "compliant", _("Regolare")
        MINOR = "minor", _("Irregolarità lievi")
        NON_COMPLIANT = "non_compliant", _("Non conforme")

    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="controls")
    controller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("data del controllo"))
    method = models.CharField(_("modalità"), max_length=10, choices=Method.choices)
    outcome = models.CharField(_("esito"), max_length=15, choices=Outcome.choices)
    findings = EncryptedTextField(_("rilievi"))
    follow_up = EncryptedTextField(_("azioni conseguenti"), blank=True)
    follow_up_due = models.DateField(_("entro il"), null=True, blank=True)
    follow_up_done_at = models.DateTimeField(_("azioni concluse il"), null=True, blank=True)
    provider_reply = EncryptedTextField(_("controdeduzioni dell'ente erogatore"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "-created_at"]
        verbose_name = _("controllo")
        verbose_name_plural = _("controlli")

    def __str__(self) -> str:
        return f"Controllo del {self.day:%d/%m/%Y} ({self.get_outcome_display()})"
