"""`manage.py audit_verify`: exit 0 when the audit log is intact, 1 naming the first broken event (ADR 0008)."""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tutela.audit.verify import chain_verify

ANCHOR = re.compile(r"^(\d+):([0-9a-f]{64})$")


def _anchor(value: str) -> tuple[int, str]:
    match = ANCHOR.match(value.strip().lower())
    if match is None:
        raise CommandError(
            f"Riferimento non valido: {value!r} (atteso PROGRESSIVO:IMPRONTA, 64 cifre esadecimali)"
        )
    return int(match.group(1)), match.group(2)


class Command(BaseCommand):
    help = (
        "Verifica la catena di impronte del registro degli accessi: esce con 0 se è integra, "
        "altrimenti indica il primo evento alterato, eliminato o inserito."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="PROGRESSIVO:IMPRONTA",
            help="Impronta annotata altrove in precedenza (es. l'output di una verifica passata); ripetibile.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchors = dict(_anchor(value) for value in options["anchor"])
        report = chain_verify(anchors)
        if report.broken is not None:
            raise CommandError(
                f"Registro degli accessi ALTERATO: {report.broken} "
                f"({report.checked} eventi integri prima di questo)."
            )
        self.stdout.write(
            f"Registro degli accessi integro: {report.checked} eventi verificati. "
            f"Testa della catena: {report.head_sequence}:{report.head_hash}"
        )
