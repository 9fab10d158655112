"""Assessments and social reports are a confidential section (abuse, health): only roles with
case.view_confidential see them on the case page; the Comune and the administrative office do not."""

from tutela.assessments.models import Assessment
from tutela.testing import factories


def _page(client, user, case):
    client.force_login(user)
    response = client.get(f"/pratiche/{case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_assessment_and_report_are_hidden_from_the_comune_and_the_admin_office(client, demo):
    case = factories.in_care_case(demo, residence="Montemurlo")
    summary = Assessment.objects.get(case=case).summary
    assert summary in _page(client, demo.users["assistente"], case)
    assert summary in _page(client, demo.users["coordinatore"], case)
    for username in ("comune", "amministrativo"):
        html = _page(client, demo.users[username], case)
        assert summary not in html
        assert 'id="confidential-hidden"' in html
        assert "Fragilità genitoriale" not in html  # the report's professional evaluation
