"""What the interventions cost, month by month, by unit of measure; who may see it; the XLSX for the Comuni."""

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
    active_days,
    cost_report,
    interventions_for_costs,
    month_end,
    months_between,
)
from tutela.services.demo import seed_services
from tutela.services.models import (
    DeliveryRecord,
    Intervention,
    ServiceType,
    Suspension,
)
from tutela.testing import factories

D = dt.date
TODAY = D(2025, 4, 15)


_running = factories.intervention_costed
_suspend = factories.suspension


def _row(report, intervention):
    return next(r for r in report.page.rows if r.intervention.pk == intervention.pk)


def _units(row) -> list[Decimal]:
    return list(row.units.values())


# --- the arithmetic, without the database -------------------------------------------------------------------


def test_months_and_active_days_across_boundaries():
    assert months_between(D(2024, 11, 20), D(2025, 2, 1)) == [
        D(2024, 11, 1),
        D(2024, 12, 1),
        D(2025, 1, 1),
        D(2025, 2, 1),
    ]
    assert month_end(D(2024, 2, 1)) == D(2024, 2, 29)
    assert month_end(D(2025, 12, 1)) == D(2025, 12, 31)
    placement = Intervention(started_on=D(2024, 2, 28), ended_on=D(2024, 3, 2))
    assert active_days(placement, [], D(2024, 2, 1), D(2024, 2, 29), TODAY) == 2  # 28 and 29 (leap year)
    assert active_days(placement, [], D(2024, 3, 1), D(2024, 3, 31), TODAY) == 2  # 1 and 2: both ends count
    # Overlapping suspensions count once; the day it resumes is active; an open one runs to today.
    running = Intervention(started_on=D(2025, 1, 1))
    suspensions = [
        Suspension(starts_on=D(2025, 1, 10), ends_on=D(2025, 1, 15)),
        Suspension(starts_on=D(2025, 1, 12), ends_on=D(2025, 1, 20)),
    ]
    assert active_days(running, suspensions, D(2025, 1, 1), D(2025, 1, 31), TODAY) == 31 - 10
    open_suspension = [Suspension(starts_on=D(2025, 4, 10), ends_on=None)]
    assert active_days(running, open_suspension, D(2025, 4, 1), D(2025, 4, 30), TODAY) == 9
    assert active_days(Intervention(started_on=None), [], D(2025, 1, 1), D(2025, 1, 31), TODAY) == 0


# --- each unit of measure -----------------------------------------------------------------------------------


def test_monthly_costs_by_unit_of_measure(demo, admin_officer):
    seed_services(demo)
    worker = demo.users["assistente"]
    educator = demo.users["educatore"]

    # Days: from 20 January to 5 March, suspended from 10 February, resumed on the 15th.
    community = _running(
        factories.authorised_intervention(demo, delivery="residential"),
        started=D(2025, 1, 20),
        ended=D(2025, 3, 5),
    )
    _suspend(community, D(2025, 2, 10), D(2025, 2, 15), worker)
    # Months: from 31 January to 1 April, suspended for the whole of February.
    contribution = _running(
        factories.authorised_intervention(demo, delivery="contribution"),
        started=D(2025, 1, 31),
        ended=D(2025, 4, 1),
        unit_cost="250.00",
    )
    _suspend(contribution, D(2025, 2, 1), D(2025, 3, 1), worker)
    # Hours: the timesheet lines of each month (one after today is not spent yet).
    home = _running(factories.authorised_intervention(demo), started=D(2025, 1, 15), unit_cost="24.50")
    for day, units in [
        (D(2025, 1, 31), "2.5"),
        (D(2025, 2, 1), "3"),
        (D(2025, 2, 28), "1.5"),
        (D(2025, 4, 20), "4"),
    ]:
        DeliveryRecord.objects.create(intervention=home, operator=educator, day=day, units=Decimal(units))
    # No unit cost: the cost is unknown, not zero.
    visits = _running(
        factories.authorised_intervention(demo, delivery="generic"), started=D(2025, 2, 1), unit_cost=None
    )

    report = cost_report(admin_officer, first=D(2025, 1, 1), last=D(2025, 4, 1), today=TODAY)

    assert report.months == [D(2025, 1, 1), D(2025, 2, 1), D(2025, 3, 1), D(2025, 4, 1)]
    row = _row(report, community)
    assert _units(row) == [12, 23, 5, 0]
    assert [c for _m, _u, c in row.monthly] == [Decimal("1200.00"), Decimal("2300.00"), Decimal("500.00"), 0]
    assert (row.total, row.spent_to_date, row.residual) == (
        Decimal("4000.00"),
        Decimal("4000.00"),
        Decimal("3800.00"),
    )
    assert _units(_row(report, contribution)) == [1, 0, 1, 1]
    assert _row(report, contribution).total == Decimal("750.00")
    row = _row(report, home)
    assert _units(row) == [Decimal("2.5"), Decimal("4.5"), 0, 0]
    assert row.total == Decimal("171.50")
    assert row.spent_to_date == Decimal("171.50")  # the line of 20 April is after today
    row = _row(report, visits)
    assert (row.unit_cost, row.total, row.spent_to_date, row.residual) == (None, None, None, None)
    assert report.without_rate == 1
    assert report.total == Decimal("4000.00") + Decimal("750.00") + Decimal("171.50")
    assert report.month_totals() == [
        Decimal("1511.25"),
        Decimal("2410.25"),
        Decimal("750.00"),
        Decimal("250.00"),
    ]


def test_a_one_off_counts_once_in_its_start_month_and_budgets_show_overspending(demo, admin_officer):
    ServiceType.objects.filter(code=factories.DELIVERY_SERVICE["contribution"]).update(
        unit=ServiceType.Unit.ONE_OFF
    )
    grant = _running(
        factories.authorised_intervention(demo, delivery="contribution"),
        started=D(2025, 2, 10),
        unit_cost="1500.00",
        budget="1000.00",
    )

    report = cost_report(admin_officer, first=D(2025, 1, 1), last=D(2025, 3, 1), today=TODAY)

    row = _row(report, grant)
    assert _units(row) == [0, 1, 0]
    assert (row.total, row.spent_to_date, row.residual, row.over_budget, row.used_percent) == (
        Decimal("1500.00"),
        Decimal("1500.00"),
        Decimal("-500.00"),
        True,
        150,
    )


# --- who sees what, the pages, the export ------------------------------------------------------------------


@pytest.fixture
def two_comuni(demo):
    """A home support paid by Prato and one paid by Montemurlo, both running since January 2025."""
    prato = _running(factories.authorised_intervention(demo), started=D(2025, 1, 1), unit_cost="20.00")
    montemurlo = _running(
        factories.authorised_intervention(demo, residence="Montemurlo"),
        started=D(2025, 1, 1),
        unit_cost="30.00",
    )
    for intervention in (prato, montemurlo):
        DeliveryRecord.objects.create(
            intervention=intervention,
            operator=demo.users["educatore"],
            day=D(2025, 1, 10),
            units=Decimal("10"),
        )
    return prato, montemurlo


def test_a_comune_sees_only_what_it_pays(
    demo, two_comuni, admin_officer, municipality_officer, social_worker
):
    prato, montemurlo = two_comuni
    assert set(interventions_for_costs(admin_officer)) == {prato, montemurlo}
    assert set(interventions_for_costs(municipality_officer)) == {montemurlo}
    assert not interventions_for_costs(social_worker).exists()

    report = cost_report(municipality_officer, first=D(2025, 1, 1), last=D(2025, 1, 1), today=TODAY)
    assert [r.intervention for r in report.page.rows] == [montemurlo]
    assert [(g.label, g.total) for g in report.by_municipality] == [("Montemurlo", Decimal("300.00"))]

    report = cost_report(admin_officer, first=D(2025, 1, 1), last=D(2025, 1, 1), today=TODAY)
    assert [(g.label, g.total) for g in report.by_municipality] == [
        ("Montemurlo", Decimal("300.00")),
        ("Prato", Decimal("200.00")),
    ]
    [service] = report.by_service
    assert (service.interventions, service.total) == (2, Decimal("500.00"))


def test_the_cost_page_is_scoped_and_audited(client, demo, two_comuni, municipality_officer, social_worker):
    prato, montemurlo = two_comuni
    client.force_login(social_worker)
    assert client.get(reverse("costs:report")).status_code == 404

    client.force_login(municipality_officer)
    response = client.get(reverse("costs:report"), {"dal": "2025-01", "al": "2025-03"})
    page = response.content.decode()
    assert response.status_code == 200
    assert montemurlo.case.code in page and prato.case.code not in page
    event = AuditEvent.objects.filter(action="services.costs.viewed", actor=municipality_officer).get()
    assert event.data["interventions"] == [montemurlo.pk]

    response = client.get(reverse("costs:report"), {"dal": "2025-03", "al": "2025-01"})
    assert "Il mese finale non può precedere quello iniziale." in response.content.decode()


def test_the_xlsx_for_the_comuni(client, demo, two_comuni, admin_officer):
    prato, montemurlo = two_comuni
    ServiceType.objects.filter(pk=prato.service_type_id).update(name='=HYPERLINK("http://x") Sostegno')
    client.force_login(admin_officer)

    response = client.get(reverse("costs:export"), {"dal": "2025-01", "al": "2025-02"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        'attachment; filename="costi-interventi-2025-01-2025-02.xlsx"'
    )
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["Dettaglio mensile", "Per Comune", "Per servizio", "Impegnato e speso"]
    detail = list(book["Dettaglio mensile"].iter_rows(values_only=True))
    assert detail[0][:4] == ("Mese", "Comune che sostiene la spesa", "Pratica", "Servizio")
    rows = {r[2]: r for r in detail[1:]}
    assert rows[prato.case.code][0] == "01/2025"
    assert rows[prato.case.code][3] == '\'=HYPERLINK("http://x") Sostegno'  # never run as a formula
    assert rows[montemurlo.case.code][7:] == (10, 30, 300)
    by_comune = list(book["Per Comune"].iter_rows(values_only=True))
    assert by_comune[0] == ("Comune", "Interventi", "01/2025", "02/2025", "Totale (€)")
    assert by_comune[1:] == [("Montemurlo", 1, 300, 0, 300), ("Prato", 1, 200, 0, 200)]
    budget = list(book["Impegnato e speso"].iter_rows(values_only=True))
    assert {r[0]: r[4:] for r in budget[1:]}[prato.case.code] == (7800, 200, 7600)
    assert AuditEvent.objects.filter(action="services.costs.exported", actor=admin_officer).exists()


def test_the_cost_report_reads_a_fixed_number_of_queries(demo, admin_officer):
    def queries() -> int:
        user = type(admin_officer).objects.get(pk=admin_officer.pk)
        with CaptureQueriesContext(connection) as captured:
            cost_report(user, first=D(2025, 1, 1), last=D(2025, 6, 1), today=TODAY)
        return len(captured)

    first = _running(factories.authorised_intervention(demo), started=D(2025, 1, 1))
    _suspend(first, D(2025, 2, 1), D(2025, 2, 5), demo.users["assistente"])
    one = queries()
    for delivery in ("residential", "contribution"):
        later = _running(factories.authorised_intervention(demo, delivery=delivery), started=D(2025, 1, 1))
        _suspend(later, D(2025, 3, 1), None, demo.users["assistente"])
    assert queries() == one


def test_the_xlsx_shows_bidirectional_controls_as_markers(client, demo, two_comuni, admin_officer):
    """A provider's or service's name with a right-to-left override reads as another in a spreadsheet: the
    cell holds the visible "[U+202E]" instead (ADR 0010)."""
    prato, _montemurlo = two_comuni
    ServiceType.objects.filter(pk=prato.service_type_id).update(name="Sostegno \u202eovitacude")
    type(prato.provider).objects.filter(pk=prato.provider_id).update(name="=Coop\u2066 Il Girasole\u2069")
    client.force_login(admin_officer)

    response = client.get(reverse("costs:export"), {"dal": "2025-01", "al": "2025-02"})

    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    detail = {r[2]: r for r in book["Dettaglio mensile"].iter_rows(min_row=2, values_only=True)}
    assert detail[prato.case.code][3] == "Sostegno [U+202E]ovitacude"
    assert detail[prato.case.code][5] == "'=Coop[U+2066] Il Girasole[U+2069]"  # and never a formula
    by_service = [r[0] for r in book["Per servizio"].iter_rows(min_row=2, values_only=True)]
    assert "Sostegno [U+202E]ovitacude" in by_service
    cells = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row]
    assert not [c for c in cells if isinstance(c, str) and any(ch in c for ch in "\u202e\u2066\u2069")]
