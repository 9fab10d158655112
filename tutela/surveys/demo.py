"""A satisfaction questionnaire of the demo territory and the yearly survey of the Prato desk (seeds 001, 004),
made through the real services; idempotent."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from tutela.core.demo.territory import DemoTerritory
from tutela.surveys.models import Administration, Question, Questionnaire
from tutela.surveys.services import administration_for_desk, question_add, questionnaire_create

TITLE = "Gradimento del servizio sociale"
QUESTIONS = [
    ("Quanto è soddisfatto dell'ascolto ricevuto dall'assistente sociale?", Question.Kind.SCALE, True),
    ("Quanto sono stati chiari i tempi e i passaggi del percorso?", Question.Kind.SCALE, True),
    ("Consiglierebbe il servizio a una famiglia nella sua situazione?", Question.Kind.YES_NO, True),
    ("Che cosa potremmo migliorare?", Question.Kind.TEXT, False),
]


@dataclass(frozen=True)
class DemoSurveys:
    questionnaire: Questionnaire
    desk_administration: Administration


def survey_demo_load(demo: DemoTerritory) -> DemoSurveys:
    coordinator = demo.users["coordinatore"]
    questionnaire = Questionnaire.objects.filter(territory=demo.territory, title=TITLE).first()
    if questionnaire is None:
        questionnaire = questionnaire_create(
            actor=coordinator,
            territory=demo.territory,
            title=TITLE,
            introduction="Le chiediamo pochi minuti per dirci come è andata. Il questionario è anonimo.",
        )
        for text, kind, required in QUESTIONS:
            question_add(
                actor=coordinator, questionnaire=questionnaire, text=text, kind=kind, required=required
            )
    desk = demo.organisations["pass_prato"]
    year = timezone.localdate().year
    administration = Administration.objects.filter(questionnaire=questionnaire, desk=desk, year=year).first()
    if administration is None:
        administration = administration_for_desk(
            actor=coordinator,
            questionnaire=questionnaire,
            desk=desk,
            year=year,
            closes_on=timezone.localdate().replace(month=12, day=31),
        )
    return DemoSurveys(questionnaire, administration)
