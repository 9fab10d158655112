from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tutela.core.crypto import FieldDecryptionError
from tutela.core.services import BATCH_SIZE, RotationReport, field_keys_rotate


class Command(BaseCommand):
    help = (
        "Ricifra tutti i campi cifrati con la prima chiave di TUTELA_FIELD_KEYS (e cifra i testi ancora in "
        "chiaro). Idempotente. Al termine la vecchia chiave può essere tolta da TUTELA_FIELD_KEYS."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="righe per transazione")
        parser.add_argument(
            "--check",
            action="store_true",
            help="solo conteggio, nessuna scrittura; esce con errore se qualche valore non è sotto la prima chiave",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size deve essere almeno 1.")
        try:
            report = field_keys_rotate(batch_size=options["batch_size"], dry_run=options["check"])
        except FieldDecryptionError as exc:
            raise CommandError(str(exc)) from exc
        self._print(report)
        pending = report.total.changed
        if options["check"]:
            if pending:
                raise CommandError(
                    f"{pending} valori non sono cifrati con la prima chiave: eseguire rotate_field_keys."
                )
            self.stdout.write(
                self.style.SUCCESS(
                    "Tutti i valori sono cifrati con la prima chiave: le altre si possono togliere."
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Fatto: {report.total.encrypted} cifrati, {report.total.reencrypted} ricifrati, "
                    f"{report.total.current} già con la prima chiave. Le altre chiavi si possono togliere."
                )
            )

    def _print(self, report: RotationReport) -> None:
        self.stdout.write(f"Prima chiave: {report.key}")
        for label, count in report.columns.items():
            self.stdout.write(
                f"  {label}: {count.encrypted} in chiaro, {count.reencrypted} con una vecchia chiave, "
                f"{count.current} con la prima chiave, {count.empty} vuoti"
            )
