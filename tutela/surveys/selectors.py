"""Reads of the satisfaction surveys: who may see what, and the aggregated results (small counts suppressed)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from tutela.accounts.access import get_case_for_user, territories_with
from tutela.accounts.roles import Cap
from tutela.indicators.suppression import SMALL_COUNT
from tutela.surveys.models import Administration, Answer, Question, Questionnaire, Response
from tutela.surveys.services import may_survey_intervention


def survey_territories(user: Any) -> set[int]:
    return territories_with(user, Cap.SURVEYS_MANAGE)


def result_territories(user: Any) -> set[int]:
    """Results are read by who manages the surveys and by who reads the indicators."""
    return territories_with(user, Cap.SURVEYS_MANAGE) | territories_with(user, Cap.INDICATORS_VIEW)


def get_questionnaire_for_user(user: Any, pk: int, *, results: bool = False) -> Questionnaire:
    territories = result_territories(user) if results else survey_territories(user)
    questionnaire = Questionnaire.objects.filter(pk=pk, territory_id__in=territories).first()
    if questionnaire is None:
        raise Http404
    return questionnaire


def get_administration_for_user(user: Any, pk: int) -> Administration:
    """An intervention's administration through its case's scope; a desk's to the territory's survey managers."""
    administration = (
        Administration.objects.select_related("questionnaire", "desk", "intervention__service_type")
        .filter(pk=pk)
        .first()
    )
    if administration is None:
        raise Http404
    if administration.intervention is not None:
        administration.intervention.case = get_case_for_user(user, administration.intervention.case_id)
        if not may_survey_intervention(user, administration.intervention):
            raise Http404
    elif administration.questionnaire.territory_id not in survey_territories(user):
        raise Http404
    return administration


def administration_counts(administrations: QuerySet[Administration]) -> QuerySet[Administration]:
    return administrations.annotate(
        issued=Count("tokens", distinct=True),
        used=Count("tokens", filter=Q(tokens__used_on__isnull=False), distinct=True),
    )


SCALE_LABELS = {1: _l("1 — per niente"), 2: "2", 3: "3", 4: "4", 5: _l("5 — moltissimo")}


@dataclass
class QuestionResult:
    question: Question
    answered: int
    suppressed: bool
    counts: list[tuple[str, int]] = field(default_factory=list)
    mean: Decimal | None = None
    texts: list[str] = field(default_factory=list)


@dataclass
class Results:
    responses: int
    suppressed: bool  # 5 answers or fewer: no breakdown at all (ADR 0013)
    questions: list[QuestionResult]


def survey_results(
    questionnaire: Questionnaire,
    *,
    phase: str = "",
    year: int | None = None,
    desk_id: int | None = None,
    service_type_id: int | None = None,
) -> Results:
    """The answers to a questionnaire, aggregated over the administrations chosen. With 5 answers or fewer
    nothing is broken down; a question answered 5 times or fewer is not either. Free text comes as a list
    sorted alphabetically, without dates or any other trace of who wrote it."""
    administrations = questionnaire.administrations.all()
    if phase:
        administrations = administrations.filter(phase=phase)
    if year:
        administrations = administrations.filter(year=year)
    if desk_id:
        administrations = administrations.filter(desk_id=desk_id)
    if service_type_id:
        administrations = administrations.filter(intervention__service_type_id=service_type_id)
    responses = Response.objects.filter(administration__in=administrations)
    total = responses.count()
    questions = list(questionnaire.questions.all())
    if total <= SMALL_COUNT:
        return Results(total, True, [])
    answers = Answer.objects.filter(response__in=responses)
    by_question: dict[int, list[Answer]] = {}
    for answer in answers.only("question_id", "scale_value", "yes_no", "text"):
        by_question.setdefault(answer.question_id, []).append(answer)
    return Results(total, False, [_question_result(q, by_question.get(q.pk, [])) for q in questions])


def _question_result(question: Question, answers: list[Answer]) -> QuestionResult:
    result = QuestionResult(question, len(answers), len(answers) <= SMALL_COUNT)
    if result.suppressed:
        return result
    if question.kind == Question.Kind.SCALE:
        counter = Counter(a.scale_value for a in answers)
        result.counts = [(str(SCALE_LABELS[v]), counter.get(v, 0)) for v in range(1, 6)]
        mean = Decimal(sum(a.scale_value or 0 for a in answers)) / len(answers)
        result.mean = mean.quantize(Decimal("0.1"), ROUND_HALF_UP)
    elif question.kind == Question.Kind.YES_NO:
        counter = Counter(a.yes_no for a in answers)
        result.counts = [(_("Sì"), counter.get(True, 0)), (_("No"), counter.get(False, 0))]
    else:
        result.texts = sorted((a.text for a in answers if a.text), key=str.casefold)
    return result
