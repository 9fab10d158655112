"""`manage.py export_siuss_ps --from AAAA-MM-GG --to AAAA-MM-GG --out FILE`: the SIUSS prestazioni sociali."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from tutela.returns.commands import ExportCommand, parse_date
from tutela.returns.exports import ExportRequest
from tutela.returns.models import ReturnKind


class Command(ExportCommand):
    help = (
        "Scrive il flusso SIUSS delle prestazioni sociali erogate nel periodo (al massimo 12 mesi) e lo valida "
        "con lo schema INPS; esce con un codice diverso da 0 se il file non è valido o non contiene record."
    )
    kind = ReturnKind.SIUSS_PS
    audit_action = "returns.siuss_ps.exported"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from", dest="period_from", required=True, help="Inizio del periodo (AAAA-MM-GG)."
        )
        parser.add_argument("--to", dest="period_to", required=True, help="Fine del periodo (AAAA-MM-GG).")
        self.add_common_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        period_from = parse_date(options["period_from"])
        period_to = parse_date(options["period_to"])
        territory = self.territory(options)
        request = ExportRequest(
            kind=self.kind,
            territory=territory,
            municipality=self.municipality(options, territory),
            period_from=period_from,
            period_to=period_to,
        )
        self.run_export(
            request, options, {"period_from": period_from.isoformat(), "period_to": period_to.isoformat()}
        )
