"""Reports of the service to the judicial authority (art. 473-bis.27 c.p.c.)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tutela.cases.models import Case
from tutela.core.fields import EncryptedTextField
from tutela.court.models.proceedings import CourtDuty, CourtMandate, CourtOrder


class ReportState(models.TextChoices):
    DRAFT = "DRAFT", _("Bozza")
    FILED = "FILED", _("Depositata")


class ReportPurpose(models.TextChoices):
    PERIODIC = "periodic", _("Relazione periodica")
    MANDATE = "mandate", _("Relazione sull'incarico")
    DUTY = "duty", _("Relazione su un adempimento")
    UPDATE = "update", _("Aggiornamento su eventi rilevanti")


class ReportMethod(models.TextChoices):
    INTERVIEWS = "interviews", _("Colloqui")
    HOME_VISITS = "home_visits", _("Visite domiciliari")
    OBSERVATION = "observation", _("Osservazione della relazione genitori-figli")
    TESTS = "tests", _("Test e strumenti standardizzati")
    SCHOOL = "school", _("Contatti con la scuola")
    HEALTH = "health", _("Contatti con i servizi sanitari")
    NETWORK = "network", _("Incontri di rete")
    DOCUMENTS = "documents", _("Esame della documentazione")


class CourtReport(models.Model):
    """A report to the authority. Its sections stay apart (facts, statements, evaluations, methods): the
    parties may read the reports (art. 473-bis.27 c.p.c.), so a disclosable version leaves out what the author
    marks as not disclosable."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="court_reports")
    order = models.ForeignKey(CourtOrder, on_delete=models.PROTECT, related_name="reports")
    purpose = models.CharField(_("tipo di relazione"), max_length=20, choices=ReportPurpose.choices)
    mandate = models.ForeignKey(
        CourtMandate, null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    duty = models.ForeignKey(
        CourtDuty, null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    state = models.CharField(
        _("stato"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT
    )
    methods = models.JSONField(_("metodi utilizzati"), default=list, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    filed_at = models.DateTimeField(_("depositata il"), null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    protocol_entry = models.ForeignKey(
        "protocol.ProtocolEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    document = models.ForeignKey(
        "documents.Attachment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    disclosable_document = models.ForeignKey(
        "documents.Attachment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("relazione all'autorità giudiziaria")
        verbose_name_plural = _("relazioni all'autorità giudiziaria")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(purpose="mandate") | models.Q(mandate__isnull=False),
                name="court_report_mandate_named",
            ),
            models.CheckConstraint(
                condition=~models.Q(purpose="duty") | models.Q(duty__isnull=False),
                name="court_report_duty_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.get_state_display()})"

    @property
    def method_labels(self) -> list[str]:
        labels = dict(ReportMethod.choices)
        return [str(labels[m]) for m in self.methods if m in labels]


class SectionKind(models.TextChoices):
    # The order of the values is the order of the sections in the report.
    FACTS = "facts", _("Fatti osservati")
    STATEMENTS = "statements", _("Dichiarazioni delle parti e delle persone sentite")
    EVALUATIONS = "evaluations", _("Valutazioni professionali")
    METHODS = "methods", _("Metodologia: strumenti e attività svolte")


SECTION_ORDER = {kind: position for position, kind in enumerate(SectionKind.values)}


class Disclosure(models.TextChoices):
    FULL = "full", _("Ostensibile alle parti")
    REDACTED = "redacted", _("Ostensibile nel testo ridotto")
    WITHHELD = "withheld", _("Non ostensibile")


class CourtReportSection(models.Model):
    """One section of a report, with what the parties' copy shows of it."""

    report = models.ForeignKey(CourtReport, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(_("sezione"), max_length=20, choices=SectionKind.choices)
    text = EncryptedTextField(_("testo"), blank=True)
    disclosure = models.CharField(
        _("versione per le parti"), max_length=10, choices=Disclosure.choices, default=Disclosure.FULL
    )
    redacted_text = EncryptedTextField(_("testo ridotto per le parti"), blank=True)

    class Meta:
        ordering = ["report", "id"]
        verbose_name = _("sezione della relazione")
        verbose_name_plural = _("sezioni della relazione")
        constraints = [models.UniqueConstraint(fields=["report", "kind"], name="court_report_section_unique")]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def disclosed_text(self) -> str | None:
        """What the parties' copy shows: the text, the redacted text, or None (section left out)."""
        if self.disclosure == Disclosure.FULL:
            return self.text
        if self.disclosure == Disclosure.REDACTED:
            return self.redacted_text
        return None
