"""`manage.py send_reminders` (cron): sends the deadline reminders and escalations due now (ADR 0011).

Idempotent: running it twice, or twice at once, sends nothing twice; run it as often as you like (every 15
minutes on working hours keeps the art. 403 reminders timely). Exits 1 when some reminder could not be sent,
after doing all the others.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tutela.deadlines.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Invia i promemoria delle scadenze e i solleciti ai coordinatori per quelle superate; "
        "non invia mai due volte lo stesso avviso."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--url-base",
            default=os.environ.get("TUTELA_BASE_URL", ""),
            help="Indirizzo di Tutela per il collegamento nelle e-mail (es. https://tutela.example.it); "
            "predefinito: la variabile TUTELA_BASE_URL.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = reminders_send(url_base=options["url_base"])
        self.stdout.write(
            f"Promemoria: {report.reminders}; solleciti ai coordinatori: {report.escalations}; "
            f"e-mail inviate: {report.emails_sent}; senza indirizzo e-mail: {report.emails_without_address}; "
            f"errori: {report.failed}"
        )
        if report.failed:
            for error in report.errors:
                self.stderr.write(error)
            raise CommandError(f"{report.failed} promemoria non inviati: riprovati alla prossima esecuzione.")
