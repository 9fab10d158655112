from typing import Any

from django.core.management.base import BaseCommand

from tutela.court.services.escalation import art403_check


class Command(BaseCommand):
    help = (
        "Segnala ai coordinatori del territorio i passaggi dell'art. 403 c.c. oltre il termine "
        "(una sola volta per passaggio). Da eseguire periodicamente (cron); idempotente."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        escalations = art403_check()
        self.stdout.write(f"Passaggi segnalati ora: {len(escalations)}.")
