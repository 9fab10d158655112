"""Demo data of a running home educational support (seed 003, seed 000 step 7): the cooperative's educator,
two weeks of timesheets, the PEI with its goals, a progress report and the managing body's control.

Everything goes through the real services, acting as the demo personas (educatore, cooperativa, assistente,
sds), so the timeline, the audit trail, the deadlines and the Comune's notice are those of real use.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from tutela.core.demo.territory import DemoTerritory
from tutela.services.controls import ControlData, control_record
from tutela.services.educational import AssignmentData, educator_assign
from tutela.services.educational_project import GoalData, ProjectData, goal_add, goal_review, project_save
from tutela.services.models import DeliveryControl, EducatorAssignment, Intervention, InterventionState
from tutela.services.progress import ProgressReportData, progress_report_submit
from tutela.services.timesheets import DeliveryData, delivery_record_add

ACTIVITIES = [
    "Affiancamento nei compiti e organizzazione dello zaino per il giorno dopo.",
    "Uscita al parco con il minore; osservata la relazione con i coetanei.",
    "Colloquio con la madre sulla routine serale e sull'uso dei dispositivi.",
    "Accompagnamento all'allenamento di calcio e rientro a casa con il padre.",
]
GOALS = [
    GoalData(
        description="Regolarità nello studio pomeridiano e nella frequenza scolastica.",
        actions="Affiancamento nei compiti due pomeriggi a settimana; raccordo mensile con la scuola.",
        responsible="Educatore: compiti e raccordo con la scuola; madre: controllo del diario ogni sera.",
    ),
    GoalData(
        description="Rafforzare le competenze genitoriali nella gestione delle regole quotidiane.",
        actions="Colloqui educativi con i genitori ogni due settimane; osservazione a domicilio.",
        responsible="Educatore: colloqui e osservazione; assistente sociale: verifica trimestrale.",
    ),
]


def seed_home_support_delivery(demo: DemoTerritory, intervention: Intervention) -> Intervention:
    """Bring a running home support to life. `intervention` is an ACTIVE home educational support of the demo
    cooperative on a case led by `assistente`, started at least 15 days ago (the timesheets cover the two
    weeks before today, from its start)."""
    u = demo.users
    intervention = Intervention.objects.select_related("case", "service_type", "provider").get(
        pk=intervention.pk
    )
    today = timezone.localdate()
    if intervention.state != InterventionState.ACTIVE or intervention.started_on is None:
        raise ValueError("The demo home support must be ACTIVE")
    started_on = intervention.started_on
    if not EducatorAssignment.objects.filter(
        intervention=intervention, educator=u["educatore"], ends_on__isnull=True
    ).exists():
        educator_assign(
            intervention=intervention,
            actor=u["cooperativa"],
            data=AssignmentData(
                educator=u["educatore"],
                hours_per_week=min(intervention.hours_per_week or Decimal(4), Decimal(4)),
                starts_on=started_on,
            ),
        )
    _timesheets(demo, intervention, max(started_on, today - dt.timedelta(days=13)), today)
    project = project_save(
        intervention=intervention,
        actor=u["assistente"],
        data=ProjectData(
            general_objective=(
                "Sostenere il minore nel percorso scolastico e i genitori nell'esercizio del ruolo educativo, "
                "valutando nel tempo le capacità genitoriali."
            ),
            family_involvement="I genitori partecipano ai colloqui quindicinali e alla verifica trimestrale.",
            shared_with_municipality=True,
            next_review_on=today + dt.timedelta(days=75),
        ),
    )
    goals = [goal_add(project=project, actor=u["assistente"], data=goal) for goal in GOALS]
    goal_review(goal=goals[0], actor=u["assistente"], transition="partial")
    last = today - dt.timedelta(days=1)
    progress_report_submit(
        intervention=intervention,
        actor=u["cooperativa"],
        data=ProgressReportData(
            period_from=started_on,
            period_to=max(started_on, last),
            text=(
                "Il minore partecipa con interesse alle attività e svolge i compiti con maggiore continuità. "
                "La madre collabora; il padre è presente nei rientri dall'allenamento. "
                "Si propone di mantenere l'impegno orario."
            ),
        ),
    )
    control_record(
        intervention=intervention,
        actor=u["sds"],
        data=ControlData(
            day=max(started_on, today - dt.timedelta(days=2)),
            method=DeliveryControl.Method.DOCUMENTS,
            outcome=DeliveryControl.Outcome.MINOR,
            findings="Due fogli presenza della settimana scorsa privi della firma del genitore.",
            follow_up="Integrare le firme mancanti e trasmettere i fogli presenza corretti.",
            follow_up_due=today + dt.timedelta(days=15),
        ),
    )
    return intervention


def _timesheets(demo: DemoTerritory, intervention: Intervention, first: dt.date, last: dt.date) -> None:
    """Monday, Wednesday and Friday afternoons, as the educator records them."""
    day, index = first, 0
    while day <= last:
        if day.weekday() in (0, 2, 4):
            delivery_record_add(
                intervention=intervention,
                actor=demo.users["educatore"],
                data=DeliveryData(
                    day=day, hours=Decimal("2.5") if index % 2 else Decimal(2), activity=ACTIVITIES[index % 4]
                ),
            )
            index += 1
        day += dt.timedelta(days=1)
