"""The worklists and the case list run a constant number of queries, however many rows they show."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tutela.accounts.tests.conftest import PDF, login
from tutela.core.demo.territory import DemoTerritory
from tutela.court.demo import authorities_ensure
from tutela.court.services.emergency import PlacementData, emergency_placement_record
from tutela.court.services.escalation import art403_check
from tutela.services.controls import ControlData, control_record
from tutela.services.models import DeliveryControl
from tutela.services.progress import ProgressReportData, progress_report_submit
from tutela.testing import factories

PAGES = [
    ("coordinatore", "worklists:home"),
    ("assistente", "worklists:home"),
    ("amministrativo", "worklists:home"),
    ("sds", "worklists:home"),
    ("comune", "worklists:home"),
    ("segretariato", "worklists:home"),
    ("dirigente", "worklists:home"),
    ("coordinatore", "cases:list"),
    ("assistente", "cases:list"),
    ("comune", "cases:list"),
    ("segretariato", "cases:list"),
]


@pytest.fixture(autouse=True)
def _no_pdf_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Approval and authorisation letters are rendered by WeasyPrint (seconds each); their bytes don't matter here."""
    monkeypatch.setattr("tutela.services.letters.pdf_render", lambda template, context: PDF)


def _one_of_each(demo: DemoTerritory) -> None:
    """One more row in every section of every worklist above."""
    factories.referred_case(demo)  # coordinator: to assign; SdS: new cases
    factories.referred_case(demo, days_ago=25)  # SdS and dirigente: take-in-charge overdue
    factories.referred_case(demo, channel="direct")  # front office: to assign
    factories.assessment_case(demo)  # social worker: to assess
    factories.in_care_case(demo, residence="Montemurlo")  # social worker: in care; Comune: residents
    for outcome in ("draft", "submitted", "approved", "review", "authorised_montemurlo", "denied"):
        factories.proposal_in(
            demo, outcome
        )  # drafts, to evaluate, to review, under review, interventions, outcomes
    factories.closing_case(demo)  # coordinator: closures to confirm
    _delivery_and_court(demo)


def _delivery_and_court(demo: DemoTerritory) -> None:
    """A running home support with a provider's report for the court and a control with an open follow-up
    (social worker: reports to read and to transmit; SdS: follow-ups), and an art. 403 placement whose acts to
    the prosecutor are late and escalated (coordinator)."""
    today = timezone.localdate()
    users = demo.users
    intervention = factories.intervention_in(demo, "active", started_on=today - dt.timedelta(days=20))
    progress_report_submit(
        intervention=intervention,
        actor=users["cooperativa"],
        data=ProgressReportData(
            period_from=today - dt.timedelta(days=20), period_to=today, text="Andamento.", for_court=True
        ),
    )
    control_record(
        intervention=intervention,
        actor=users["sds"],
        data=ControlData(
            day=today,
            method=DeliveryControl.Method.DOCUMENTS,
            outcome=DeliveryControl.Outcome.MINOR,
            findings="Foglio presenza senza firma.",
            follow_up="Far firmare il foglio.",
            follow_up_due=today + dt.timedelta(days=10),
        ),
    )
    authorities = authorities_ensure(demo)
    placed = timezone.now() - dt.timedelta(days=3)
    emergency_placement_record(
        case=factories.in_care_case(demo),
        actor=users["assistente"],
        data=PlacementData(
            placed_at=placed,
            place_kind="community",
            place="Comunità di pronta accoglienza",
            placing_authority="police",
            reasons="Minore solo in casa di notte.",
            prosecutor=authorities["pm"],
            oral_notice_at=placed + dt.timedelta(minutes=15),
            oral_notice_who="A.S. di turno",
        ),
    )
    art403_check(now=timezone.now())


def _measure(client: Client, demo: DemoTerritory) -> tuple[dict[tuple[str, str], int], dict[str, int]]:
    """Queries of each page (after a warm-up request, out of the measure) and rows shown in each section."""
    counts, rows = {}, {}
    for username, name in PAGES:
        login(client, demo.users[username])
        url = reverse(name)
        client.get(url)  # content types, translations and templates are cached by the first request
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts[(username, name)] = len(queries)
        if name == "worklists:home":
            rows |= {f"{username}:{s.key}": len(s.rows) for s in response.context["sections"]}
        else:
            rows[f"{username}:{name}"] = len(response.context["page"].rows)
    return counts, rows


def test_worklists_and_case_list_queries_do_not_grow_with_rows(client: Client, demo: DemoTerritory) -> None:
    _one_of_each(demo)
    few, rows_before = _measure(client, demo)
    for _ in range(5):
        _one_of_each(demo)
    many, rows_after = _measure(client, demo)
    not_growing = [key for key in rows_before if rows_after[key] <= rows_before[key]]  # empty ones included
    assert not not_growing, f"sections that did not grow, so measure nothing: {not_growing}"
    report = "\n".join(
        f"{user:>14} {name:<15} {few[(user, name)]:>3} -> {many[(user, name)]:>3}" for user, name in PAGES
    )
    print("\nqueries per page, with 1 then 6 rows in every section:\n" + report)
    assert few == many, report
