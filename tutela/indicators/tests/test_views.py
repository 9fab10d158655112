"""The dashboard, its drill-down and its export: who sees them, what they show, what the audit log keeps."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tutela.accounts.models import User
from tutela.audit.models import AuditEvent
from tutela.core.demo.territory import DemoTerritory
from tutela.indicators import metrics
from tutela.indicators.figures import MetricFilter
from tutela.testing import factories

TODAY = timezone.localdate()


def _drill(series: str, metric: str = "new_cases", **extra: str) -> str:
    query = {"indicatore": metric, "serie": series, "dal": TODAY.replace(month=1, day=1).isoformat(), **extra}
    return f"{reverse('indicators:drilldown')}?{urlencode(query)}"


@pytest.mark.parametrize("username", ["dirigente", "sds", "coordinatore"])
def test_dashboard_for_managers_coordinators_and_the_managing_body(
    client: Client, demo: DemoTerritory, username: str
) -> None:
    factories.in_care_case(demo)
    client.force_login(demo.users[username])

    response = client.get(reverse("indicators:dashboard"))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="indicator-charts"' in page and "vendor/chartjs/chart.umd.min.js" in page
    assert "<script>" not in page  # no inline code: the chart data is a JSON data block
    assert AuditEvent.objects.filter(
        actor=demo.users[username], action="indicators.dashboard.viewed"
    ).exists()


@pytest.mark.parametrize("username", ["assistente", "comune", "amministrativo", "dpo"])
def test_dashboard_is_not_for_other_roles(client: Client, demo: DemoTerritory, username: str) -> None:
    client.force_login(demo.users[username])

    assert client.get(reverse("indicators:dashboard")).status_code == 404
    assert client.get(reverse("indicators:export")).status_code == 404


def test_every_number_links_to_its_drill_down_with_as_many_rows(client: Client, demo: DemoTerritory) -> None:
    factories.in_care_case(demo)
    factories.in_care_case(demo, worker="assistente2", residence="Montemurlo")
    factories.referred_case(demo, channel="direct")
    client.force_login(demo.users["dirigente"])

    page = client.get(reverse("indicators:dashboard")).content.decode()
    new_cases = metrics.new_cases(MetricFilter(demo.territory, TODAY.replace(month=1, day=1), TODAY))
    drill = client.get(_drill("nuove"))

    assert drill.status_code == 200
    assert drill.context["page_obj"].paginator.count == new_cases.figure("nuove").value == 3  # type: ignore[union-attr]
    assert 'data-figure="new_cases:nuove"' in page
    assert reverse("indicators:drilldown") in page
    event = AuditEvent.objects.filter(action="indicators.drilldown.viewed").latest("id")
    assert event.actor == demo.users["dirigente"]
    assert sorted(event.data["shown"]) == sorted(c.pk for c in drill.context["page_obj"].object_list)
    assert event.data["indicator"] == "new_cases" and event.data["series"] == "nuove"


def test_a_social_worker_drill_down_lists_only_their_cases(client: Client, demo: DemoTerritory) -> None:
    mine = factories.in_care_case(demo)
    theirs = factories.in_care_case(demo, worker="assistente2")
    client.force_login(demo.users["assistente"])

    response = client.get(_drill("nuove"))

    assert response.status_code == 200
    listed = [case.pk for case in response.context["page_obj"].object_list]
    assert listed == [mine.pk] and theirs.pk not in listed
    assert "Sono elencate solo le pratiche che rientrano nel tuo ambito." in response.content.decode()


@pytest.mark.parametrize("username", ["dpo", "protocollo", "admin"])
def test_drill_down_is_404_without_access_to_cases(
    client: Client, demo: DemoTerritory, username: str
) -> None:
    factories.in_care_case(demo)
    client.force_login(demo.users[username])

    assert client.get(_drill("nuove")).status_code == 404
    assert not AuditEvent.objects.filter(action="indicators.drilldown.viewed").exists()


def test_drill_down_is_404_for_an_outsider_and_for_unknown_numbers(
    client: Client, demo: DemoTerritory, outsider: User
) -> None:
    client.force_login(outsider)
    assert client.get(_drill("nuove")).status_code == 404
    client.force_login(demo.users["dirigente"])
    assert client.get(_drill("nessuna")).status_code == 404
    assert client.get(_drill("nuove", metric="nessuno")).status_code == 404
    assert client.get(_drill("nuove", al="2000-01-01")).status_code == 404  # the period ends before it starts


def test_export_suppresses_small_counts_neutralises_formulas_and_is_audited(
    client: Client, demo: DemoTerritory
) -> None:
    worker = demo.users["assistente"]
    worker.first_name = "=HYPERLINK(1)"
    worker.save(update_fields=["first_name"])
    for _ in range(2):
        factories.in_care_case(demo)
    client.force_login(demo.users["dirigente"])

    response = client.get(reverse("indicators:export"))

    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)  # type: ignore[attr-defined]
    by_label = {(row[0], row[1]): row[2] for row in rows[1:]}
    assert by_label[("Nuove pratiche", "Nuove pratiche nel periodo")] == "< 6"
    assert by_label[("Progetti personalizzati", "Quota di minori con progetto personalizzato")] == "n.d."
    assert by_label[("Nuove pratiche", "Istanze dirette")] == 0
    worker_rows = [row for row in rows if str(row[1]).startswith("'=HYPERLINK")]
    assert worker_rows and all(row[1].startswith("'=") for row in worker_rows)
    assert AuditEvent.objects.filter(
        actor=demo.users["dirigente"], action="indicators.dashboard.exported"
    ).exists()


def _dashboard_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("indicators:dashboard")).status_code == 200
    return len(queries)


def test_dashboard_queries_do_not_grow_with_the_cases(client: Client, demo: DemoTerritory) -> None:
    factories.in_care_case(demo)
    client.force_login(demo.users["dirigente"])
    few = _dashboard_queries(client)
    for worker in ("assistente", "assistente2", "assistente"):
        factories.in_care_case(demo, worker=worker)

    assert _dashboard_queries(client) == few


def test_derived_values_link_to_the_cases_they_rest_on(client: Client, demo: DemoTerritory) -> None:
    factories.assessment_case(demo, days_ago=3)
    client.force_login(demo.users["dirigente"])

    shown = {m.key: m for m in client.get(reverse("indicators:dashboard")).context["metrics"]}
    median, share = shown["take_in_charge"].figures[3:5]

    assert median.text == "3,0 giorni" and share.text == "100,0%"
    assert median.url is not None and "serie=assegnate" in median.url and share.url == median.url
    assert shown["social_workers"].figures[0].url is None  # staff figures have no list of cases
