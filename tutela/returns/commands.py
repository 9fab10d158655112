"""What export_sinba and export_siuss_ps share: arguments, the territory and Comune, writing, validating, the
audit row (counts only) and the exit code (non-zero on a refused request, no record, or an invalid file)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tutela.accounts.models import Municipality, Territory
from tutela.audit.services import audit_record
from tutela.cases.models import Case
from tutela.returns.exports import (
    ExportError,
    ExportRequest,
    IssueRow,
    export_parameters_check,
    export_write,
)
from tutela.returns.missing import MISSING
from tutela.returns.models import Validation
from tutela.returns.validation import schema_path


def parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Data non valida: {value!r} (formato AAAA-MM-GG).") from exc


class ExportCommand(BaseCommand):
    kind = ""
    audit_action = ""

    def add_common_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="File XML da scrivere.")
        parser.add_argument(
            "--territory", type=int, help="Id del territorio (obbligatorio se sono più di uno)."
        )
        parser.add_argument("--municipality", help="Codice ISTAT del Comune: solo i minori residenti.")
        parser.add_argument(
            "--no-validate", action="store_true", help="Non validare il file con lo schema INPS."
        )

    def territory(self, options: dict[str, Any]) -> Territory:
        if options.get("territory") is not None:
            found = Territory.objects.filter(pk=options["territory"]).first()
            if found is None:
                raise CommandError(f"Territorio {options['territory']} inesistente.")
            return found
        territories = list(Territory.objects.all()[:2])
        if len(territories) != 1:
            raise CommandError("Indicare il territorio con --territory ID (ce n'è più di uno, o nessuno).")
        return territories[0]

    def municipality(self, options: dict[str, Any], territory: Territory) -> Municipality | None:
        code = options.get("municipality")
        if not code:
            return None
        found = territory.municipalities.filter(istat_code=code.zfill(6)).first()
        if found is None:
            raise CommandError(f"Il Comune {code} non appartiene al territorio {territory.name}.")
        return found

    def run_export(self, request: ExportRequest, options: dict[str, Any], parameters: dict[str, str]) -> None:
        try:
            export_parameters_check(
                kind=request.kind,
                reference_date=request.reference_date,
                period_from=request.period_from,
                period_to=request.period_to,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        out = Path(options["out"])
        issues: list[IssueRow] = []
        try:
            result = export_write(request, out, on_issue=issues.append, validate=not options["no_validate"])
        except ExportError as exc:
            raise CommandError(exc.message) from exc
        self.report_issues(issues)
        audit_record(
            actor=None,
            action=self.audit_action,
            data={
                **parameters,
                "territory": request.territory.pk,
                "municipality": request.municipality.istat_code if request.municipality else "",
                "records": result.records,
                "issues": result.issues,
                "validation": result.status,
            },
        )
        if result.records == 0:
            raise CommandError(
                f"Nessun record esportabile ({result.issues} incompleti): nessun file scritto."
            )
        self.stdout.write(f"{out}: {result.records} record scritti, {result.issues} incompleti.")
        self.report_validation(result.validation, request.kind)

    def report_issues(self, issues: list[IssueRow]) -> None:
        if not issues:
            return
        codes = dict(Case.objects.filter(pk__in={i.case_id for i in issues}).values_list("pk", "code"))
        for issue in issues:
            missing = ", ".join(str(MISSING[key][0]) if key in MISSING else key for key in issue.missing)
            where = f" (intervento {issue.intervention_id})" if issue.intervention_id else ""
            self.stderr.write(f"Pratica {codes.get(issue.case_id, issue.case_id)}{where}: mancano {missing}")

    def report_validation(self, report: Any, kind: str) -> None:
        if report is None:
            self.stderr.write("File non validato (--no-validate).")
            return
        if report.status == Validation.UNAVAILABLE:
            self.stderr.write(
                f"Schema INPS non trovato ({schema_path(kind)}): file NON validato. "
                "Indicare la cartella degli schemi con TUTELA_INPS_XSD_DIR."
            )
            return
        if report.status == Validation.INVALID:
            for error in report.errors:
                self.stderr.write(error)
            raise CommandError(f"Il file non è valido secondo lo schema INPS ({len(report.errors)} errori).")
        self.stdout.write(f"Valido secondo lo schema INPS {report.schema.name}.")
