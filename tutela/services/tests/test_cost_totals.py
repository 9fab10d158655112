"""The costs computed by the database (services/costs/totals.py) are those of the per-intervention rule
(services/costs/units.py) to the cent, on SQLite and on PostgreSQL; the cost page lists the interventions a
page at a time and the XLSX writes them a chunk at a time."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tutela.audit.models import AuditEvent
from tutela.services.costs import (
    cost_municipalities,
    cost_report,
    cost_rows,
    cost_totals,
    costs_of,
    months_between,
    report_interventions,
)
from tutela.services.costs import report as report_module
from tutela.services.models import (
    DeliveryRecord,
    Intervention,
    InterventionState,
    ServiceType,
)
from tutela.testing import factories

D = dt.date
TODAY = D(2025, 4, 15)


_running = factories.intervention_costed
_suspend = factories.suspension


def _hours(intervention: Intervention, user, *lines: tuple[dt.date, str]) -> None:
    for day, units in lines:
        DeliveryRecord.objects.create(intervention=intervention, operator=user, day=day, units=Decimal(units))


@pytest.fixture
def varied(demo):
    """Interventions of every unit of measure, paid by two Comuni, with suspensions (one still open), hours
    whose cost falls on half a cent, a contract rate, no unit cost, a planned one, one ended before the period
    and one started after today."""
    worker, educator = demo.users["assistente"], demo.users["educatore"]
    ServiceType.objects.filter(code=factories.DELIVERY_SERVICE["generic"]).update(
        unit=ServiceType.Unit.ONE_OFF
    )

    community = _running(
        factories.authorised_intervention(demo, delivery="residential"),
        started=D(2024, 12, 20),
        ended=D(2025, 3, 5),
        unit_cost="87.35",
    )
    _suspend(community, D(2025, 2, 10), D(2025, 2, 15), worker)
    _suspend(community, D(2025, 2, 27), D(2025, 3, 2), worker)
    day_centre = _running(
        factories.authorised_intervention(demo, delivery="semi_residential", residence="Montemurlo"),
        started=D(2025, 1, 31),
        unit_cost="41.20",
    )
    _suspend(day_centre, D(2025, 4, 2), None, worker)  # still suspended today
    contribution = _running(
        factories.authorised_intervention(demo, delivery="contribution"),
        started=D(2025, 1, 31),
        ended=D(2025, 4, 1),
        unit_cost="250.00",
    )
    _suspend(contribution, D(2025, 2, 1), D(2025, 3, 1), worker)  # the whole of February
    home = _running(factories.authorised_intervention(demo), started=D(2025, 1, 15), unit_cost="22.50")
    # 0.25 h and 0.75 h of 22.50 € cost 5.625 and 16.875: half a cent, to the even cent (5.62, 16.88)
    _hours(home, educator, (D(2025, 1, 31), "0.25"), (D(2025, 2, 3), "0.75"), (D(2025, 3, 3), "1.5"))
    _hours(home, educator, (D(2025, 3, 4), "2.75"), (D(2025, 4, 20), "4"))  # 20 April: after today
    rated = _running(
        factories.authorised_intervention(demo, residence="Montemurlo"), started=D(2025, 2, 1), unit_cost=None
    )
    rated = _running(
        rated,
        started=D(2025, 2, 1),
        unit_cost=None,
        rate=factories.contract_rate(demo, rated.service_type, unit_cost=Decimal("24.75")),
    )
    _hours(rated, educator, (D(2025, 2, 10), "1.5"), (D(2025, 3, 10), "0.5"))  # 37.125 and 12.375
    grant = _running(
        factories.authorised_intervention(demo, delivery="generic"),
        started=D(2025, 3, 10),
        unit_cost="1500.00",
    )
    unpriced = _running(
        factories.authorised_intervention(demo, delivery="residential"), started=D(2025, 1, 1), unit_cost=None
    )
    planned = _running(factories.authorised_intervention(demo), started=None)
    before = _running(
        factories.authorised_intervention(demo, delivery="residential"),
        started=D(2024, 6, 1),
        ended=D(2024, 11, 30),
    )
    later = _running(factories.authorised_intervention(demo, delivery="residential"), started=D(2025, 4, 20))
    return [community, day_centre, contribution, home, rated, grant, unpriced, planned, before, later]


def _python_totals(interventions, months, today):
    """Per (Comune, service): the interventions, those priced, and the month costs of the per-row rule."""
    listed = list(
        interventions.select_related("service_type", "contract_rate").prefetch_related("suspensions")
    )
    totals: dict[tuple[int, int], tuple[int, int, list[Decimal]]] = {}
    for row in costs_of(listed, months, today):
        i = row.intervention
        count, priced, cells = totals.get((i.paying_municipality_id, i.service_type_id), (0, 0, []))
        cells = cells or [Decimal("0.00")] * len(months)
        cells = [c + (row.cost(m) or 0) for c, m in zip(cells, months, strict=True)]
        priced += row.unit_cost is not None
        totals[(i.paying_municipality_id, i.service_type_id)] = (count + 1, priced, cells)
    return totals


@pytest.mark.parametrize(
    ("first", "last", "today"),
    [
        (D(2025, 1, 1), D(2025, 4, 1), TODAY),
        (D(2024, 11, 1), D(2025, 6, 1), TODAY),  # months before the first start and after today
        (D(2025, 2, 1), D(2025, 2, 1), D(2025, 2, 20)),  # today within the month and a running suspension
        (D(2025, 1, 1), D(2025, 12, 1), D(2025, 12, 31)),
    ],
)
def test_the_database_totals_are_the_sums_of_the_rows(varied, admin_officer, first, last, today):
    months = months_between(first, last)
    interventions = report_interventions(admin_officer, first=months[0], last=months[-1])

    totals = cost_totals(interventions, months=months, today=today)

    expected = _python_totals(interventions, months, today)
    assert {k: (g.interventions, g.priced, g.by_month) for k, g in totals.groups.items()} == expected
    assert totals.total == sum((sum(cells) for _n, _p, cells in expected.values()), Decimal("0"))


def test_half_cents_of_hours_round_to_the_even_cent(varied, admin_officer):
    home, rated = varied[3], varied[4]
    months = months_between(D(2025, 1, 1), D(2025, 3, 1))
    interventions = report_interventions(admin_officer, first=months[0], last=months[-1])

    totals = cost_totals(interventions.filter(pk=home.pk), months=months, today=TODAY)
    assert [g.by_month for g in totals.groups.values()] == [
        [Decimal("5.62"), Decimal("16.88"), Decimal("95.62")]  # 4.25 h x 22.50 = 95.625
    ]
    totals = cost_totals(interventions.filter(pk=rated.pk), months=months, today=TODAY)
    assert [g.by_month for g in totals.groups.values()] == [
        [Decimal("0.00"), Decimal("37.12"), Decimal("12.38")]
    ]


def test_the_report_reads_the_same_queries_whatever_the_interventions(varied, admin_officer):
    def queries(**filters) -> int:
        user = type(admin_officer).objects.get(pk=admin_officer.pk)
        with CaptureQueriesContext(connection) as captured:
            cost_report(user, first=D(2025, 1, 1), last=D(2025, 6, 1), today=TODAY)
        return len(captured)

    many = queries()
    Intervention.objects.exclude(pk__in=[i.pk for i in varied[:2]]).update(
        state=InterventionState.ENDED, started_on=D(2020, 1, 1), ended_on=D(2020, 2, 1)
    )
    assert queries() == many


def test_the_interventions_come_a_page_at_a_time(monkeypatch, client, varied, admin_officer):
    monkeypatch.setattr(report_module, "PAGE_SIZE", 3)
    client.force_login(admin_officer)
    seen: list[int] = []
    query = {"dal": "2025-01", "al": "2025-04"}
    for _page in range(10):
        response = client.get(reverse("costs:report"), query)
        assert response.status_code == 200
        page = response.context["report"].page
        assert len(page.rows) <= 3
        seen += [row.intervention.pk for row in page.rows]
        event = AuditEvent.objects.filter(action="services.costs.viewed").latest("sequence")
        assert event.data["interventions"] == [row.intervention.pk for row in page.rows]
        if not page.next_cursor:
            break
        assert "Interventi successivi" in response.content.decode()
        query["dopo"] = page.next_cursor
    expected = report_interventions(admin_officer, first=D(2025, 1, 1), last=D(2025, 4, 1))
    assert len(seen) == len(set(seen)) == expected.count() == 9  # all but the one ended in 2024
    ordered = expected.order_by("paying_municipality__name", "service_type__name", "case__code", "pk")
    assert seen == list(ordered.values_list("pk", flat=True))

    response = client.get(reverse("costs:report"), {**query, "dopo": "not-a-cursor"})
    assert response.context["report"].page.first  # a cursor that does not read: the first page


def test_the_xlsx_rows_come_a_chunk_at_a_time(monkeypatch, client, varied, admin_officer):
    monkeypatch.setattr(report_module, "CHUNK", 2)
    months = months_between(D(2025, 1, 1), D(2025, 4, 1))
    interventions = report_interventions(admin_officer, first=months[0], last=months[-1])
    rows = list(cost_rows(interventions, months, TODAY))
    assert len(rows) == len({r.intervention.pk for r in rows}) == 9

    client.force_login(admin_officer)
    response = client.get(reverse("costs:export"), {"dal": "2025-01", "al": "2025-04"})
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    budget = list(book["Impegnato e speso"].iter_rows(min_row=2, values_only=True))
    assert len(budget) == 9
    detail_total = sum(
        Decimal(str(r[9])) for r in book["Dettaglio mensile"].iter_rows(min_row=2, values_only=True) if r[9]
    )
    by_comune_total = sum(
        Decimal(str(r[-1])) for r in book["Per Comune"].iter_rows(min_row=2, values_only=True)
    )
    assert detail_total == by_comune_total
    event = AuditEvent.objects.filter(action="services.costs.exported").get()
    assert event.data["count"] == 9 and "interventions" not in event.data


def test_without_months_the_totals_only_count(varied, admin_officer):
    interventions = report_interventions(admin_officer, first=D(2025, 1, 1), last=D(2025, 4, 1))
    totals = cost_totals(interventions, months=[], today=TODAY)
    assert (totals.interventions, totals.priced, totals.total) == (
        9,
        8,
        Decimal("0"),
    )  # `unpriced` has no unit cost


def test_the_comune_filter_offers_the_users_comuni_only(client, demo, admin_officer, municipality_officer):
    own = municipality_officer.memberships.get().organisation.municipality
    assert list(cost_municipalities(municipality_officer)) == [own]
    assert set(cost_municipalities(admin_officer)) == set(demo.territory.municipalities.all())

    client.force_login(municipality_officer)
    other = demo.territory.municipalities.exclude(pk=own.pk).first()
    response = client.get(reverse("costs:report"), {"dal": "2025-01", "al": "2025-02", "comune": other.pk})
    assert response.context["report"] is None
    assert "comune" in response.context["form"].errors
    assert not AuditEvent.objects.filter(action="services.costs.viewed").exists()
