"""Producing a flow file: select, map, write record by record, then validate. Used by the background batches
and by the export_sinba / export_siuss_ps commands alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.accounts.models import Municipality, Territory
from tutela.returns.models import ReportingBody, ReturnKind, Validation
from tutela.returns.pseudonym import returns_key_configured
from tutela.returns.sinba import CHUNK, SinbaContext, code_table, sinba_cases, sinba_iter, sinba_record
from tutela.returns.siuss_ps import PsContext, period_months, ps_beneficiaries, ps_interventions
from tutela.returns.validation import ValidationReport, validate_file
from tutela.returns.xmlflow import FlowWriter, Header

MAX_PERIOD_MONTHS = 12  # PrestazioniSociali/@PeriodoErogazione: 1-12


class ExportError(Exception):
    """An export that cannot start (nobody configured to send it); the message is for the user (Italian)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ExportRequest:
    kind: str
    territory: Territory
    municipality: Municipality | None = None
    reference_date: dt.date | None = None
    period_from: dt.date | None = None
    period_to: dt.date | None = None


@dataclass(frozen=True)
class IssueRow:
    case_id: int
    missing: list[str]
    intervention_id: int | None = None
    service_type_id: int | None = None


@dataclass
class ExportResult:
    examined: int = 0
    records: int = 0
    issues: int = 0
    validation: ValidationReport | None = None

    @property
    def status(self) -> str:
        if self.records == 0:
            return Validation.EMPTY
        return self.validation.status if self.validation is not None else Validation.SKIPPED


IssueSink = Callable[[IssueRow], None]
Progress = Callable[[int, int], None]


def export_parameters_check(
    *,
    kind: str,
    reference_date: dt.date | None = None,
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
) -> None:
    """The reference date or the period of an export, in Italian when wrong."""
    today = timezone.localdate()
    if kind == ReturnKind.SINBA:
        if reference_date is None:
            raise ValidationError({"reference_date": _("Indicare la data di riferimento.")})
        if reference_date > today:
            raise ValidationError({"reference_date": _("La data di riferimento non può essere futura.")})
        return
    if period_from is None or period_to is None:
        raise ValidationError({"period_from": _("Indicare l'inizio e la fine del periodo.")})
    if period_from > period_to:
        raise ValidationError({"period_to": _("La fine del periodo precede l'inizio.")})
    if period_to > today:
        raise ValidationError({"period_to": _("Il periodo non può finire nel futuro.")})
    if period_months(period_from, period_to) > MAX_PERIOD_MONTHS:
        raise ValidationError(
            {"period_to": _("Il periodo può comprendere al massimo 12 mesi (un anno di erogazioni).")}
        )


def reporting_body_for(territory: Territory, municipality: Municipality | None) -> ReportingBody | None:
    """The Comune's own sender when it has one, else the managing body's (seed 003)."""
    bodies = ReportingBody.objects.select_related("seat", "take_in_charge_service").filter(
        territory=territory
    )
    if municipality is not None:
        own = bodies.filter(municipality=municipality).first()
        if own is not None:
            return own
    return bodies.filter(municipality__isnull=True).first()


def flow_header(request: ExportRequest, body: ReportingBody) -> Header:
    seat = body.seat.belfiore_code
    if request.kind == ReturnKind.SINBA:
        assert request.reference_date is not None
        name = f"SINBA_{seat}_{request.reference_date:%Y%m%d}"
    else:
        assert request.period_from is not None and request.period_to is not None
        name = f"PS_{seat}_{request.period_from:%Y%m%d}_{request.period_to:%Y%m%d}"
    if request.municipality is not None:
        name = f"{name}_{request.municipality.belfiore_code}"
    return Header(
        name=name,
        ente_code=body.siuss_code,
        ente_name=body.name,
        ente_seat=seat,
        operator_fiscal_code=body.operator_fiscal_code,
    )


def download_name(request: ExportRequest, body: ReportingBody) -> str:
    return f"{flow_header(request, body).name}.xml"


def export_write(
    request: ExportRequest,
    out_path: Path,
    *,
    on_issue: IssueSink,
    on_progress: Progress | None = None,
    validate: bool = True,
) -> ExportResult:
    """Write the flow to `out_path` (removed when no record can be produced) and validate it."""
    body = reporting_body_for(request.territory, request.municipality)
    if body is None:
        raise ExportError(
            _(
                "Nessun ente trasmittente configurato per %(territory)s: l'amministratore di sistema deve indicare "
                "codice SIUSS, sede e codice fiscale dell'operatore (Amministrazione, Enti trasmittenti)."
            )
            % {"territory": request.territory.name}
        )
    if request.kind == ReturnKind.SINBA and not returns_key_configured():
        raise ExportError(
            _(
                "La chiave dei codici anonimi SINBA (TUTELA_RETURNS_KEY) non è configurata: "
                "l'amministratore di sistema deve impostarla prima dell'esportazione."
            )
        )
    header = flow_header(request, body)
    with out_path.open("wb") as out, FlowWriter(out, header) as flow:
        if request.kind == ReturnKind.SINBA:
            result = _write_sinba(request, body, flow, on_issue, on_progress)
        else:
            result = _write_ps(request, flow, on_issue, on_progress)
    if result.records == 0:
        out_path.unlink(missing_ok=True)
    elif validate:
        result.validation = validate_file(out_path, request.kind)
    return result


def _write_sinba(
    request: ExportRequest,
    body: ReportingBody,
    flow: FlowWriter,
    on_issue: IssueSink,
    on_progress: Progress | None,
) -> ExportResult:
    assert request.reference_date is not None
    service = body.take_in_charge_service
    ctx = SinbaContext(
        reference_date=request.reference_date,
        codes_by_id=code_table(),
        take_in_charge_code=service.siuss_code.strip() if service is not None else "",
    )
    cases = sinba_cases(
        reference_date=request.reference_date,
        territory_id=request.territory.pk,
        municipality_id=request.municipality.pk if request.municipality else None,
    )
    result = ExportResult(examined=0)
    total = cases.count()
    for case in sinba_iter(cases):
        outcome = sinba_record(case, ctx)
        if outcome.record is not None:
            flow.sinba(outcome.record)
            result.records += 1
        else:
            on_issue(IssueRow(case_id=case.pk, missing=outcome.missing))
            result.issues += 1
        result.examined += 1
        if on_progress is not None and result.examined % CHUNK == 0:
            on_progress(result.examined, total)
    if on_progress is not None:
        on_progress(result.examined, result.examined)
    return result


def _write_ps(
    request: ExportRequest, flow: FlowWriter, on_issue: IssueSink, on_progress: Progress | None
) -> ExportResult:
    assert request.period_from is not None and request.period_to is not None
    ctx = PsContext(period_from=request.period_from, period_to=request.period_to)
    interventions = ps_interventions(
        period_from=request.period_from,
        period_to=request.period_to,
        territory_id=request.territory.pk,
        municipality_id=request.municipality.pk if request.municipality else None,
    )
    result = ExportResult()
    total = interventions.count()
    for outcome in ps_beneficiaries(interventions, ctx):
        if outcome.beneficiary is not None:
            flow.beneficiary(outcome.beneficiary)
            result.records += len(outcome.beneficiary.services)
        for issue in outcome.issues:
            on_issue(IssueRow(issue.case_id, issue.missing, issue.intervention_id, issue.service_type_id))
            result.issues += 1
        before = result.examined
        result.examined += outcome.interventions
        if on_progress is not None and result.examined // CHUNK > before // CHUNK:
            on_progress(result.examined, total)
    if on_progress is not None:
        on_progress(result.examined, result.examined)
    return result
