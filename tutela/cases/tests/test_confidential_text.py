"""The case page shows a text that is not ordinary only to who may read its class (ADR 0017): the others see the
act, not its text. The whole product is walked with markers in accounts/tests/test_confidentiality.py."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tutela.assessments.models import SocialReport
from tutela.assessments.services import AssessmentData, case_close_no_grounds
from tutela.cases.models import Case, CaseEvent
from tutela.core.confidentiality import Secrecy
from tutela.core.demo.territory import DemoTerritory
from tutela.intake.models import Referral
from tutela.reference.models import Code, CodeList
from tutela.testing import factories

SUMMARY = "Riferiti maltrattamenti dal fratello maggiore, visita pediatrica negativa"
NARRATIVE = "La maestra riferisce lividi sulle braccia e racconti di percosse"
READERS = ("assistente", "coordinatore")
NOT_READERS = ("comune", "sds", "amministrativo", "dirigente")


def _closed_for_no_grounds(demo: DemoTerritory) -> Case:
    """Seed 000, step 3: a Montemurlo resident's request, assigned and closed for no grounds with a summary."""
    case = factories.assessment_case(demo, channel="direct", residence="Montemurlo")
    return case_close_no_grounds(
        case=case,
        actor=demo.users["assistente"],
        assessment=AssessmentData(
            summary=SUMMARY,
            child_problem=Code.objects.get(code_list=CodeList.CHILD_PROBLEM, code="2"),
            family_problem=Code.objects.get(code_list=CodeList.FAMILY_PROBLEM, code="2"),
        ),
    )


def _page(client: Client, demo: DemoTerritory, username: str, case: Case) -> str:
    client.force_login(demo.users[username])
    response = client.get(reverse("cases:detail", kwargs={"pk": case.pk}))
    assert response.status_code == 200, username
    return response.content.decode()


def test_the_summary_of_a_closure_for_no_grounds_is_a_confidential_note(demo: DemoTerritory) -> None:
    case = _closed_for_no_grounds(demo)
    event = CaseEvent.objects.get(case=case, code="cases.case.close_no_grounds")
    assert (event.note, event.note_class) == (SUMMARY, Secrecy.CONFIDENTIAL)


@pytest.mark.parametrize("username", NOT_READERS)
def test_the_comune_and_the_offices_see_the_act_not_the_assessment(
    client: Client, demo: DemoTerritory, username: str
) -> None:
    case = _closed_for_no_grounds(demo)
    page = _page(client, demo, username, case)
    assert "Sezione riservata" in page
    assert "non sussistono i presupposti" in page  # the act, in the timeline
    assert SUMMARY not in page


@pytest.mark.parametrize("username", READERS)
def test_the_professionals_read_the_summary_in_the_timeline(
    client: Client, demo: DemoTerritory, username: str
) -> None:
    case = _closed_for_no_grounds(demo)
    page = _page(client, demo, username, case)
    timeline = page[page.index('id="timeline"') :]
    assert SUMMARY in timeline


def test_the_referral_narrative_is_confidential_and_its_subject_ordinary(
    client: Client, demo: DemoTerritory
) -> None:
    case = factories.in_care_case(demo, residence="Montemurlo")
    referral = Referral.objects.get(case=case)
    Referral.objects.filter(pk=referral.pk).update(narrative=NARRATIVE)

    page = _page(client, demo, "comune", case)
    assert referral.subject in page
    assert NARRATIVE not in page
    assert "Descrizione dei fatti riservata" in page

    assert NARRATIVE in _page(client, demo, "assistente", case)


def test_the_social_report_is_read_by_the_lead_and_not_by_the_comune(
    client: Client, demo: DemoTerritory
) -> None:
    case = factories.in_care_case(demo, residence="Montemurlo")
    facts = "Il minore riferisce di essere lasciato solo la notte"
    SocialReport.objects.filter(case=case).update(facts=facts)
    assert SocialReport.objects.filter(case=case).exists()

    assert facts in _page(client, demo, "assistente", case)
    assert facts not in _page(client, demo, "comune", case)
