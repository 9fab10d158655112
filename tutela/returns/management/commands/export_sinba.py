"""`manage.py export_sinba --date AAAA-MM-GG --out FILE`: the SINBA flow of the children in care at that date."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from tutela.returns.commands import ExportCommand, parse_date
from tutela.returns.exports import ExportRequest
from tutela.returns.models import ReturnKind


class Command(ExportCommand):
    help = (
        "Scrive il flusso SINBA (minori in carico alla data) e lo valida con lo schema INPS; esce con un "
        "codice diverso da 0 se il file non è valido o non contiene record."
    )
    kind = ReturnKind.SINBA
    audit_action = "returns.sinba.exported"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", required=True, help="Data di riferimento (AAAA-MM-GG).")
        self.add_common_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        reference_date = parse_date(options["date"])
        territory = self.territory(options)
        request = ExportRequest(
            kind=self.kind,
            territory=territory,
            municipality=self.municipality(options, territory),
            reference_date=reference_date,
        )
        self.run_export(request, options, {"reference_date": reference_date.isoformat()})
