"""The court pages in the browser's place: forms through the services, confidentiality, reads audited."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tutela.audit.models import AuditEvent
from tutela.cases.models import Case
from tutela.cases.services.members import case_member_add
from tutela.court.models import Art403Escalation, Art403Notice, CourtOrder, CourtReport, ReportState
from tutela.court.services.emergency import PlacementData, emergency_placement_record
from tutela.court.services.orders import ProceedingData, court_proceeding_create
from tutela.court.services.reports import court_report_create
from tutela.court.tests.conftest import register
from tutela.deadlines.models import Deadline
from tutela.testing import factories

PROTOCOL_NUMBER = re.compile(r"\b\d{7}/\d{4}\b")


def _get(client: Client, user: Any, name: str, pk: int) -> Any:
    client.force_login(user)
    return client.get(reverse(name, kwargs={"pk": pk}))


@pytest.fixture
def montemurlo_case(demo, authorities) -> tuple[Case, CourtOrder]:
    """Led by assistente2, child resident in Montemurlo (its Comune's officer sees the case), the educator in
    the team; an order with six-monthly reports."""
    case = factories.in_care_case(demo, worker="assistente2", residence="Montemurlo")
    case_member_add(case=case, actor=demo.users["coordinatore"], user=demo.users["educatore"])
    proceeding = court_proceeding_create(
        case=case,
        actor=demo.users["assistente2"],
        data=ProceedingData(
            authority=authorities["tm"],
            rg_number="88",
            rg_year=2026,
            nature="civil",
            opened_on=dt.date(2026, 1, 8),
        ),
    )
    order = register(proceeding, demo.users["assistente2"], report_every_months=6)
    return case, order


def test_who_may_not_read_court_data_sees_nothing_and_gets_404(client, demo, montemurlo_case):
    case, order = montemurlo_case
    report = court_report_create(order=order, actor=demo.users["assistente2"], purpose="periodic")
    for username in ("comune", "educatore"):
        page = _get(client, demo.users[username], "cases:detail", case.pk)
        assert page.status_code == 200
        html = page.content.decode()
        assert 'id="court-section"' not in html and "Scadenze giudiziarie" not in html, username
        assert "Relazione periodica" not in html and "RG 88" not in html, username
        for name, pk in (
            ("court:case", case.pk),
            ("court:order", order.pk),
            ("court:report", report.pk),
            ("court:report_disclosable", report.pk),
        ):
            assert _get(client, demo.users[username], name, pk).status_code == 404, (username, name)
    for username in ("assistente2", "coordinatore"):
        html = _get(client, demo.users[username], "cases:detail", case.pk).content.decode()
        assert 'id="court-section"' in html and "RG 88/2026" in html, username
        assert "Relazione periodica a Tribunale per i minorenni di Firenze" in html


def test_every_court_read_is_audited(client, demo, montemurlo_case):
    case, order = montemurlo_case
    coordinator = demo.users["coordinatore"]
    assert _get(client, coordinator, "court:case", case.pk).status_code == 200
    assert _get(client, coordinator, "court:order", order.pk).status_code == 200
    actions = list(
        AuditEvent.objects.filter(actor=coordinator, case_id=case.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["court.case.viewed", "court.order.viewed"]


def _formset(prefix: str, rows: list[dict[str, str]], total: int) -> dict[str, str]:
    data = {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "10",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def test_the_order_form_registers_the_order_its_measures_and_deadlines(client, demo, case, proceeding):
    mother = case.child.relationships.get(kind="mother").relative
    today = timezone.localdate()
    data = {
        "order_date": (today - dt.timedelta(days=3)).isoformat(),
        "deposited_on": (today - dt.timedelta(days=3)).isoformat(),
        "received_on": (today - dt.timedelta(days=1)).isoformat(),
        "stage": "provisional",
        "nature": "civil",
        "report_every_months": "6",
        "first_report_due": (today + dt.timedelta(days=40)).isoformat(),
        **_formset(
            "misure",
            [
                {"kind": "custody_to_service"},
                {"kind": "supervised_visits", "persons": str(mother.pk), "frequency": "fortnightly"},
            ],
            3,
        ),
        **_formset("adempimenti", [{"description": "Verifica scolastica", "due_on": today.isoformat()}], 2),
        **_formset("incarichi", [], 2),
    }
    client.force_login(demo.users["assistente"])
    url = reverse("court:order_add", kwargs={"pk": proceeding.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, data)

    order = CourtOrder.objects.get(proceeding=proceeding)
    assert response.status_code == 302 and response["Location"] == reverse(
        "court:order", kwargs={"pk": order.pk}
    )
    assert sorted(order.measures.values_list("kind", flat=True)) == [
        "custody_to_service",
        "supervised_visits",
    ]
    assert Deadline.objects.filter(case=case, kind__in=["court_report", "court_duty"]).count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "Incontri protetti" in page and mother.full_name in page


def test_the_order_form_shows_the_refusal_in_italian_and_writes_nothing(client, demo, proceeding):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    data = {
        "order_date": tomorrow.isoformat(),
        "deposited_on": tomorrow.isoformat(),
        "received_on": tomorrow.isoformat(),
        "stage": "final",
        "nature": "civil",
        **_formset("misure", [], 3),
        **_formset("adempimenti", [], 2),
        **_formset("incarichi", [], 2),
    }
    client.force_login(demo.users["assistente"])
    response = client.post(reverse("court:order_add", kwargs={"pk": proceeding.pk}), data)
    assert response.status_code == 200
    assert "La data del provvedimento non può essere nel futuro." in response.content.decode()
    assert not CourtOrder.objects.exists()


def test_write_and_file_a_report_from_its_pages(client, demo, case, proceeding):
    order = register(proceeding, demo.users["assistente"], report_every_months=6)
    client.force_login(demo.users["assistente"])
    response = client.post(
        reverse("court:order_action", kwargs={"pk": order.pk, "action": "relazione"}), {"answers": "periodic"}
    )
    report = CourtReport.objects.get(order=order)
    assert response["Location"] == reverse("court:report_edit", kwargs={"pk": report.pk})
    sections = {
        "facts-text": "Fatti osservati nella visita.",
        "facts-disclosure": "full",
        "statements-text": "Il padre dichiara di non poter accogliere il figlio.",
        "statements-disclosure": "withheld",
        "evaluations-text": "Valutazione professionale.",
        "evaluations-disclosure": "full",
        "methods-text": "",
        "methods-disclosure": "full",
        "methods": ["interviews", "home_visits"],
    }
    assert client.post(reverse("court:report_edit", kwargs={"pk": report.pk}), sections).status_code == 302

    response = client.post(reverse("court:report_file", kwargs={"pk": report.pk}), {})
    assert response["Location"] == reverse("court:report", kwargs={"pk": report.pk})
    report.refresh_from_db()
    assert report.state == ReportState.FILED
    page = client.get(response["Location"]).content.decode()
    assert report.protocol_entry.display_number in page and PROTOCOL_NUMBER.search(page)
    copy = client.get(reverse("court:report_disclosable", kwargs={"pk": report.pk})).content.decode()
    assert "Fatti osservati nella visita." in copy and "non poter accogliere" not in copy
    # A filed report cannot be edited any more: back to the case with the reason.
    response = client.get(reverse("court:report_edit", kwargs={"pk": report.pk}))
    assert response["Location"] == reverse("cases:detail", kwargs={"pk": case.pk})


def test_a_report_without_facts_is_refused_with_its_reason(client, demo, proceeding):
    order = register(proceeding, demo.users["assistente"], report_every_months=6)
    report = court_report_create(order=order, actor=demo.users["assistente"], purpose="periodic")
    client.force_login(demo.users["assistente"])
    response = client.post(reverse("court:report_file", kwargs={"pk": report.pk}), {}, follow=True)
    assert "la sezione «Fatti osservati» è vuota" in response.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT


def test_the_403_page_escalates_a_late_step_and_the_coordinator_sees_it(client, demo, case, authorities):
    placed_at = timezone.now() - dt.timedelta(days=2)
    placement = emergency_placement_record(
        case=case,
        actor=demo.users["assistente"],
        data=PlacementData(
            placed_at=placed_at,
            place_kind="relatives",
            place="Presso la nonna materna",
            placing_authority="social_service",
            reasons="Madre ricoverata d'urgenza, nessun adulto di riferimento.",
            prosecutor=authorities["pm"],
        ),
    )
    page = _get(client, demo.users["assistente"], "court:placement", placement.pk).content.decode()
    assert page.count('data-status="late"') == 2  # the oral notice and the acts to the Prosecutor
    assert Art403Escalation.objects.count() == 2
    _get(client, demo.users["assistente"], "court:placement", placement.pk)
    assert Art403Escalation.objects.count() == 2  # once

    coordinator = demo.users["coordinatore"]
    client.force_login(coordinator)
    worklist = client.get(reverse("worklists:home")).content.decode()
    assert 'data-count="art403_late">1<' in worklist and case.code in worklist
    listing = client.get(reverse("court:deadlines")).content.decode()
    assert "Trasmissione del provvedimento e della relazione al Pubblico Ministero" in listing
    notice = Art403Notice.objects.filter(recipient=coordinator).first()
    client.post(reverse("court:deadlines"), {"avviso": notice.pk})
    notice.refresh_from_db()
    assert notice.seen_at is not None


def test_the_court_pages_read_a_constant_number_of_queries(client, demo, case, proceeding, authorities):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    worker = demo.users["assistente"]
    client.force_login(worker)
    register(proceeding, worker, report_every_months=6)

    def counted() -> tuple[int, int]:
        counts = []
        for name in ("court:case", "cases:detail"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name, kwargs={"pk": case.pk})).status_code == 200
            counts.append(len(queries))
        return counts[0], counts[1]

    before = counted()
    for number in ("2", "3"):
        other = court_proceeding_create(
            case=case,
            actor=worker,
            data=ProceedingData(
                authority=authorities["to"],
                rg_number=number,
                rg_year=2026,
                nature="civil",
                opened_on=dt.date(2026, 2, 1),
            ),
        )
        order = register(other, worker, report_every_months=3)
        court_report_create(order=order, actor=worker, purpose="periodic")
    assert counted() == before


def test_the_case_list_shows_court_deadlines_only_to_who_may_read_them(client, demo, montemurlo_case):
    case, _order = montemurlo_case
    client.force_login(demo.users["comune"])
    listing = client.get(reverse("cases:list")).content.decode()
    assert case.code in listing and "Relazione periodica" not in listing
    client.force_login(demo.users["assistente2"])
    assert "Relazione periodica" in client.get(reverse("cases:list")).content.decode()
