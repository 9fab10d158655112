"""Returns to the State (debiti informativi): SINBA and SIUSS prestazioni sociali flows (seed 003).

`SinbaChildData` holds what the SINBA record needs about a child that the case file does not otherwise record;
`ReportingBody` is who sends a flow (the Ente of its header); `ReturnBatch` is one export, run in the background,
verified by both bodies and marked as sent; `ReturnIssue` lists the records it could not produce and why.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tutela.accounts.models import Municipality, Territory
from tutela.cases.models import Case
from tutela.reference.models import Code

THREE_DIGITS = RegexValidator(r"^[0-9]{3}$", _("Indicare il codice ISTAT di 3 cifre dello Stato (es. 100)."))


def _code(
    code_list: str, verbose_name: Any, help_text: Any = ""
) -> models.ForeignKey[Code | None, Code | None]:
    """A value of one SINBA code list (reference.Code rows of that XSD type)."""
    return models.ForeignKey(
        Code,
        verbose_name=verbose_name,
        help_text=help_text,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"code_list": code_list},
    )


class SinbaChildData(models.Model):
    """The SINBA data of a child in care that the case file does not otherwise hold (one per case), kept by
    the lead social worker. Derivation rules and defaults: docs/returns/sinba-mapping.md."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="sinba_data")
    # The child
    unaccompanied_foreign_minor = _code("MinoreStranieroNoAccType", _("minore straniero non accompagnato"))
    orphan_status = _code("CondizioneMinoreType", _("condizione del minore (orfano)"))
    living_place = _code(
        "LuogoVitaType",
        _("dove vive il minore"),
        _("Se vuoto, si ricava dal collocamento in corso (affido o struttura)."),
    )
    school = _code("ScuolaFrequentataType", _("scuola frequentata"))
    work_condition = _code(
        "CondizioneLavoroType",
        _("condizione lavorativa"),
        _("Se vuota, sotto i 16 anni vale «inattivo (non in età da lavoro)»."),
    )
    disability = _code("DisabilitaType", _("disabilità"))
    disability_kind = _code("TipoDisabilitaType", _("tipo di disabilità"))
    disability_certification = _code(
        "InvCivCertificazioniType", _("certificazioni (invalidità, L. 104, NPI)")
    )
    residence_country = models.CharField(
        _("Stato di residenza (codice ISTAT)"),
        max_length=3,
        blank=True,
        validators=[THREE_DIGITS],
        help_text=_("Solo se il minore non ha un Comune di residenza in Italia."),
    )
    citizenship_code = models.CharField(
        _("cittadinanza (codice ISTAT dello Stato)"),
        max_length=3,
        blank=True,
        validators=[THREE_DIGITS],
        help_text=_("Solo per cittadinanza non italiana (es. 201 Albania, 235 Romania)."),
    )
    # The family
    family_composition = models.ManyToManyField(
        Code,
        verbose_name=_("conviventi"),
        blank=True,
        related_name="+",
        limit_choices_to={"code_list": "ComposizioneFamigliaType"},
        help_text=_("Se vuoto, si ricava dai familiari conviventi registrati nella pratica."),
    )
    father_education = _code("TitoloStudioType", _("titolo di studio del padre"))
    mother_education = _code("TitoloStudioType", _("titolo di studio della madre"))
    father_occupation = _code("OccupazioneType", _("condizione occupazionale del padre"))
    mother_occupation = _code("OccupazioneType", _("condizione occupazionale della madre"))
    isee_household_size = models.PositiveSmallIntegerField(
        _("componenti del nucleo ISEE"), null=True, blank=True, validators=[MaxValueValidator(9)]
    )
    isee_band = _code("FasciaISEEBeneficiarioType", _("fascia ISEE"))
    # The judicial authority (until the court orders are recorded in the case: then derived from them)
    reported_to_court = _code(
        "SegnalazioneAutoritaGiudiziariaType", _("il servizio ha segnalato all'Autorità giudiziaria")
    )
    reported_to_court_on = models.DateField(_("data della segnalazione all'AG"), null=True, blank=True)
    court_order = _code(
        "ProvvedimentoGiudiziarioType", _("esiste un provvedimento dell'Autorità giudiziaria")
    )
    court_order_on = models.DateField(_("data del provvedimento"), null=True, blank=True)
    court_authority = _code("AutoritaProvvedimentoType", _("autorità che ha emesso il provvedimento"))
    parental_responsibility = _code("PotestaTutelaType", _("provvedimento sulla responsabilità genitoriale"))
    court_order_kind = _code("TipoProvvedimentoGiudiziarioType", _("tipo di provvedimento"))
    # Placements and closure: what the placement records do not say
    residential_with_parent = _code(
        "TipoInserimentoResidenzialeType", _("inserimento in struttura con/senza genitore")
    )
    closure_situation = _code("SituazioneChiusuraCaricoType", _("situazione del minore alla chiusura"))
    collaboration = _code("CollaborazioniInterventiType", _("servizi che collaborano agli interventi"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("aggiornati il"))

    class Meta:
        verbose_name = _("dati SINBA del minore")
        verbose_name_plural = _("dati SINBA dei minori")

    def __str__(self) -> str:
        return f"SINBA {self.case}"


class ReportingBody(models.Model):
    """Who sends a flow to INPS: the Ente of the flow header (code in SIUSS, seat, operator's fiscal code).

    One row per Comune that sends its own returns (seed 003: the returns are the Comune's) and one, without a
    Comune, for the managing body, used for the Comuni that have none of their own."""

    territory = models.ForeignKey(
        Territory, verbose_name=_("territorio"), on_delete=models.PROTECT, related_name="+"
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("Comune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Vuoto: l'ente gestore, che trasmette per i Comuni senza una propria configurazione."),
    )
    siuss_code = models.CharField(
        _("codice dell'ente in SIUSS"),
        max_length=32,
        help_text=_("Codice assegnato da INPS all'ente erogatore."),
    )
    name = models.CharField(_("denominazione"), max_length=100)
    seat = models.ForeignKey(
        Municipality,
        verbose_name=_("Comune della sede legale"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Il flusso ne riporta il codice catastale."),
    )
    operator_fiscal_code = models.CharField(
        _("codice fiscale dell'operatore che trasmette"),
        max_length=16,
        validators=[
            RegexValidator(
                r"^([A-Za-z]{6}\d{2}[A-Za-z]\d{2}[A-Za-z][A-Za-z0-9]{3}[A-Za-z]|\d{11})$",
                _("Codice fiscale di 16 caratteri o partita IVA di 11 cifre."),
            )
        ],
    )
    take_in_charge_service = models.ForeignKey(
        "services.ServiceType",
        verbose_name=_("prestazione della presa in carico"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "La prestazione del servizio sociale professionale: il suo codice SIUSS è riportato nel record SINBA "
            "di ogni minore in carico."
        ),
    )

    class Meta:
        verbose_name = _("ente trasmittente")
        verbose_name_plural = _("enti trasmittenti")
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "municipality"],
                condition=models.Q(municipality__isnull=False),
                name="reporting_body_one_per_comune",
            ),
            models.UniqueConstraint(
                fields=["territory"],
                condition=models.Q(municipality__isnull=True),
                name="reporting_body_one_for_the_body",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReturnKind(models.TextChoices):
    SINBA = "sinba", _("SINBA — minori in carico")
    SIUSS_PS = "siuss_ps", _("SIUSS — prestazioni sociali")


class BatchState(models.TextChoices):
    QUEUED = "QUEUED", _("In coda")
    RUNNING = "RUNNING", _("In corso")
    DONE = "DONE", _("Completata")
    FAILED = "FAILED", _("Non riuscita")


class Validation(models.TextChoices):
    VALID = "valid", _("Valido secondo lo schema INPS")
    INVALID = "invalid", _("Non valido secondo lo schema INPS")
    UNAVAILABLE = "unavailable", _("Schema INPS non disponibile: file non validato")
    SKIPPED = "skipped", _("Validazione non eseguita")
    EMPTY = "empty", _("Nessun record: nessun file prodotto")


def _batch_file_name(instance: ReturnBatch, filename: str) -> str:
    # Never the flow's name on disk: the download gives it back.
    return f"returns/{instance.created_at:%Y/%m}/{uuid.uuid4().hex}.xml"


class ReturnBatch(models.Model):
    """One export of a flow for one Comune, produced in the background, then verified by the managing body
    and by the Comune (seed 003: "a seguito di verifica da parte di entrambi gli enti") and marked as sent."""

    kind = models.CharField(_("flusso"), max_length=10, choices=ReturnKind.choices)
    territory = models.ForeignKey(
        Territory, verbose_name=_("territorio"), on_delete=models.PROTECT, related_name="+"
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("Comune"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Il flusso comprende i minori residenti in questo Comune."),
    )
    reference_date = models.DateField(_("data di riferimento"), null=True, blank=True)
    period_from = models.DateField(_("periodo dal"), null=True, blank=True)
    period_to = models.DateField(_("al"), null=True, blank=True)
    state = models.CharField(_("stato"), max_length=8, choices=BatchState.choices, default=BatchState.QUEUED)
    progress_done = models.PositiveIntegerField(_("elaborati"), default=0)
    progress_total = models.PositiveIntegerField(_("da elaborare"), default=0)
    records_count = models.PositiveIntegerField(_("record prodotti"), default=0)
    issues_count = models.PositiveIntegerField(_("record incompleti"), default=0)
    file = models.FileField(upload_to=_batch_file_name, blank=True)
    file_name = models.CharField(_("nome del file"), max_length=80, blank=True)
    sha256 = models.CharField(_("impronta SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("dimensione (byte)"), null=True, blank=True)
    validation = models.CharField(_("validazione"), max_length=12, choices=Validation.choices, blank=True)
    validation_errors = models.TextField(_("errori di validazione"), blank=True)
    failure_reason = models.CharField(_("motivo dell'errore"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("avviata da"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("avviata il"))
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("conclusa il"), null=True, blank=True)
    body_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verificata per l'ente gestore da"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    body_verified_at = models.DateTimeField(null=True, blank=True)
    municipality_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verificata per il Comune da"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    municipality_verified_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("segnata come inviata da"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("inviata a INPS il"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("esportazione")
        verbose_name_plural = _("esportazioni")
        indexes = [
            # the returns page: the batches of a territory (and of one Comune), newest first
            models.Index(fields=["territory", "municipality", "-created_at"], name="return_batch_list"),
            # run_return_batch --pending
            models.Index(fields=["state"], name="return_batch_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind=ReturnKind.SINBA, reference_date__isnull=False)
                    | models.Q(
                        kind=ReturnKind.SIUSS_PS,
                        period_from__isnull=False,
                        period_to__isnull=False,
                        period_from__lte=models.F("period_to"),
                    )
                ),
                name="return_batch_parameters",
            ),
            # Joint verification (seed 003): sent only once both bodies verified it, by two different people.
            models.CheckConstraint(
                condition=models.Q(sent_at__isnull=True)
                | models.Q(body_verified_at__isnull=False, municipality_verified_at__isnull=False),
                name="return_batch_sent_after_joint_verification",
            ),
            models.CheckConstraint(
                condition=~models.Q(body_verified_by=models.F("municipality_verified_by")),
                name="return_batch_two_verifiers",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.municipality.name} ({self.parameters_label})"

    @property
    def parameters_label(self) -> str:
        if self.kind == ReturnKind.SINBA and self.reference_date:
            return f"al {self.reference_date:%d/%m/%Y}"
        if self.period_from and self.period_to:
            return f"dal {self.period_from:%d/%m/%Y} al {self.period_to:%d/%m/%Y}"
        return ""

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 100 if self.state == BatchState.DONE else 0
        return min(100, self.progress_done * 100 // self.progress_total)

    @property
    def is_finished(self) -> bool:
        return self.state in (BatchState.DONE, BatchState.FAILED)

    @property
    def has_file(self) -> bool:
        return bool(self.file) and self.state == BatchState.DONE


class ReturnIssue(models.Model):
    """A record the batch could not produce: the case (and intervention) and the data it lacks."""

    batch = models.ForeignKey(ReturnBatch, on_delete=models.CASCADE, related_name="issues")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    intervention = models.ForeignKey(
        "services.Intervention", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    missing = models.JSONField(_("dati mancanti"), default=list)  # keys of tutela.returns.missing.MISSING

    class Meta:
        ordering = ["pk"]
        verbose_name = _("record incompleto")
        verbose_name_plural = _("record incompleti")

    def __str__(self) -> str:
        return f"{self.case} — {', '.join(self.missing)}"
