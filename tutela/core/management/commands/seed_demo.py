from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from tutela.accounts.models import Territory
from tutela.core.demo.cases import DemoCases
from tutela.core.demo.territory import TERRITORY_NAME, territory_build


class Command(BaseCommand):
    help = "Carica il territorio dimostrativo (SdS Area Pratese) con utenti e circa 40 pratiche. Idempotente."

    def handle(self, *args: Any, **options: Any) -> None:
        if Territory.objects.filter(name=TERRITORY_NAME).exists():
            self.stdout.write("Territorio dimostrativo già presente: nessuna modifica.")
            return
        demo = territory_build(password=settings.TUTELA_DEMO_PASSWORD)
        count = DemoCases(demo).build()
        self.stdout.write(
            self.style.SUCCESS(
                f"Territorio dimostrativo caricato: {len(demo.users)} utenti, {count} pratiche."
            )
        )
