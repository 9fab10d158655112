"""Satisfaction surveys from the questionnaire to the aggregated results (seeds 001, 004)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tutela.audit.models import AuditEvent
from tutela.core.demo.territory import DemoTerritory
from tutela.indicators.tests.helpers import other_territory_manager
from tutela.services.models import Intervention, InterventionState
from tutela.surveys.demo import survey_demo_load
from tutela.surveys.models import Administration, Answer, AnswerToken, Question, Questionnaire, Response
from tutela.surveys.selectors import survey_results
from tutela.surveys.services import (
    USED_MESSAGE,
    administration_for_intervention,
    question_add,
    response_submit,
    token_hash,
    tokens_issue,
)
from tutela.testing import factories
from tutela.testing.asserts import assert_refused

TODAY = timezone.localdate()


def _answers(
    questionnaire: Questionnaire, scale: int = 4, yes: bool = True, text: str = ""
) -> dict[int, object]:
    values: dict[str, object] = {
        Question.Kind.SCALE: scale,
        Question.Kind.YES_NO: yes,
        Question.Kind.TEXT: text,
    }
    return {q.pk: values[q.kind] for q in questionnaire.questions.all()}


def _form(questionnaire: Questionnaire, scale: int = 4, yes: bool = True, text: str = "") -> dict[str, str]:
    values = {
        Question.Kind.SCALE: str(scale),
        Question.Kind.YES_NO: "1" if yes else "0",
        Question.Kind.TEXT: text,
    }
    return {f"q{q.pk}": values[q.kind] for q in questionnaire.questions.all()}


def test_from_the_questionnaire_to_the_results_through_printed_codes(
    client: Client, demo: DemoTerritory
) -> None:
    coordinator = demo.users["coordinatore"]
    client.force_login(coordinator)
    client.post(
        reverse("surveys:questionnaire_new"), {"title": "Gradimento dello sportello", "introduction": ""}
    )
    questionnaire = Questionnaire.objects.get(title="Gradimento dello sportello")
    detail = reverse("surveys:questionnaire", kwargs={"pk": questionnaire.pk})
    for text, kind in [("Accoglienza", "scale"), ("Tornerebbe?", "yes_no"), ("Suggerimenti", "text")]:
        client.post(detail, {"text": text, "kind": kind, "required": "on" if kind != "text" else ""})
    response = client.post(
        reverse("surveys:desk_administration_new", kwargs={"pk": questionnaire.pk}),
        {"desk": demo.organisations["pass_prato"].pk, "year": TODAY.year, "closes_on": TODAY.isoformat()},
    )
    administration = Administration.objects.get(questionnaire=questionnaire)
    assert response["Location"] == reverse("surveys:administration", kwargs={"pk": administration.pk})

    printed = client.post(response["Location"], {"count": 7, "printed": "1"})
    codes = re.findall(r'code-slip-code">([0-9A-Z-]{14})<', printed.content.decode())
    assert (
        len(codes) == 7
        and AnswerToken.objects.filter(administration=administration, printed=True).count() == 7
    )
    assert not AnswerToken.objects.filter(token_hash__in=[c.replace("-", "") for c in codes]).exists()

    client.logout()
    for number, code in enumerate(codes[:6]):
        typed = client.post(reverse("surveys_public:code"), {"code": code.lower()})
        assert typed.status_code == 302
        page = client.get(typed["Location"])
        assert page.status_code == 200 and "Accoglienza" in page.content.decode()
        text = "Più orari il sabato" if number % 2 else ""
        done = client.post(typed["Location"], _form(questionnaire, scale=3 + number % 3, text=text))
        assert 'data-survey="done"' in done.content.decode()

    client.force_login(demo.users["dirigente"])
    results = client.get(reverse("surveys:results", kwargs={"pk": questionnaire.pk}))
    page = results.content.decode()
    assert "6 risposte." in page and "Media: 4,0 su 5." in page
    assert "Meno di 6 risposte a questa domanda" in page  # only 3 free-text answers
    assert AuditEvent.objects.filter(action="surveys.results.viewed", actor=demo.users["dirigente"]).exists()


def _issued(demo: DemoTerritory, count: int = 1, printed: bool = False) -> tuple[Administration, list[str]]:
    surveys = survey_demo_load(demo)
    tokens = tokens_issue(
        actor=demo.users["coordinatore"],
        administration=surveys.desk_administration,
        count=count,
        printed=printed,
    )
    return surveys.desk_administration, tokens


def test_a_token_answers_once_and_the_second_submission_is_refused(
    client: Client, demo: DemoTerritory
) -> None:
    administration, [token] = _issued(demo)
    questionnaire = administration.questionnaire
    url = reverse("surveys_public:answer", kwargs={"token": token})

    assert client.post(url, _form(questionnaire)).status_code == 200
    second = client.post(url, _form(questionnaire, scale=1))

    assert second.status_code == 409
    assert str(USED_MESSAGE) in second.content.decode()
    assert USED_MESSAGE == (
        "Questo questionario è già stato compilato con questo codice: ogni codice vale una sola volta."
    )
    assert Response.objects.filter(administration=administration).count() == 1
    assert_refused(
        lambda: response_submit(raw_token=token, answers=_answers(questionnaire)),
        lambda: Answer.objects.count(),
        str(USED_MESSAGE),
    )


def test_an_answer_keeps_no_trace_of_the_token_nor_of_the_respondent(
    client: Client, demo: DemoTerritory
) -> None:
    administration, [token] = _issued(demo)
    client.post(
        reverse("surveys_public:answer", kwargs={"token": token}),
        _form(administration.questionnaire, text="Grazie"),
        REMOTE_ADDR="203.0.113.9",
    )

    response = Response.objects.get()
    fields = {f.name for f in Response._meta.get_fields()}
    assert fields == {"id", "administration", "submitted_on", "answers"}
    assert AnswerToken.objects.get(token_hash=token_hash(token)).used_on == TODAY
    event = AuditEvent.objects.get(action="surveys.response.submitted")
    assert event.actor is None and event.ip_address is None and str(response.pk) not in str(event.data)
    assert [a.text for a in Answer.objects.filter(response=response) if a.text] == ["Grazie"]


def test_the_public_page_needs_the_csrf_token_and_shows_no_personal_data(demo: DemoTerritory) -> None:
    intervention = factories.authorised_intervention(demo)
    surveys = survey_demo_load(demo)
    administration = administration_for_intervention(
        actor=demo.users["assistente"],
        intervention=intervention,
        questionnaire=surveys.questionnaire,
        phase=Administration.Phase.START,
        closes_on=TODAY,
    )
    [token] = tokens_issue(
        actor=demo.users["assistente"], administration=administration, count=1, printed=False
    )
    url = reverse("surveys_public:answer", kwargs={"token": token})
    browser = Client(enforce_csrf_checks=True)

    page = browser.get(url).content.decode()
    child = intervention.case.child
    assert child.surname not in page and intervention.case.code not in page and "Ricci" not in page
    assert browser.post(url, _form(surveys.questionnaire)).status_code == 403
    assert not Response.objects.exists()


def test_unknown_tokens_and_closed_surveys(client: Client, demo: DemoTerritory) -> None:
    administration, [token] = _issued(demo)
    assert client.get(reverse("surveys_public:answer", kwargs={"token": "non-esiste"})).status_code == 404
    Administration.objects.filter(pk=administration.pk).update(
        opened_on=TODAY - dt.timedelta(days=10), closes_on=TODAY - dt.timedelta(days=1)
    )
    url = reverse("surveys_public:answer", kwargs={"token": token})
    assert "La rilevazione si è chiusa" in client.get(url).content.decode()
    assert_refused(
        lambda: response_submit(raw_token=token, answers=_answers(administration.questionnaire)),
        lambda: Response.objects.count(),
        "La rilevazione è chiusa: non si raccolgono più risposte.",
    )


def test_required_questions_and_values_are_checked(demo: DemoTerritory) -> None:
    administration, [token] = _issued(demo)
    questionnaire = administration.questionnaire
    scale = questionnaire.questions.get(position=1)

    with pytest.raises(ValidationError) as error:
        response_submit(raw_token=token, answers={**_answers(questionnaire), scale.pk: 7})
    assert error.value.message_dict == {f"q{scale.pk}": ["Scegliere un valore da 1 a 5."]}
    with pytest.raises(ValidationError):
        response_submit(raw_token=token, answers={**_answers(questionnaire), scale.pk: None})
    assert AnswerToken.objects.get(token_hash=token_hash(token)).used_on is None  # still usable


def test_five_answers_show_nothing_six_show_the_breakdown(demo: DemoTerritory) -> None:
    administration, tokens = _issued(demo, count=6, printed=True)
    questionnaire = administration.questionnaire
    for number, token in enumerate(tokens[:5]):
        response_submit(
            raw_token=token, answers=_answers(questionnaire, scale=5, yes=number < 3, text="Zeta")
        )

    five = survey_results(questionnaire)
    assert (five.responses, five.suppressed, five.questions) == (5, True, [])

    response_submit(raw_token=tokens[5], answers=_answers(questionnaire, scale=2, yes=False, text="alfa"))
    six = survey_results(questionnaire)
    assert not six.suppressed
    scale, _second, yes_no, text = six.questions
    assert [n for _label, n in scale.counts] == [0, 1, 0, 0, 5] and str(scale.mean) == "4.5"
    assert yes_no.counts == [("Sì", 3), ("No", 3)]
    assert text.texts == ["alfa", "Zeta", "Zeta", "Zeta", "Zeta", "Zeta"]  # sorted, nothing but the text
    assert survey_results(questionnaire, phase=Administration.Phase.END).responses == 0


def test_questions_are_frozen_once_administered(demo: DemoTerritory) -> None:
    surveys = survey_demo_load(demo)

    assert_refused(
        lambda: question_add(
            actor=demo.users["coordinatore"],
            questionnaire=surveys.questionnaire,
            text="Nuova",
            kind="text",
            required=False,
        ),
        lambda: list(surveys.questionnaire.questions.values_list("text", flat=True)),
        "Il questionario è già stato somministrato: per cambiare le domande crearne uno nuovo.",
    )


def test_intervention_surveys_follow_the_intervention(client: Client, demo: DemoTerritory) -> None:
    intervention = factories.authorised_intervention(demo)
    surveys = survey_demo_load(demo)
    worker = demo.users["assistente"]

    assert_refused(
        lambda: administration_for_intervention(
            actor=worker,
            intervention=intervention,
            questionnaire=surveys.questionnaire,
            phase=Administration.Phase.END,
            closes_on=TODAY,
        ),
        lambda: Administration.objects.filter(intervention=intervention).count(),
        "Un questionario «Alla conclusione dell'intervento» non si somministra a un intervento nello stato "
        "«Programmato».",
    )
    Intervention.objects.filter(pk=intervention.pk).update(state=InterventionState.ENDED)
    client.force_login(worker)
    url = reverse("surveys:intervention", kwargs={"pk": intervention.pk})
    created = client.post(
        url, {"questionnaire": surveys.questionnaire.pk, "phase": "end", "closes_on": TODAY.isoformat()}
    )
    administration = Administration.objects.get(intervention=intervention)
    assert created["Location"] == reverse("surveys:administration", kwargs={"pk": administration.pk})
    assert AuditEvent.objects.filter(
        action="surveys.administration.created", case_id=intervention.case_id, actor=worker
    ).exists()

    client.force_login(demo.users["assistente2"])  # not their case
    assert client.get(url).status_code == 404
    assert client.get(reverse("surveys:administration", kwargs={"pk": administration.pk})).status_code == 404
    client.force_login(demo.users["educatore"])  # in the case team, but does not manage the intervention
    assert client.get(url).status_code == 404


def test_survey_pages_answer_404_outside_the_territory(client: Client, demo: DemoTerritory) -> None:
    surveys = survey_demo_load(demo)
    client.force_login(other_territory_manager())

    for name, pk in [
        ("surveys:questionnaire", surveys.questionnaire.pk),
        ("surveys:results", surveys.questionnaire.pk),
        ("surveys:desk_administration_new", surveys.questionnaire.pk),
        ("surveys:administration", surveys.desk_administration.pk),
    ]:
        assert client.get(reverse(name, kwargs={"pk": pk})).status_code == 404, name
    assert client.get(reverse("surveys:home")).status_code == 200  # their own (empty) list


def test_anonymous_visitors_reach_only_the_answer_pages(client: Client, demo: DemoTerritory) -> None:
    surveys = survey_demo_load(demo)
    assert client.get(reverse("surveys_public:code")).status_code == 200
    home = client.get(reverse("surveys:home"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("login"))
    results = client.get(reverse("surveys:results", kwargs={"pk": surveys.questionnaire.pk}))
    assert results.status_code == 302
    wrong = client.post(reverse("surveys_public:code"), {"code": "AAAA-BBBB-CCCC"})
    assert "Codice non valido" in wrong.content.decode()
