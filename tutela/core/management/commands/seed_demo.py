from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from tutela.accounts.models import Territory
from tutela.core.demo.cases import DemoCases
from tutela.core.demo.territory import TERRITORY_NAME, territory_build
from tutela.court.demo import court_seed
from tutela.indicators.demo import objective_demo_load
from tutela.meetings.demo import seed_meetings
from tutela.returns.demo import returns_seed
from tutela.surveys.demo import survey_demo_load


class Command(BaseCommand):
    help = "Carica il territorio dimostrativo (SdS Area Pratese) con utenti e circa 40 pratiche. Idempotente."

    def handle(self, *args: Any, **options: Any) -> None:
        if Territory.objects.filter(name=TERRITORY_NAME).exists():
            self.stdout.write("Territorio dimostrativo già presente: nessuna modifica.")
            return
        demo = territory_build(password=settings.TUTELA_DEMO_PASSWORD)
        count = DemoCases(demo).build()
        # The other areas of the demo, each seeded by its own app on top of the cases.
        court_seed(demo)
        seed_meetings(demo)
        objective_demo_load(demo)
        survey_demo_load(demo)
        returns_seed(demo)
        self.stdout.write(
            self.style.SUCCESS(
                f"Territorio dimostrativo caricato: {len(demo.users)} utenti, {count} pratiche."
            )
        )
