"""The worklist sections never count what they do not show (issue on scale): each reads at most ROWS + 1 rows,
newest or most urgent first, and says "più di ROWS" with a link to the complete list when there are more. ROWS
is made small here, so that a handful of rows crosses it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tutela.cases.services.assignment import case_assign
from tutela.deadlines.models import Deadline
from tutela.deadlines.services import deadline_create, end_of_day
from tutela.testing import factories
from tutela.worklists import selectors


@pytest.fixture
def two_rows(monkeypatch):
    monkeypatch.setattr(selectors, "ROWS", 2)


def _home(client, user):
    client.force_login(user)
    response = client.get(reverse("worklists:home"))
    assert response.status_code == 200
    return {s.key: s for s in response.context["sections"]}, response.content.decode()


def test_a_case_section_shows_the_newest_and_says_there_are_more(client, demo, coordinator, two_rows):
    cases = [factories.referred_case(demo, days_ago=n) for n in (3, 2)]

    sections, page = _home(client, coordinator)
    section = sections["to_assign_indirect"]
    assert [c.pk for c in section.rows] == [cases[1].pk, cases[0].pk]  # newest first
    assert (section.more, section.count_label) == (False, "2")
    assert 'data-count="to_assign_indirect">2<' in page and 'id="more-to_assign_indirect"' not in page

    newest = factories.referred_case(demo, days_ago=1)
    sections, page = _home(client, coordinator)
    section = sections["to_assign_indirect"]
    assert [c.pk for c in section.rows] == [newest.pk, cases[1].pk]
    assert (section.more, section.count_label) == (True, "più di 2")
    assert 'data-count="to_assign_indirect">più di 2<' in page
    assert "Mostrati i primi 2." in page
    assert f'href="{reverse("cases:list")}?stato=REFERRED">Cerca tra le pratiche' in page


def test_the_deadline_sections_stop_at_their_rows(client, demo, coordinator, social_worker, two_rows):
    case = factories.in_care_case(demo)
    today = timezone.localdate()
    overdue = [
        deadline_create(
            case=case,
            kind=Deadline.Kind.PLAN_REVIEW,
            description="Verifica del progetto",
            due_at=end_of_day(today - dt.timedelta(days=n)),
            actor=coordinator,
        )
        for n in (3, 2, 1)
    ]

    sections, page = _home(client, social_worker)
    section = sections["deadlines_overdue"]
    assert [d.pk for d in section.rows] == [overdue[0].pk, overdue[1].pk]  # the most overdue first
    assert section.more and 'data-count="deadlines_overdue">più di 2<' in page
    assert reverse("deadlines:calendar") in page


def test_late_take_in_charge_is_read_from_the_case_deadline(client, demo, two_rows):
    """Managing body: a referral past its take-in-charge term is listed until the case is assigned (which
    completes the deadline); a recent one is not."""
    late = factories.referred_case(demo, days_ago=25)
    recent = factories.referred_case(demo, days_ago=1)
    assert Deadline.objects.overdue(timezone.now()).filter(case=late, kind="take_in_charge").exists()

    sections, _page = _home(client, demo.users["sds"])
    assert [c.pk for c in sections["overdue"].rows] == [late.pk]
    assert recent.pk in [c.pk for c in sections["new_cases"].rows]

    case_assign(case=late, actor=demo.users["coordinatore"], social_worker=demo.users["assistente"])
    sections, _page = _home(client, demo.users["sds"])
    assert sections["overdue"].rows == []


@pytest.mark.parametrize("username", ["coordinatore", "sds", "assistente", "segretariato"])
def test_the_worklist_queries_do_not_grow_past_the_rows(client, demo, two_rows, username):
    def measure() -> int:
        client.force_login(demo.users[username])
        client.get(reverse("worklists:home"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("worklists:home")).status_code == 200
        return len(queries)

    def one_of_each() -> None:
        factories.referred_case(demo)
        factories.referred_case(demo, days_ago=25)
        factories.referred_case(demo, channel="direct")
        factories.assessment_case(demo)
        factories.in_care_case(demo)

    one_of_each()
    few = measure()
    for _ in range(3):
        one_of_each()
    sections, _page = _home(client, demo.users[username])
    assert any(s.more for s in sections.values())
    assert measure() == few
